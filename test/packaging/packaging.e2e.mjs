// Packaging test: the published tarball, installed into a fresh project, used the ways users use it.
// `npm pack` → `npm install <tarball> --offline` in a temp project, then: Node ESM, TypeScript with
// moduleResolution "nodenext", Deno (bare and npm: specifiers), esbuild for the browser (run in
// Chromium, also under a CSP), the raw-wasm entry through esbuild's file loader (Chromium), Vite 7's
// production build and dev server (Chromium), the workerd condition in real workerd, and the size
// budget. Run by scripts/test.mjs: `node node_modules/uvu/bin.js test/packaging '\.e2e\.mjs$'`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import * as vite from "vite";
import { serve } from "../../scripts/lib/server.mjs";
import { launchChromium } from "../../scripts/lib/chromium.mjs";
import { cleanEnv, denoCommand, freePort, workerdCommand } from "../../scripts/lib/tools.mjs";
import { verify } from "./app/check.js";
import { writeNodenextTsconfig } from "./tsconfig.mjs";

// Size budget, in gzip bytes: the default entry as published (both wasm builds inlined), and the
// minified esbuild browser bundle of an app that imports it. Raise deliberately, with a reason.
// Raised 110/105 → 120/116 KiB (issue 4): the staged short-row CE, the K-dim chunks and the log fast
// paths (each op's special-value path inlined beside it) grew the SIMD build from 138 to 166 KiB for
// kernels 1.3–2.3× faster. Who needs less loads `nnloss/raw`: one .wasm file, fetched on init.
// Raised 120/116 → 160/156 KiB (issue 12): the ops that feed losses (arithmetic, reductions,
// activations), each elementwise op its own loop on the driver in both builds (+19 KiB gzip for the
// arithmetic and reductions alone).
const BUDGET = { distIndexGzip: 160 * 1024, browserBundleGzip: 156 * 1024 };

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const APP_SRC = fileURLToPath(new URL("./app/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "nnloss-pkg-"));
const app = join(tmp, "app");
const sizes = {};
const env = cleanEnv();
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"], ...opts });

// ---------------------------------------------------------------- pack and install (setup)
const packed = JSON.parse(sh("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], { cwd: ROOT }))[0];
const tarball = join(tmp, packed.filename);
mkdirSync(app);
writeFileSync(join(app, "package.json"), JSON.stringify({ name: "nnloss-packaging-app", private: true, type: "module" }, null, 2));
sh("npm", ["install", tarball, "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app });
cpSync(join(APP_SRC, "check.js"), join(app, "check.js"));
const pkgDir = join(app, "node_modules", "nnloss");
const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
console.log(`packed ${packed.filename}: ${packed.size} bytes (${packed.unpackedSize} unpacked, ${packed.files.length} files), installed into ${app}`);

let browser = null;
const chromium = async () => (browser ??= await launchChromium());

/** Serve `dir`, open `path` in Chromium, wait for window.__result; returns { result, requests, problems }. */
async function inChromium(dir, path = "/", { headers } = {}) {
  const server = await serve(dir, { headers: headers && (() => headers) });
  const page = await (await chromium()).context.newPage();
  const problems = [], requests = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("requestfinished", (r) => requests.push(new URL(r.url()).pathname));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  try {
    await page.goto(new URL(path, server.url).href);
    await page.waitForFunction(() => globalThis.__result, null, { timeout: 60_000 });
    return { result: await page.evaluate(() => globalThis.__result), requests, problems };
  } finally {
    await page.close();
    await server.close();
  }
}

/** A browser entry: runs check() on `specifier` and publishes the result as window.__result. */
function browserMain(specifier) {
  return `import * as nn from ${JSON.stringify(specifier)};
import { check } from "./check.js";
check(nn).then((r) => { globalThis.__result = r; }, (e) => { globalThis.__result = { error: String(e?.stack ?? e) }; });
`;
}
const html = (script) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>nnloss packaging</title></head>
<body><script type="module" src="${script}"></script></body></html>
`;
const fail = (problems) => assert.unreachable(problems.join("\n"));

// ---------------------------------------------------------------- tests
test("package.json: ESM, sideEffects false, types inside every export condition, raw .wasm exported", () => {
  assert.is(pkg.type, "module");
  assert.is(pkg.sideEffects, false);
  const walk = (node, where) => {
    if (typeof node === "string") return;
    const keys = Object.keys(node);
    if (keys.includes("default") && !keys.some((k) => !k.startsWith(".") && typeof node[k] === "object")) {
      assert.ok(keys.includes("types"), `${where}: no "types" condition`);
      assert.is(keys[0], "types", `${where}: "types" must come first`);
    }
    for (const k of keys) walk(node[k], `${where} → ${k}`);
  };
  walk(pkg.exports, "exports");
  assert.is(pkg.exports["."].workerd.default, "./dist/index-raw.js");
  assert.is(pkg.exports["./raw"].default, "./dist/index-raw.js");
  assert.is(pkg.exports["./relaxed"].default, "./dist/index-relaxed.js");
  const files = new Set(packed.files.map((f) => f.path));
  for (const f of ["dist/index.js", "dist/index.d.ts", "dist/index-raw.js", "dist/index-raw.d.ts", "dist/index-relaxed.js",
    "dist/index-relaxed.d.ts", "dist/nnloss.simd.wasm", "dist/nnloss.scalar.wasm", "README.md"]) {
    assert.ok(files.has(f), `${f} is not in the tarball`);
  }
  const stray = [...files].filter((f) => /^(src|test|assembly|bench|scripts|build)\//.test(f));
  assert.equal(stray, [], "sources are not published");
});

test("Node ESM: import from the installed package, both builds, raw .wasm files resolvable", () => {
  writeFileSync(join(app, "node-esm.mjs"), `import * as nn from "nnloss";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { check } from "./check.js";
const r = await check(nn);
for (const b of ["simd", "scalar"]) {
  const bytes = readFileSync(fileURLToPath(import.meta.resolve("nnloss/nnloss." + b + ".wasm")));
  r["validates_" + b] = WebAssembly.validate(bytes);
}
console.log(JSON.stringify(r));
`);
  const r = JSON.parse(sh(process.execPath, ["node-esm.mjs"], { cwd: app }));
  const bad = verify(r, { simd: true });
  if (bad.length) fail(bad);
  assert.ok(r.validates_simd && r.validates_scalar, "the exported .wasm files validate");
});

test("Node ESM: nnloss/relaxed picks relaxed SIMD where the engine validates it (Node 20: only with --experimental-wasm-relaxed-simd)", () => {
  writeFileSync(join(app, "node-relaxed.mjs"), `import * as nn from "nnloss/relaxed";
import { check } from "./check.js";
const r = await check(nn);
console.log(JSON.stringify({ ...r, relaxedSupported: nn.relaxedSimdSupported() }));
`);
  // Node ≥ 22 validates relaxed SIMD by default and refuses the old flag ("bad option")
  const flagged = Number(process.versions.node.split(".")[0]) < 22 ? [["--experimental-wasm-relaxed-simd"]] : [];
  for (const flags of [[], ...flagged]) {
    const r = JSON.parse(sh(process.execPath, [...flags, "node-relaxed.mjs"], { cwd: app }));
    const bad = verify(r, { simd: false }); // every build it ran gives the expected numbers; scalar ran
    if (bad.length) fail(bad);
    const first = r.relaxedSupported ? "relaxed-simd" : "simd";
    assert.ok(r.builds[first], `${flags.join(" ") || "no flag"}: init() should pick ${first}, ran ${Object.keys(r.builds)}`);
  }
});

test('TypeScript 5.9, moduleResolution "nodenext": the published types check (default, raw and relaxed entries)', () => {
  cpSync(join(APP_SRC, "types.ts"), join(app, "types.ts"));
  writeNodenextTsconfig(app, ["types.ts"]);
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const version = sh(process.execPath, [tsc, "--version"]).trim();
  try {
    sh(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: app });
  } catch (e) {
    assert.unreachable(`${version}: ${e.stdout}${e.stderr}`);
  }
});

test("Deno: the installed package by bare and npm: specifiers, run and type-checked (offline)", () => {
  const deno = denoCommand();
  writeFileSync(join(app, "deno-bare.ts"), `import * as nn from "nnloss";
import { check } from "./check.js";
const x: nn.Tensor = nn.tensor(new Float32Array([1, 2]), [2]);
// @ts-expect-error a loss takes (input, target): the types are real, not any
export const wrong = () => nn.mseLoss(x);
console.log(JSON.stringify(await check(nn)));
`);
  writeFileSync(join(app, "deno-npm.ts"), readFileSync(join(app, "deno-bare.ts"), "utf8").replace('"nnloss"', '"npm:nnloss"'));
  for (const file of ["deno-bare.ts", "deno-npm.ts"]) {
    let out;
    try {
      sh(deno.cmd, [...deno.args, "check", "--quiet", file], { cwd: app });
      out = sh(deno.cmd, [...deno.args, "run", "--cached-only", "--no-prompt", "--allow-read", file], { cwd: app });
    } catch (e) {
      assert.unreachable(`${file}: ${e.stdout}${e.stderr}`);
    }
    const bad = verify(JSON.parse(out), { simd: true });
    if (bad.length) fail([file, ...bad]);
  }
});

test("a page, no build step: <script type=module> importing node_modules/nnloss/dist/index.js runs in Chromium", async () => {
  writeFileSync(join(app, "page.html"), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module">
  import * as nn from "/node_modules/nnloss/dist/index.js";
  import { check } from "/check.js";
  check(nn).then((r) => { globalThis.__result = r; }, (e) => { globalThis.__result = { error: String(e?.stack ?? e) }; });
</script>
`);
  const { result, requests, problems } = await inChromium(app, "/page.html");
  const bad = [...verify(result, { simd: true }), ...problems];
  if (bad.length) fail(bad);
  assert.ok(!requests.some((p) => p.endsWith(".wasm")), "the default entry fetches no .wasm file");
});

test("esbuild: browser bundle of the default entry runs in Chromium (also under a CSP without unsafe-eval)", async () => {
  const dir = join(tmp, "web-esbuild");
  mkdirSync(dir);
  writeFileSync(join(app, "web-main.js"), browserMain("nnloss"));
  const r = await esbuild.build({
    entryPoints: [join(app, "web-main.js")], bundle: true, format: "esm", platform: "browser", target: "es2022",
    minify: true, outfile: join(dir, "app.js"), metafile: true, logLevel: "silent",
  });
  const bundle = readFileSync(join(dir, "app.js"));
  sizes.browserBundle = bundle.length;
  sizes.browserBundleGzip = gzipSync(bundle, { level: 9 }).length;
  assert.ok(Object.keys(r.metafile.inputs).some((f) => f.endsWith("node_modules/nnloss/dist/index.js")), "bundled the default entry");
  writeFileSync(join(dir, "index.html"), html("./app.js"));
  for (const headers of [undefined, { "content-security-policy": "default-src 'self'; img-src data:; script-src 'self' 'wasm-unsafe-eval'" }]) {
    const { result, problems } = await inChromium(dir, "/", { headers });
    const bad = [...verify(result, { simd: true }), ...problems];
    if (bad.length) fail([headers ? "with CSP" : "without CSP", ...bad]);
  }
});

test("esbuild: the raw entry (nnloss/raw) with the .wasm file loader runs in Chromium and fetches the .wasm", async () => {
  const dir = join(tmp, "web-esbuild-raw");
  mkdirSync(dir);
  writeFileSync(join(app, "web-raw.js"), browserMain("nnloss/raw"));
  await esbuild.build({
    entryPoints: [join(app, "web-raw.js")], bundle: true, format: "esm", platform: "browser", target: "es2022",
    minify: true, outdir: join(dir, "assets"), loader: { ".wasm": "file" }, logLevel: "silent",
  });
  const emitted = readdirSync(join(dir, "assets"));
  assert.ok(emitted.filter((f) => f.endsWith(".wasm")).length === 2, `two .wasm files emitted: ${emitted}`);
  sizes.rawBrowserBundle = statSync(join(dir, "assets", "web-raw.js")).size;
  writeFileSync(join(dir, "index.html"), html("./assets/web-raw.js"));
  const { result, requests, problems } = await inChromium(dir);
  const bad = [...verify(result, { simd: true }), ...problems];
  if (bad.length) fail(bad);
  assert.ok(requests.filter((p) => p.endsWith(".wasm")).length === 2, `both .wasm files fetched: ${requests}`);
});

test("Vite 7: production build of an app importing nnloss runs in Chromium", async () => {
  const root = join(tmp, "web-vite");
  mkdirSync(root);
  cpSync(join(app, "node_modules"), join(root, "node_modules"), { recursive: true });
  cpSync(join(APP_SRC, "check.js"), join(root, "check.js"));
  writeFileSync(join(root, "main.js"), browserMain("nnloss"));
  writeFileSync(join(root, "index.html"), html("/main.js"));
  await vite.build({ root, configFile: false, logLevel: "silent", build: { outDir: "dist", emptyOutDir: true } });
  const { result, problems } = await inChromium(join(root, "dist"));
  const bad = [...verify(result, { simd: true }), ...problems];
  if (bad.length) fail([`vite ${vite.version}`, ...bad]);
});

test("Vite 7: dev server with its dependency optimizer serves an app importing nnloss to Chromium", async () => {
  const root = join(tmp, "web-vite");
  const server = await vite.createServer({
    root, configFile: false, logLevel: "silent", cacheDir: join(root, ".vite"),
    server: { host: "127.0.0.1", port: await freePort(), strictPort: true, hmr: false, watch: null },
  });
  await server.listen();
  try {
    const page = await (await chromium()).context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
    await page.goto(server.resolvedUrls.local[0]);
    await page.waitForFunction(() => globalThis.__result, null, { timeout: 60_000 });
    const result = await page.evaluate(() => globalThis.__result);
    await page.close();
    const bad = [...verify(result, { simd: true }), ...problems];
    if (bad.length) fail(bad);
  } finally {
    await server.close();
  }
});

test("workerd: the workerd export condition picks the raw entry; it runs in real workerd, where compiling from bytes is refused", async () => {
  const workerd = workerdCommand();
  assert.ok(workerd, "the workerd devDependency is installed");
  const dir = join(tmp, "workerd");
  mkdirSync(dir);
  writeFileSync(join(app, "worker.js"), `import * as nn from "nnloss";
import { check } from "./check.js";
export default {
  async fetch() {
    let fromBytes = "allowed";
    try { await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); } catch (e) { fromBytes = String(e); }
    try {
      return Response.json({ ...(await check(nn)), fromBytes });
    } catch (e) {
      return Response.json({ error: String(e?.stack ?? e), fromBytes });
    }
  },
};
`);
  // What wrangler does: bundle with the workerd condition, keep .wasm imports as wasm modules.
  const r = await esbuild.build({
    entryPoints: [join(app, "worker.js")], bundle: true, format: "esm", platform: "neutral", target: "es2022",
    conditions: ["workerd", "worker", "browser"], outfile: join(dir, "worker.js"), metafile: true, logLevel: "silent",
    plugins: [{ name: "wasm-modules", setup: (b) => b.onResolve({ filter: /\.wasm$/ }, (a) => ({ path: a.path, external: true })) }],
  });
  assert.ok(Object.keys(r.metafile.inputs).some((f) => f.endsWith("nnloss/dist/index-raw.js")), "the workerd condition resolved to index-raw.js");
  for (const b of ["simd", "scalar"]) cpSync(join(pkgDir, "dist", `nnloss.${b}.wasm`), join(dir, `nnloss.${b}.wasm`));
  const port = await freePort();
  writeFileSync(join(dir, "config.capnp"), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .mainWorker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const mainWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "nnloss.simd.wasm", wasm = embed "nnloss.simd.wasm"),
    (name = "nnloss.scalar.wasm", wasm = embed "nnloss.scalar.wasm"),
  ],
  compatibilityDate = "2025-09-01",
);
`);
  const child = spawn(workerd, ["serve", "config.capnp"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  try {
    let result = null;
    for (const t0 = Date.now(); result === null && Date.now() - t0 < 30_000;) {
      if (child.exitCode !== null) break;
      try {
        result = await (await fetch(`http://127.0.0.1:${port}/`)).json();
      } catch {
        await new Promise((ok) => setTimeout(ok, 100));
      }
    }
    assert.ok(result, `workerd answered (log: ${log})`);
    const bad = verify(result, { simd: true });
    if (bad.length) fail([...bad, log]);
    assert.match(result.fromBytes, /disallowed/, "workerd refuses to compile wasm from bytes, so the raw entry is needed there");
  } finally {
    child.kill();
  }
});

test("size budget: gzip of dist/index.js and of the minified browser bundle", () => {
  const index = readFileSync(join(pkgDir, "dist", "index.js"));
  sizes.distIndex = index.length;
  sizes.distIndexGzip = gzipSync(index, { level: 9 }).length;
  sizes.distIndexRaw = statSync(join(pkgDir, "dist", "index-raw.js")).size;
  sizes.wasmSimd = statSync(join(pkgDir, "dist", "nnloss.simd.wasm")).size;
  sizes.wasmScalar = statSync(join(pkgDir, "dist", "nnloss.scalar.wasm")).size;
  sizes.tarball = packed.size;
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`\n  sizes: dist/index.js ${kb(sizes.distIndex)} (gzip ${kb(sizes.distIndexGzip)}), dist/index-raw.js ${kb(sizes.distIndexRaw)}, ` +
    `wasm simd ${kb(sizes.wasmSimd)} / scalar ${kb(sizes.wasmScalar)}, esbuild browser bundle ${kb(sizes.browserBundle ?? NaN)} ` +
    `(gzip ${kb(sizes.browserBundleGzip ?? NaN)}), with nnloss/raw ${kb(sizes.rawBrowserBundle ?? NaN)} + the .wasm files, tarball ${kb(sizes.tarball)}`);
  assert.ok(sizes.distIndexGzip <= BUDGET.distIndexGzip, `dist/index.js gzip ${kb(sizes.distIndexGzip)} > budget ${kb(BUDGET.distIndexGzip)}`);
  assert.ok(sizes.browserBundleGzip !== undefined, "the esbuild test measured the browser bundle");
  assert.ok(sizes.browserBundleGzip <= BUDGET.browserBundleGzip, `browser bundle gzip ${kb(sizes.browserBundleGzip)} > budget ${kb(BUDGET.browserBundleGzip)}`);
});

test("no top-level await: the default entry bundles to an IIFE (works in classic scripts and old bundlers)", async () => {
  const r = await esbuild.build({
    stdin: { contents: 'import { init } from "nnloss"; globalThis.nnInit = init;', resolveDir: app },
    bundle: true, format: "iife", write: false, logLevel: "silent",
  });
  assert.ok(r.outputFiles[0].contents.length > 0);
});

test.after(async () => {
  await browser?.close();
  if (!process.env.NNLOSS_KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
});

test.run();
