// Packaging test for the Node version that runs it (scripts/test.mjs runs it under every Node of the
// matrix, 18 to 26: `<node> node_modules/uvu/bin.js test/packaging '^node\.e2e\.mjs$'`): the packed
// tarball installed into a fresh project, then, with this very Node (process.execPath):
// - ESM `import` of the default and the relaxed entry (init() picks relaxed SIMD where this Node
//   validates it: without a flag from Node 22 on);
// - `require("nnloss")` from CommonJS where this Node can require ES modules (20.19+, 22.12+), and
//   where it cannot (18) the error Node gives and `import()` from CommonJS instead;
// - the published types: TypeScript's tsc run by this Node, and where Node strips types itself
//   (22.18+), a .ts file run directly; where it does not, the error Node gives.
// The full packaging test (bundlers, browsers, Deno, workerd, size budget) is packaging.e2e.mjs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanEnv } from "../../scripts/lib/tools.mjs";
import { verify } from "./app/check.js";
import { writeNodenextTsconfig } from "./tsconfig.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const APP_SRC = fileURLToPath(new URL("./app/", import.meta.url));
const NODE = process.execPath;
const VERSION = process.versions.node;
const [MAJOR, MINOR] = VERSION.split(".").map(Number);
const at = (major, minor) => MAJOR > major || (MAJOR === major && MINOR >= minor);
const tmp = mkdtempSync(join(tmpdir(), `nnloss-node${MAJOR}-`));
const app = join(tmp, "app");
const env = cleanEnv();
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"], ...opts });
/** Run this Node on a file of the app; resolves to { code, out, err }. */
const node = (args) => {
  const p = spawnSync(NODE, args, { cwd: app, encoding: "utf8", env, timeout: 120_000 });
  return { code: p.status, out: p.stdout, err: p.stderr };
};
const json = (r, what) => {
  assert.is(r.code, 0, `${what}: exit ${r.code}\n${r.out}\n${r.err}`);
  try {
    return JSON.parse(r.out);
  } catch {
    return assert.unreachable(`${what}: not JSON:\n${r.out}\n${r.err}`);
  }
};
const fail = (what, problems) => assert.unreachable(`${what}:\n${problems.join("\n")}`);

// ---------------------------------------------------------------- pack and install (setup); npm is the
// one on PATH (the Node that runs `npm test`), the package is then used by this Node only.
const packed = JSON.parse(sh("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], { cwd: ROOT }))[0];
mkdirSync(app);
writeFileSync(join(app, "package.json"), JSON.stringify({ name: "nnloss-node-app", private: true, type: "module" }, null, 2));
sh("npm", ["install", join(tmp, packed.filename), "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app });
cpSync(join(APP_SRC, "check.js"), join(app, "check.js"));
console.log(`Node ${VERSION}: ${packed.filename} installed into ${app}`);

// Node 22 dropped the flag (relaxed SIMD is on by default there and an unknown flag is an error).
const RELAXED_FLAG = MAJOR < 22 ? ["--experimental-wasm-relaxed-simd"] : [];

test(`Node ${VERSION}: import "nnloss" runs the SIMD and the scalar build`, () => {
  writeFileSync(join(app, "esm.mjs"), `import * as nn from "nnloss";
import { check } from "./check.js";
console.log(JSON.stringify({ ...(await check(nn)), hasUsing: (() => { try { new Function("{ using x = null; }"); return true; } catch { return false; } })() }));
`);
  const r = json(node(["esm.mjs"]), "esm.mjs");
  const bad = verify(r, { simd: true });
  if (bad.length) fail("esm.mjs", bad);
  assert.ok(r.simdSupported, "every Node ≥ 18 has wasm SIMD");
  console.log(`\n  Node ${VERSION}: builds ${Object.keys(r.builds).join(", ")}; \`using\` ${r.hasUsing ? "parses" : "is a syntax error"}`);
});

test(`Node ${VERSION}: import "nnloss/relaxed" picks relaxed SIMD where this Node validates it${RELAXED_FLAG.length ? " (with the flag)" : ""}`, () => {
  writeFileSync(join(app, "relaxed.mjs"), `import * as nn from "nnloss/relaxed";
import { check } from "./check.js";
const r = await check(nn);
console.log(JSON.stringify({ ...r, relaxedSupported: nn.relaxedSimdSupported() }));
`);
  for (const flags of RELAXED_FLAG.length ? [[], RELAXED_FLAG] : [[]]) {
    const what = `relaxed.mjs ${flags.join(" ") || "(no flag)"}`;
    const r = json(node([...flags, "relaxed.mjs"]), what);
    const bad = verify(r, { simd: false });
    if (bad.length) fail(what, bad);
    const first = r.relaxedSupported ? "relaxed-simd" : "simd";
    assert.ok(r.builds[first], `${what}: init() should pick ${first}, ran ${Object.keys(r.builds)}`);
    if (flags.length === 0) assert.is(r.relaxedSupported, MAJOR >= 22, `${what}: relaxed SIMD validates without a flag from Node 22 on`);
  }
});

test(`Node ${VERSION}: require("nnloss") from CommonJS ${at(22, 12) || (MAJOR === 20 && at(20, 19)) ? "works" : "fails as Node does (no require(esm)); import() works"}`, () => {
  writeFileSync(join(app, "cjs.cjs"), `const { check } = require("./check.cjs");
let required;
try { required = require("nnloss"); } catch (e) { required = { code: e.code, message: e.message }; }
(async () => {
  const viaRequire = typeof required.init === "function" ? await check(required) : required;
  const viaImport = await check(await import("nnloss"));
  console.log(JSON.stringify({ viaRequire, viaImport, requireModule: process.features.require_module ?? null }));
})().catch((e) => { console.error(e); process.exit(1); });
`);
  // check.js is ESM; a CommonJS twin of it for require()
  cpSync(join(APP_SRC, "check.js"), join(app, "check-esm.mjs"));
  writeFileSync(join(app, "check.cjs"), `let m; exports.check = async (nn) => (m ??= await import("./check-esm.mjs")).check(nn);\n`);
  const r = json(node(["cjs.cjs"]), "cjs.cjs");
  const bad = verify(r.viaImport, { simd: true });
  if (bad.length) fail("import() from CommonJS", bad);
  const canRequire = at(22, 12) || (MAJOR === 20 && at(20, 19));
  assert.is(!!r.requireModule, canRequire, `process.features.require_module on Node ${VERSION}`);
  if (canRequire) {
    const bad2 = verify(r.viaRequire, { simd: true });
    if (bad2.length) fail(`require("nnloss") on Node ${VERSION}`, bad2);
  } else {
    assert.is(r.viaRequire.code, "ERR_REQUIRE_ESM", `require("nnloss") on Node ${VERSION}: ${JSON.stringify(r.viaRequire)}`);
  }
});

test(`Node ${VERSION}: the published types check with TypeScript run by this Node (nodenext)`, () => {
  cpSync(join(APP_SRC, "types.ts"), join(app, "types.ts"));
  writeNodenextTsconfig(app, ["types.ts"]);
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const r = node([tsc, "-p", "tsconfig.json"]);
  assert.is(r.code, 0, `tsc on Node ${VERSION}: exit ${r.code}\n${r.out}\n${r.err}`);
});

const strips = !!process.features.typescript;
test(`Node ${VERSION}: a .ts file importing nnloss ${strips ? "runs with Node's own type stripping" : "is refused (this Node does not strip types)"}`, () => {
  writeFileSync(join(app, "run.ts"), `import * as nn from "nnloss";
import { type Tensor, tensor } from "nnloss";
import { check } from "./check.js";
const x: Tensor = tensor(new Float32Array([1, 2]), [2]);
const result: Record<string, unknown> = await check(nn);
console.log(JSON.stringify({ ...result, n: x.data.length as number }));
`);
  const r = node(["run.ts"]);
  if (strips) {
    const out = json(r, "run.ts");
    const bad = verify(out, { simd: true });
    if (bad.length) fail("run.ts", bad);
    assert.is(out.n, 2);
  } else {
    assert.is.not(r.code, 0, "this Node cannot run .ts files");
    assert.match(r.err, /ERR_UNKNOWN_FILE_EXTENSION/, r.err);
  }
});

test.after(() => {
  if (!process.env.NNLOSS_KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
});

test.run();
