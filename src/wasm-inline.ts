// The default entry's wasm source: both builds inlined in the bundle as bytes (esbuild's binary
// loader), so a single import works in Node, Deno, browsers and bundlers with no .wasm paths.

import simdBytes from "../build/nnloss.simd.wasm";
import scalarBytes from "../build/nnloss.scalar.wasm";
import { InitOptions, WasmSource, initWith } from "./runtime.js";

const inlineSource: WasmSource = {
  simdSupported: () => WebAssembly.validate(simdBytes),
  module: (simd) => WebAssembly.compile(simd ? simdBytes : scalarBytes),
};

/** Does this engine support wasm SIMD? (Validates the SIMD build itself: exact, and < 1 ms.) */
export function simdSupported(): boolean {
  return inlineSource.simdSupported();
}

/** Load the wasm kernels (once; idempotent). `init({ simd: false })` forces the scalar build. */
export function init(options: InitOptions = {}): Promise<void> {
  return initWith(inlineSource, options);
}
