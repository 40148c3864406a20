// nnloss/raw: the same public API as the default entry (index.ts), but the wasm builds are loaded
// from the raw .wasm files next to this bundle instead of being inlined (see wasm-raw.ts). Picked
// automatically under the `workerd` export condition. Everything but `init`/`simdSupported` is
// re-exported from index.ts: a local export wins over a star re-export of the same name.
export * from "./index.js";
export { init, simdSupported } from "./wasm-raw.js";
