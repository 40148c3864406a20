// nnloss/relaxed: the same public API as the default entry (index.ts), plus the relaxed-SIMD build,
// which its `init()` picks when the engine validates it (see wasm-inline-relaxed.ts). Everything but
// `init`/`simdSupported` is re-exported from index.ts: a local export wins over a star re-export.
export * from "./index.js";
export { init, simdSupported, relaxedSimdSupported } from "./wasm-inline-relaxed.js";
