// nnloss/tfjs as published: the packed tarball installed into a fresh project, first without tfjs, then
// with it (the repo's @tensorflow packages linked in, as an application's own node_modules has them).
// - without tfjs: `import "nnloss"` works (no entry but nnloss/tfjs mentions tfjs), and
//   `import "nnloss/tfjs"` fails naming the missing peer, @tensorflow/tfjs-core;
// - package.json: the "./tfjs" export with its types, tfjs as optional peer dependencies;
// - with tfjs: an application's TypeScript, strict, with no cast (app/types.ts), type-checks; a Node
//   script trains with it; an esbuild browser bundle of @tensorflow/tfjs + nnloss + nnloss/tfjs holds
//   exactly one copy of tfjs-core and trains in headless Chromium.
// Run by scripts/test.mjs (target node/tfjs-packaging): `node node_modules/uvu/bin.js test/tfjs '^packaging\.e2e\.mjs$'`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { cleanEnv } from "../../scripts/lib/tools.mjs";
import { serve } from "../../scripts/lib/server.mjs";
import { launchBrowser } from "../../scripts/lib/browsers.mjs";
import { writeNodenextTsconfig } from "../packaging/tsconfig.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "nnloss-tfjs-pack-"));
const app = join(tmp, "app");
const env = cleanEnv();
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"], ...opts });
const node = (file) => {
  const p = spawnSync(process.execPath, [file], { cwd: app, encoding: "utf8", env, timeout: 120_000 });
  return { code: p.status, out: p.stdout, err: p.stderr };
};

const packed = JSON.parse(sh("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], { cwd: ROOT }))[0];
mkdirSync(app);
writeFileSync(join(app, "package.json"), JSON.stringify({ name: "nnloss-tfjs-app", private: true, type: "module" }, null, 2));
sh("npm", ["install", join(tmp, packed.filename), "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app });
const pkg = JSON.parse(readFileSync(join(app, "node_modules", "nnloss", "package.json"), "utf8"));
const dist = (f) => readFileSync(join(app, "node_modules", "nnloss", "dist", f), "utf8");
console.log(`${packed.filename} installed into ${app}`);

test("package.json: the ./tfjs export (types first), tfjs as optional peer dependencies, the files in the tarball", () => {
  assert.equal(pkg.exports["./tfjs"], { types: "./dist/tfjs.d.ts", default: "./dist/tfjs.js" });
  for (const name of ["@tensorflow/tfjs", "@tensorflow/tfjs-core"]) {
    assert.ok(pkg.peerDependencies?.[name], `${name} is a peer dependency`);
    assert.is(pkg.peerDependenciesMeta?.[name]?.optional, true, `${name} is optional`);
    assert.ok(!pkg.dependencies?.[name], `${name} is not a dependency`);
  }
  const files = new Set(packed.files.map((f) => f.path));
  for (const f of ["dist/tfjs.js", "dist/tfjs.d.ts", "dist/types/tfjs/index.d.ts"]) assert.ok(files.has(f), `${f} is in the tarball`);
});

test("without tfjs installed: import \"nnloss\" works; only dist/tfjs.js mentions tfjs; nnloss/tfjs names the missing peer", () => {
  for (const f of ["index.js", "index-raw.js", "index-relaxed.js"]) assert.not.ok(dist(f).includes("@tensorflow"), `${f} mentions tfjs`);
  const adapter = dist("tfjs.js");
  const imports = [...adapter.matchAll(/^import\b.*?from\s*"([^"]+)"/gm)].map((m) => m[1]);
  assert.equal(imports, ["@tensorflow/tfjs-core"], "dist/tfjs.js imports tfjs-core and nothing else");
  assert.ok(adapter.length < 64 * 1024 && !/AGFzbQ|WebAssembly\.(compile|instantiate)/.test(adapter), "no wasm, no nnloss runtime in the adapter");
  writeFileSync(join(app, "plain.mjs"), `import * as nn from "nnloss";
await nn.init();
console.log(JSON.stringify({ loss: nn.crossEntropy(nn.tensor([1, 2, 3], [1, 3]), [2]).item() }));
`);
  const plain = node("plain.mjs");
  assert.is(plain.code, 0, plain.err);
  assert.ok(Math.abs(JSON.parse(plain.out).loss - 0.40760596) < 1e-6);
  writeFileSync(join(app, "adapter.mjs"), 'await import("nnloss/tfjs");\n');
  const missing = node("adapter.mjs");
  assert.is.not(missing.code, 0);
  assert.match(missing.err, /Cannot find package '@tensorflow\/tfjs-core'/);
});

test("with tfjs: an application's TypeScript (strict, nodenext, no casts) type-checks against the published types", () => {
  mkdirSync(join(app, "node_modules", "@tensorflow"), { recursive: true });
  rmSync(join(app, "node_modules", "@tensorflow"), { recursive: true, force: true });
  symlinkSync(join(ROOT, "node_modules", "@tensorflow"), join(app, "node_modules", "@tensorflow"), "dir");
  cpSync(fileURLToPath(new URL("./app/types.ts", import.meta.url)), join(app, "types.ts"));
  writeNodenextTsconfig(app, ["types.ts"], { skipLibCheck: true });
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  try {
    sh(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: app });
  } catch (e) {
    assert.unreachable(`tsc: ${e.stdout}${e.stderr}`);
  }
  // and nnloss's own declarations for the adapter check in full (skipLibCheck off for them)
  writeNodenextTsconfig(app, ["node_modules/nnloss/dist/tfjs.d.ts"], { name: "tsconfig.lib.json" });
  const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.lib.json"], { cwd: app, encoding: "utf8", env });
  const ours = (r.stdout + r.stderr).split("\n").filter((l) => l.includes("node_modules/nnloss/"));
  assert.equal(ours, [], "errors in nnloss's declarations");
});

test("with tfjs: a Node application trains a tfjs model through nnloss/tfjs", () => {
  writeFileSync(join(app, "train.mjs"), `import * as tf from "@tensorflow/tfjs";
import { init, CrossEntropyLoss } from "nnloss";
import { tfjsLoss } from "nnloss/tfjs";
await init();
const x = tf.tensor2d([[1, 0], [0, 1], [1, 1], [0, 0]]), y = [0, 1, 1, 0];
const w = tf.variable(tf.zeros([2, 2]));
const ce = tfjsLoss(new CrossEntropyLoss());
const opt = tf.train.sgd(0.5);
const losses = [];
for (let i = 0; i < 50; i++) losses.push(opt.minimize(() => ce(tf.matMul(x, w), y), true).dataSync()[0]);
console.log(JSON.stringify({ first: losses[0], last: losses[49] }));
`);
  const r = node("train.mjs");
  assert.is(r.code, 0, r.err);
  const { first, last } = JSON.parse(r.out);
  assert.ok(Math.abs(first - Math.log(2)) < 1e-6 && last < first, `loss ${first} → ${last}`);
});

test("with tfjs: an esbuild browser bundle holds one copy of tfjs-core and trains in headless Chromium", async () => {
  writeFileSync(join(app, "main.js"), `import * as tf from "@tensorflow/tfjs";
import { init, CTCLoss } from "nnloss";
import { tfjsLoss } from "nnloss/tfjs";
try {
  await init();
  await tf.setBackend("cpu");
  const logits = tf.variable(tf.zeros([2, 5, 4]));
  const ctc = tfjsLoss(new CTCLoss(), { batchFirst: true });
  const opt = tf.train.adam(0.1);
  const losses = [];
  for (let i = 0; i < 30; i++) losses.push(opt.minimize(() => ctc(tf.logSoftmax(logits), [1, 2, 3], [5, 4], [2, 1]), true).dataSync()[0]);
  window.__result = { first: losses[0], last: losses[29], backend: tf.getBackend() };
} catch (e) { window.__result = { error: String(e && e.stack || e) }; }
`);
  const outfile = join(app, "www", "app.js");
  await build({ entryPoints: [join(app, "main.js")], bundle: true, format: "esm", platform: "browser", minify: true, outfile, absWorkingDir: app, logLevel: "silent" });
  writeFileSync(join(app, "www", "index.html"), '<!doctype html><meta charset="utf-8"><script type="module" src="./app.js"></script>');
  const bundle = readFileSync(outfile, "utf8");
  const copies = bundle.split("The f passed in customGrad(f) must be a function").length - 1;
  assert.is(copies, 1, "tfjs-core's engine appears once in the bundle");
  const server = await serve(join(app, "www"));
  const browser = await launchBrowser("chromium");
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    const r = await page.waitFor(() => globalThis.__result, { timeout: 120_000, what: "the bundled app" });
    assert.not.ok(r.error, r.error);
    assert.ok(r.last < r.first, `CTC loss ${r.first} → ${r.last}`);
    console.log(`\n  esbuild bundle ${(bundle.length / 1024).toFixed(0)} KiB, one tfjs-core; CTC loss ${r.first.toFixed(4)} → ${r.last.toFixed(4)} in ${browser.version}`);
  } finally {
    await browser.close();
    await server.close();
  }
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
