// The default entry's wasm source: the SIMD and scalar builds inlined in the bundle as bytes, so a
// single import works in Node, Deno, browsers and bundlers with no .wasm paths.

import simdBytes from "../build/nnloss.simd.wasm";
import scalarBytes from "../build/nnloss.scalar.wasm";
import { inlineSource } from "./inline-source.js";
import { InitOptions, initWith } from "./runtime.js";

const source = /* @__PURE__ */ inlineSource(simdBytes, scalarBytes);

/** Does this engine support wasm SIMD? (Validates the SIMD build itself: exact, and < 1 ms.) */
export function simdSupported(): boolean {
  return source.simdSupported();
}

/** Load the wasm kernels (once; idempotent). `init({ simd: false })` forces the scalar build. */
export function init(options: InitOptions = {}): Promise<void> {
  return initWith(source, options);
}
