// Node and Bun entry: `node test/harness/node.mjs` (or `bun test/harness/node.mjs`) runs every
// test/**/*.test.mjs through uvu in this process, as deno.mjs does for Deno: the files are imported
// directly, not through uvu's command line (which does not start under Bun: it sniffs import() support
// from an error message JavaScriptCore words differently, falls back to require(), and Bun refuses to
// require a module with top-level await). The build comes from NNLOSS_BUILD. Ends with a line naming
// the engine and the build the suite really ran, which scripts/test.mjs checks.
import { readdirSync } from "node:fs";
import { runFiles } from "./uvu-run.mjs";

const dir = new URL("../", import.meta.url);
const files = [];
(function walk(url, rel) {
  for (const e of readdirSync(url, { withFileTypes: true })) {
    const name = rel ? `${rel}/${e.name}` : e.name;
    if (/node_modules|^\.git/.test(name)) continue;
    if (e.isDirectory()) walk(new URL(`${e.name}/`, url), name);
    else if (/\.test\.mjs$/i.test(name)) files.push(name);
  }
})(dir, "");
files.sort((a, b) => a.localeCompare(b));
await runFiles(files, { base: dir });
const { BUILD } = await import("../_setup.mjs");
const engine = globalThis.Bun ? `Bun ${globalThis.Bun.version}` : `Node ${process.versions.node}`;
console.log(`\nengine: ${engine}; nnloss build: ${BUILD}`);
