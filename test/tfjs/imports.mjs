// The import map a page needs to load nnloss/tfjs the way an application does, served from the repo
// root: "@tensorflow/tfjs" and "@tensorflow/tfjs-core" both to tfjs's one ESM bundle (one copy of tfjs;
// the union re-exports all of tfjs-core), "@tensorflow/tfjs-backend-wasm" to its ESM bundle (which
// imports "@tensorflow/tfjs-core"; its Node-only imports map to an empty module), and "nnloss",
// "nnloss/relaxed", "nnloss/tfjs" to dist/. Used by the test page (browser-run.mjs) and bench/tfjs.
const empty = "data:text/javascript,export default {};";

export function tfjsImports() {
  return {
    "@tensorflow/tfjs": "/node_modules/@tensorflow/tfjs/dist/tf.fesm.js",
    "@tensorflow/tfjs-core": "/node_modules/@tensorflow/tfjs/dist/tf.fesm.js",
    "@tensorflow/tfjs-backend-wasm": "/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.fesm.js",
    fs: empty, path: empty, os: empty, perf_hooks: empty,
    nnloss: "/dist/index.js",
    "nnloss/relaxed": "/dist/index-relaxed.js",
    "nnloss/tfjs": "/dist/tfjs.js",
  };
}
