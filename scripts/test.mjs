// `npm test` after the build: the one uvu suite (test/*.test.mjs, fixtures included) on every engine of
// the matrix, each run in its own process —
//   Node 18, 20, 22, 24, 26 · Deno · Bun · headless Chromium · headless Firefox ESR · WebKitGTK (Xvfb)
// on the SIMD and the scalar build, and on the opt-in relaxed-SIMD build (nnloss/relaxed) wherever the
// engine validates it without a flag (Node ≥ 22, Deno, Bun, Chromium, Firefox; not Node 18/20, not
// WebKitGTK) — then the packaging tests (test/packaging/: the whole one once, the Node one on every
// Node), the examples (Node; the web page in Chromium, Firefox and WebKit), the nnloss/tfjs tests and
// examples (tfjs's cpu, wasm and webgl backends; Node and Chromium) and the browser benchmark page.
// Each run prints its own summary line; the run closes with one line "N passed, N failed" over
// all runs for CI. Exit 1 on any failure, if any run reported no tests, or if a run's suite ran
// another wasm build than the one asked for.
//
//   node scripts/test.mjs [word...]     e.g. `node scripts/test.mjs deno chromium/scalar node22 webkit`
//
// A word selects the runs it names exactly, or whose engine (node22, bun, firefox), family (node,
// browser), build (simd, scalar, relaxed-simd) or kind (suite, packaging, examples) it is.
// Engines are installed first, all at once (scripts/lib/engines.mjs): Node and Bun from their npm
// packages into .cache/engines/, the browsers and Xvfb with apt-get; Deno is a devDependency.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BROWSER_APT, BROWSER_LABEL } from "./lib/browsers.mjs";
import { NODE_MAJORS, NODE_RELEASES, ensureApt, ensureEngine } from "./lib/engines.mjs";
import { denoCommand } from "./lib/tools.mjs";

process.chdir(fileURLToPath(new URL("../", import.meta.url)));
const ALL_BUILDS = ["simd", "scalar", "relaxed-simd"];
const UVU = "node_modules/uvu/bin.js";

const RUNS = [];
// The suite on every engine and build. `bin` is resolved after the installs (engine name → binary).
for (const major of NODE_MAJORS) {
  for (const build of major >= 22 ? ALL_BUILDS : ["simd", "scalar"]) {
    RUNS.push({ name: `node${major}/${build}`, engine: `node${major}`, family: "node", kind: "suite", build,
      args: ["test/harness/node.mjs"], env: { NNLOSS_BUILD: build } });
  }
}
const deno = denoCommand();
for (const build of ALL_BUILDS) {
  RUNS.push({ name: `deno/${build}`, engine: "deno", family: "deno", kind: "suite", build, cmd: deno.cmd,
    args: [...deno.args, "run", "--cached-only", "--no-prompt", "--allow-read", "--allow-env", "test/harness/deno.mjs"], env: { NNLOSS_BUILD: build } });
}
for (const build of ALL_BUILDS) {
  RUNS.push({ name: `bun/${build}`, engine: "bun", family: "bun", kind: "suite", build, args: ["test/harness/node.mjs"], env: { NNLOSS_BUILD: build } });
}
for (const browser of ["chromium", "firefox", "webkit"]) {
  for (const build of browser === "webkit" ? ["simd", "scalar"] : ALL_BUILDS) {
    RUNS.push({ name: `${browser}/${build}`, engine: browser, family: "browser", kind: "suite", build, apt: BROWSER_APT[browser],
      cmd: process.execPath, args: ["test/harness/browser-run.mjs", browser, build] });
  }
}
// Packaging: the whole test once (bundlers, browsers, Deno, workerd, size budget), with the Node that
// runs npm; the Node one (import, require, types) on every Node.
RUNS.push({ name: "packaging", engine: "host", family: "node", kind: "packaging", apt: BROWSER_APT.chromium,
  cmd: process.execPath, args: [UVU, "test/packaging", "^packaging\\.e2e\\.mjs$"] });
for (const major of NODE_MAJORS) {
  RUNS.push({ name: `node${major}/packaging`, engine: `node${major}`, family: "node", kind: "packaging",
    args: [UVU, "test/packaging", "^node\\.e2e\\.mjs$"] });
}
// Examples: the Node scripts, and the web page in every browser; then the benchmark page (Chromium).
RUNS.push({ name: "node/examples", engine: "host", family: "node", kind: "examples", cmd: process.execPath, args: [UVU, "examples", "^examples\\.e2e\\.mjs$"] });
for (const browser of ["chromium", "firefox", "webkit"]) {
  RUNS.push({ name: `${browser}/examples`, engine: browser, family: "browser", kind: "examples", apt: BROWSER_APT[browser],
    cmd: process.execPath, args: [UVU, "examples/web", "\\.e2e\\.mjs$"], env: { NNLOSS_BROWSER: browser } });
}
// nnloss/tfjs: its tests (test/tfjs/*.tfjs.mjs, never on engines without tfjs) on tfjs's cpu and wasm
// backends in Node and in Chromium, and on webgl in Chromium (a software GPU, SwiftShader, headless);
// the packed tarball with tfjs (types, Node, an esbuild bundle in Chromium); the tfjs examples.
// `node scripts/test.mjs tfjs` runs just these.
for (const backend of ["cpu", "wasm", "webgl"]) {
  if (backend !== "webgl") {
    RUNS.push({ name: `node/tfjs-${backend}`, engine: "host", family: "node", kind: "tfjs", cmd: process.execPath, args: ["test/tfjs/node.mjs", backend] });
  }
  RUNS.push({ name: `chromium/tfjs-${backend}`, engine: "chromium", family: "browser", kind: "tfjs", apt: BROWSER_APT.chromium,
    cmd: process.execPath, args: ["test/tfjs/browser-run.mjs", backend] });
}
RUNS.push({ name: "node/tfjs-packaging", engine: "host", family: "node", kind: "tfjs", apt: BROWSER_APT.chromium,
  cmd: process.execPath, args: [UVU, "test/tfjs", "^packaging\\.e2e\\.mjs$"] });
RUNS.push({ name: "node/tfjs-examples", engine: "host", family: "node", kind: "tfjs", cmd: process.execPath, args: [UVU, "examples", "^tfjs\\.e2e\\.mjs$"] });
RUNS.push({ name: "chromium/bench-web", engine: "chromium", family: "browser", kind: "bench", apt: BROWSER_APT.chromium,
  cmd: process.execPath, args: [UVU, "bench/web", "\\.e2e\\.mjs$"] });

const TIMEOUT_MS = 10 * 60_000;

const wanted = process.argv.slice(2);
const selects = (r, w) => r.name === w || [r.engine, r.family, r.build, r.kind].includes(w);
const runs = RUNS.filter((r) => wanted.length === 0 || wanted.some((w) => selects(r, w)));
if (runs.length === 0) {
  console.error(`no run matches ${wanted.join(" ")}; runs: ${RUNS.map((r) => r.name).join(", ")}`);
  process.exit(1);
}

// ---------------------------------------------------------------- install the engines, all at once
const t00 = performance.now();
const npmEngines = [...new Set(runs.filter((r) => !r.cmd).map((r) => r.engine))];
const aptNeeds = [...new Set(runs.flatMap((r) => r.apt ?? []))];
console.log(`=== engines: ${[...npmEngines, ...aptNeeds.map((a) => `apt:${a}`)].join(", ") || "none to install"} ===`);
const installed = {}; // engine → binary, or an Error
let aptError = null;
await Promise.all([
  ...npmEngines.map((e) => ensureEngine(e).then((bin) => (installed[e] = bin), (err) => (installed[e] = err))),
  ensureApt(aptNeeds).catch((err) => (aptError = err)),
]);
for (const [e, v] of Object.entries(installed)) if (v instanceof Error) console.error(`${e}: ${v.message}`);
if (aptError) console.error(aptError.message);
const setupSeconds = (performance.now() - t00) / 1000;
console.log(`engines ready in ${setupSeconds.toFixed(1)} s`);

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

const results = [];
for (const r of runs) {
  console.log(`\n=== ${r.name} ===`);
  const t0 = performance.now();
  let res = { code: -1, stdout: "" };
  const bin = r.cmd ?? installed[r.engine];
  if (bin instanceof Error || !bin) console.error(`${r.name}: ${r.engine} is not installed: ${bin?.message ?? "unknown engine"}`);
  else if (r.apt && aptError) console.error(`${r.name}: ${r.apt.join(", ")} not installed (see above)`);
  else res = await exec({ ...r, cmd: bin });
  const total = Number(/Total:\s+(\d+)/.exec(res.stdout)?.[1] ?? NaN);
  const passed = Number(/Passed:\s+(\d+)/.exec(res.stdout)?.[1] ?? NaN);
  const seconds = (performance.now() - t0) / 1000;
  const counted = Number.isFinite(total) && Number.isFinite(passed);
  // the suite's harnesses name the engine and the build the suite really ran
  const ran = /^engine: (.+); nnloss build: (\S+)$/m.exec(res.stdout);
  const engine = ran?.[1] ?? /^engine: (.+)$/m.exec(res.stdout)?.[1] ?? (r.engine === "host" ? `Node ${process.versions.node}` : r.engine.startsWith("node") ? `Node ${NODE_RELEASES[r.engine.slice(4)].version}` : BROWSER_LABEL[r.engine] ?? r.engine);
  const wrongBuild = r.kind === "suite" && ran?.[2] !== r.build;
  if (wrongBuild) console.error(`${r.name}: asked for the ${r.build} build, the suite ran ${ran?.[2] ?? "an unknown build"}`);
  // A run that crashed, exited non-zero with all its tests passing, or ran another build counts as one failed test.
  const failedHere = counted ? total - passed : 0;
  const extra = (!counted || res.code !== 0 || wrongBuild) && failedHere === 0 ? 1 : 0;
  results.push({ name: r.name, engine, passed: counted ? passed : 0, failed: failedHere + extra, code: res.code, counted, wrongBuild, seconds });
  console.log(`${r.name}: ${counted ? `${passed} passed, ${total - passed} failed` : "no report"} (${engine}, exit ${res.code}, ${seconds.toFixed(1)} s)`);
}

let passed = 0, failed = 0, broken = false;
const wall = (performance.now() - t00) / 1000;
console.log("\n=== summary ===");
console.log(`${"engines: install / check".padEnd(22)} ${"".padStart(24)}  ${setupSeconds.toFixed(1).padStart(6)} s`);
for (const r of results) {
  passed += r.passed;
  failed += r.failed;
  const bad = r.code !== 0 || !r.counted || r.passed === 0 || r.failed > 0 || r.wrongBuild;
  if (bad) broken = true;
  const note = !r.counted ? "  <- no test report" : r.passed === 0 ? "  <- ran no test" : r.wrongBuild ? "  <- ran another build" : r.code !== 0 ? `  <- exit ${r.code}` : "";
  console.log(`${r.name.padEnd(22)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed  ${r.seconds.toFixed(1).padStart(6)} s  ${r.engine}${note}`);
}
console.log(`${"total".padEnd(22)} ${"".padStart(24)}  ${wall.toFixed(1).padStart(6)} s`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(broken || failed > 0 || passed === 0 ? 1 : 0);
