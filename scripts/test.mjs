// `npm test` after the build: the uvu suite once per wasm build (SIMD, scalar), each in its own
// process, then one closing line "N passed, N failed" with the real totals for CI.
import { spawnSync } from "node:child_process";

const runs = [
  { name: "node/simd", env: { NNLOSS_BUILD: "simd" } },
  { name: "node/scalar", env: { NNLOSS_BUILD: "scalar" } },
];
let passed = 0, failed = 0, broken = false;
for (const r of runs) {
  console.log(`\n=== ${r.name} ===`);
  const p = spawnSync(process.execPath, ["node_modules/uvu/bin.js", "test", "\\.test\\.mjs$"], {
    env: { ...process.env, NO_COLOR: "1", ...r.env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  process.stdout.write(p.stdout);
  process.stderr.write(p.stderr);
  const total = Number(/Total:\s+(\d+)/.exec(p.stdout)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(p.stdout)?.[1] ?? NaN);
  if (!Number.isFinite(total) || !Number.isFinite(ok) || p.status !== 0 && total === ok) broken = true;
  if (Number.isFinite(total)) { passed += ok; failed += total - ok; }
  if (p.status !== 0) broken = true;
  console.log(`${r.name}: ${ok} passed, ${total - ok} failed (exit ${p.status})`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(broken || failed > 0 || passed === 0 ? 1 : 0);
