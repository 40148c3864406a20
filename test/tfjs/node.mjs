// `node test/tfjs/node.mjs cpu|wasm`: the nnloss/tfjs tests (test/tfjs/*.tfjs.mjs — not *.test.mjs, which
// every engine runs without tfjs) through uvu in this process, on that tfjs backend. Run by
// scripts/test.mjs (targets node/tfjs-cpu, node/tfjs-wasm) after `npm run build`. Ends with the line
// naming the engine and the nnloss build that scripts/test.mjs reads.
import { readdirSync } from "node:fs";
import { runFiles } from "../harness/uvu-run.mjs";

const backend = process.argv[2] ?? "cpu";
if (!["cpu", "wasm"].includes(backend)) throw new Error(`backend must be cpu or wasm, got ${backend}`);
process.env.NNLOSS_TFJS_BACKEND = backend;
const files = readdirSync(new URL("./", import.meta.url)).filter((f) => /\.tfjs\.mjs$/.test(f)).sort();
await runFiles(files, { base: new URL("./", import.meta.url) });
const { BUILD, label } = await import("./_setup.mjs");
console.log(`\nengine: Node ${process.versions.node}, ${label}; nnloss build: ${BUILD}`);
