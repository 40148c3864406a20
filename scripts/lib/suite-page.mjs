// The browser suite page: one import map for uvu and its dependencies (resolved exactly as Node
// resolves them) and for fast-check (from its package's `exports`), all served from node_modules, the
// list of test files, and test/harness/browser.mjs. One map, because Firefox ignores every import map
// after the first (Chromium merges them).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join, relative } from "node:path";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SUITE_PAGE = "/test/harness/suite.html";

// test/**/*.test.mjs, as uvu's CLI finds them for Node (recursive, node_modules skipped, same order).
export function testFiles() {
  const out = [];
  const walk = (dir, rel) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      if (/node_modules|^\.git/.test(name)) continue;
      if (e.isDirectory()) walk(new URL(`${e.name}/`, dir), name);
      else if (/\.test\.mjs$/i.test(name)) out.push(name);
    }
  };
  walk(new URL("../../test/", import.meta.url), "");
  return out.sort((a, b) => a.localeCompare(b));
}

const served = (file) => `/${relative(ROOT, file).split("\\").join("/")}`;

/** The directory of package `name` as Node finds it from `from` (walking up the node_modules folders). */
function packageDir(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`package ${name} not found from ${from}`);
  }
}

/** Import-map entries for every ESM subpath a package exports (its "import" condition, else "default"). */
function exportsMap(name, from) {
  const dir = packageDir(name, from);
  const { exports } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const pick = (t) => (typeof t === "string" ? t : t && (pick(t.import) ?? pick(t.default)));
  const out = {};
  for (const [key, target] of Object.entries(typeof exports === "string" ? { ".": exports } : exports)) {
    const file = pick(target);
    if (typeof file === "string" && /\.m?js$/.test(file)) out[`${name}${key.slice(1)}`] = served(join(dir, file));
  }
  return { dir, imports: out };
}

export function importMap() {
  const imports = {};
  for (const s of ["uvu", "uvu/assert", "uvu/diff", "kleur", "dequal", "diff"]) {
    imports[s] = served(fileURLToPath(import.meta.resolve(s)));
  }
  // fast-check (test/property.test.mjs through test/util.mjs's loadFastCheck) and pure-rand, which it imports
  const fc = exportsMap("fast-check", ROOT);
  Object.assign(imports, fc.imports, exportsMap("pure-rand", fc.dir).imports);
  return { imports };
}

export function suitePage() {
  const imports = importMap().imports;
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>nnloss test suite</title>
<link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports }, null, 2)}</script>
<script type="application/json" id="files">${JSON.stringify(testFiles())}</script>
<style>body { font: 13px/1.4 ui-monospace, monospace; margin: 1em; } pre { white-space: pre-wrap; }</style>
<h1>nnloss test suite</h1>
<p>Build: <code>?build=simd</code> or <code>?build=scalar</code> (default: what the engine supports).</p>
<pre id="out"></pre>
<script type="module" src="/test/harness/browser.mjs"></script>
</html>
`;
}
