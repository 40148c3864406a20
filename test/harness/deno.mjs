// Deno entry: `deno run --allow-read --allow-env test/harness/deno.mjs` runs every
// test/**/*.test.mjs through uvu, as test/harness/node.mjs does in Node and Bun; the build comes from
// NNLOSS_BUILD. Ends with a line naming the engine and the build the suite really ran.
import { runFiles } from "./uvu-run.mjs";

// test/**/*.test.mjs, as uvu's CLI finds them for Node (recursive, node_modules skipped, same order).
const dir = new URL("../", import.meta.url);
const files = [];
async function walk(url, rel) {
  for await (const e of Deno.readDir(url)) {
    const name = rel ? `${rel}/${e.name}` : e.name;
    if (/node_modules|^\.git/.test(name)) continue;
    if (e.isDirectory) await walk(new URL(`${e.name}/`, url), name);
    else if (/\.test\.mjs$/i.test(name)) files.push(name);
  }
}
await walk(dir, "");
files.sort((a, b) => a.localeCompare(b));
await runFiles(files, { base: dir });
const { BUILD } = await import("../_setup.mjs");
console.log(`\nengine: Deno ${Deno.version.deno}; nnloss build: ${BUILD}`);
