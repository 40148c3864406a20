// Build: both wasm builds from one AssemblyScript source, the ESM bundle with the wasm inlined, and
// the .d.ts files. `node scripts/build.mjs` (npm run build).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" });
const bin = (name) => `node_modules/.bin/${name}`;

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist", { recursive: true });
for (const target of ["simd", "scalar"]) run(bin("asc"), ["assembly/index.ts", "--config", "asconfig.json", "--target", target]);

await build({
  entryPoints: ["src/index.ts"],
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  outfile: "dist/index.js",
  loader: { ".wasm": "binary" },
  sourcemap: true,
  legalComments: "none",
});

run(bin("tsc"), ["-p", "tsconfig.json"]);
writeFileSync("dist/index.d.ts", 'export * from "./types/index.js";\n');
for (const target of ["simd", "scalar"]) copyFileSync(`build/nnloss.${target}.wasm`, `dist/nnloss.${target}.wasm`);
