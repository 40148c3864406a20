// `npm test` after the build: the one uvu suite (test/*.test.mjs, fixtures included) in every runtime,
// each run in its own process — Node, Deno and headless Chromium, each with the SIMD and the scalar build,
// Deno and Chromium also with the opt-in relaxed-SIMD build — then the packaging test (test/packaging/) and the browser benchmark page test; closes
// with one line "N passed, N failed" over all runs for CI. Exit 1 on any failure, or if any run
// reported no tests.
//
//   node scripts/test.mjs [name...]     e.g. `node scripts/test.mjs deno chromium/scalar`
//
// Chromium is Debian's (installed here with apt-get when /usr/bin/chromium is missing).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureChromium } from "./lib/chromium.mjs";
import { denoCommand } from "./lib/tools.mjs";

process.chdir(fileURLToPath(new URL("../", import.meta.url)));
const uvu = (dir, pattern) => ({ cmd: process.execPath, args: ["node_modules/uvu/bin.js", dir, pattern] });
const deno = denoCommand();
const denoRun = { cmd: deno.cmd, args: [...deno.args, "run", "--cached-only", "--no-prompt", "--allow-read", "--allow-env", "test/harness/deno.mjs"] };
const chromiumRun = (build) => ({ cmd: process.execPath, args: ["test/harness/chromium.mjs", build], chromium: true });

const RUNS = [
  { name: "node/simd", ...uvu("test", "\\.test\\.mjs$"), env: { NNLOSS_BUILD: "simd" } },
  { name: "node/scalar", ...uvu("test", "\\.test\\.mjs$"), env: { NNLOSS_BUILD: "scalar" } },
  { name: "deno/simd", ...denoRun, env: { NNLOSS_BUILD: "simd" } },
  { name: "deno/scalar", ...denoRun, env: { NNLOSS_BUILD: "scalar" } },
  { name: "chromium/simd", ...chromiumRun("simd") },
  { name: "chromium/scalar", ...chromiumRun("scalar") },
  // the opt-in relaxed-SIMD build (nnloss/relaxed): the same suite where the engine validates it (Node 20
  // does not without a flag; there the entry's fallback is tested in api.test.mjs)
  { name: "deno/relaxed-simd", ...denoRun, env: { NNLOSS_BUILD: "relaxed-simd" } },
  { name: "chromium/relaxed-simd", ...chromiumRun("relaxed-simd") },
  { name: "packaging", ...uvu("test/packaging", "\\.e2e\\.mjs$"), chromium: true },
  { name: "chromium/bench-web", ...uvu("bench/web", "\\.e2e\\.mjs$"), chromium: true },
  { name: "node/examples", ...uvu("examples", "^examples\\.e2e\\.mjs$") },
  { name: "chromium/examples", ...uvu("examples/web", "\\.e2e\\.mjs$"), chromium: true },
];
const TIMEOUT_MS = 10 * 60_000;

const wanted = process.argv.slice(2);
const runs = RUNS.filter((r) => wanted.length === 0 || wanted.some((w) => r.name === w || r.name.startsWith(`${w}/`) || r.name.endsWith(`/${w}`)));
if (runs.length === 0) {
  console.error(`no run matches ${wanted.join(" ")}; runs: ${RUNS.map((r) => r.name).join(", ")}`);
  process.exit(1);
}

/** Run one command, echoing its output live; resolves to { code, stdout }. */
function exec({ cmd, args, env }) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d) => { stdout += d; process.stdout.write(d); });
    child.stderr.on("data", (d) => process.stderr.write(d));
    const timer = setTimeout(() => { console.error(`timed out after ${TIMEOUT_MS / 1000} s`); child.kill("SIGTERM"); }, TIMEOUT_MS);
    child.on("error", (e) => { clearTimeout(timer); console.error(String(e)); done({ code: -1, stdout }); });
    child.on("close", (code, signal) => { clearTimeout(timer); done({ code: code ?? signal, stdout }); });
  });
}

let chromiumReady = null;
const results = [];
for (const r of runs) {
  console.log(`\n=== ${r.name} ===`);
  const t0 = performance.now();
  let res = { code: -1, stdout: "" };
  if (r.chromium && chromiumReady === null) {
    try {
      ensureChromium();
      chromiumReady = true;
    } catch (e) {
      console.error(String(e?.message ?? e));
      chromiumReady = false;
    }
  }
  if (!r.chromium || chromiumReady) res = await exec(r);
  const total = Number(/Total:\s+(\d+)/.exec(res.stdout)?.[1] ?? NaN);
  const passed = Number(/Passed:\s+(\d+)/.exec(res.stdout)?.[1] ?? NaN);
  const seconds = (performance.now() - t0) / 1000;
  const counted = Number.isFinite(total) && Number.isFinite(passed);
  // A run that crashed, or exited non-zero with all its tests passing, counts as one failed test.
  const failedHere = counted ? total - passed : 0;
  const extra = (!counted || res.code !== 0) && failedHere === 0 ? 1 : 0;
  results.push({ name: r.name, passed: counted ? passed : 0, failed: failedHere + extra, code: res.code, counted, seconds });
  console.log(`${r.name}: ${counted ? `${passed} passed, ${total - passed} failed` : "no report"} (exit ${res.code}, ${seconds.toFixed(1)} s)`);
}

let passed = 0, failed = 0, broken = false;
console.log("\n=== summary ===");
for (const r of results) {
  passed += r.passed;
  failed += r.failed;
  const bad = r.code !== 0 || !r.counted || r.passed === 0 || r.failed > 0;
  if (bad) broken = true;
  const note = !r.counted ? "  <- no test report" : r.passed === 0 ? "  <- ran no test" : r.code !== 0 ? `  <- exit ${r.code}` : "";
  console.log(`${r.name.padEnd(20)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed  ${r.seconds.toFixed(1).padStart(6)} s${note}`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(broken || failed > 0 || passed === 0 ? 1 : 0);
