// The browser suite page: an import map for uvu and its dependencies (resolved exactly as Node
// resolves them, served from node_modules), the list of test files, and test/harness/browser.mjs.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { relative } from "node:path";

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

export function suitePage() {
  const imports = {};
  for (const s of ["uvu", "uvu/assert", "uvu/diff", "kleur", "dequal", "diff"]) {
    imports[s] = `/${relative(ROOT, fileURLToPath(import.meta.resolve(s))).split("\\").join("/")}`;
  }
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
