// Build: the wasm builds from one AssemblyScript source (SIMD, scalar, and the opt-in relaxed-SIMD one),
// the ESM bundle with SIMD + scalar inlined (dist/index.js), the opt-in `nnloss/relaxed` bundle with all
// three inlined (dist/index-relaxed.js), the raw-wasm entry (dist/index-raw.js + the .wasm files), the
// TensorFlow.js adapter `nnloss/tfjs` (dist/tfjs.js: no wasm, no nnloss, tfjs left to the application),
// and the .d.ts files.
// `node scripts/build.mjs` (npm run build).
//
// Everything is built in a private directory (build/tmp-<pid>/) and then moved into build/ and dist/
// file by file with atomic renames, so builds running at the same time (several `npm test`s) never
// see or leave a half-written or missing file; files a build no longer makes are removed from dist/.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { build } from "esbuild";

const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" });
const bin = (name) => `node_modules/.bin/${name}`;
const TARGETS = ["simd", "scalar", "relaxed"];
const tmp = `build/tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(`${tmp}/dist`, { recursive: true });

try {
  for (const target of TARGETS) {
    run(bin("asc"), ["assembly/index.ts", "--config", "asconfig.json", "--target", target,
      "--outFile", `${tmp}/nnloss.${target}.wasm`, "--textFile", `${tmp}/nnloss.${target}.wat`]);
  }

  // src/ imports the wasm as ../build/nnloss.*.wasm (inlined entry) or ./nnloss.*.wasm (raw entry).
  const wasmImports = (raw) => ({
    name: "nnloss-wasm",
    setup(b) {
      b.onResolve({ filter: /^\.\.\/build\/nnloss\.(simd|scalar|relaxed)\.wasm$/ }, (a) => ({ path: join(process.cwd(), tmp, a.path.slice(9)) }));
      // Raw entry: these stay imports of the sibling files in dist/; the inlined bytes are tree-shaken.
      if (raw) b.onResolve({ filter: /^\.\/nnloss\.(simd|scalar)\.wasm$/ }, (a) => ({ path: a.path, external: true }));
    },
  });
  const common = {
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    loader: { ".wasm": "binary" },
    sourcemap: true,
    legalComments: "none",
  };
  // Bundled as if into dist/ (so the source maps point at ../src), written to the private directory.
  for (const [entry, raw] of [["index", false], ["index-relaxed", false], ["index-raw", true]]) {
    const r = await build({ ...common, entryPoints: [`src/${entry}.ts`], outfile: `dist/${entry}.js`, write: false, plugins: [wasmImports(raw)] });
    for (const f of r.outputFiles) writeFileSync(join(tmp, "dist", relative(join(process.cwd(), "dist"), f.path)), f.contents);
  }
  // nnloss/tfjs: "@tensorflow/tfjs-core" stays an import (an optional peer dependency: the application's
  // copy is used, none is bundled); the adapter reaches nnloss through the criterion it is given, so no
  // nnloss code is bundled either (checked here: a stray value import of ../tensor.js would pull in the
  // runtime and a second copy of the wasm).
  {
    const r = await build({ ...common, entryPoints: ["src/tfjs/index.ts"], outfile: "dist/tfjs.js", write: false, external: ["@tensorflow/*"] });
    for (const f of r.outputFiles) {
      if (f.path.endsWith(".js") && f.contents.length > 64 * 1024) throw new Error(`dist/tfjs.js is ${f.contents.length} bytes: it bundles more than the adapter`);
      writeFileSync(join(tmp, "dist", relative(join(process.cwd(), "dist"), f.path)), f.contents);
    }
  }

  run(bin("tsc"), ["-p", "tsconfig.json", "--outDir", `${tmp}/dist/types`]);
  writeFileSync(`${tmp}/dist/index.d.ts`, 'export * from "./types/index.js";\n');
  writeFileSync(`${tmp}/dist/index-raw.d.ts`, 'export * from "./types/index-raw.js";\n');
  writeFileSync(`${tmp}/dist/index-relaxed.d.ts`, 'export * from "./types/index-relaxed.js";\n');
  writeFileSync(`${tmp}/dist/tfjs.d.ts`, 'export * from "./types/tfjs/index.js";\n');
  // the raw .wasm files nnloss/raw loads (the relaxed build exists only inlined, in nnloss/relaxed)
  for (const target of ["simd", "scalar"]) copyFileSync(`${tmp}/nnloss.${target}.wasm`, `${tmp}/dist/nnloss.${target}.wasm`);

  // Publish: build/nnloss.* then dist/, each file by rename (atomic on one file system).
  for (const target of TARGETS) {
    for (const ext of ["wasm", "wat"]) renameSync(`${tmp}/nnloss.${target}.${ext}`, `build/nnloss.${target}.${ext}`);
  }
  const made = new Set(files(`${tmp}/dist`));
  for (const f of made) {
    mkdirSync(dirname(join("dist", f)), { recursive: true });
    renameSync(join(tmp, "dist", f), join("dist", f));
  }
  for (const f of files("dist")) if (!made.has(f)) rmSync(join("dist", f), { force: true });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

function files(dir) {
  const out = [];
  const walk = (d) => {
    let names;
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      if (statSync(p, { throwIfNoEntry: false })?.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}
