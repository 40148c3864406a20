// A WasmSource over wasm builds inlined in the bundle as bytes (esbuild's binary loader): what the
// default entry (SIMD + scalar, wasm-inline.ts) and the opt-in `nnloss/relaxed` entry (+ relaxed SIMD,
// wasm-inline-relaxed.ts) load from. Each build is compiled when first asked for.

import type { Build, WasmSource } from "./runtime.js";

type Bytes = Uint8Array<ArrayBuffer>;

export function inlineSource(simd: Bytes, scalar: Bytes, relaxed?: Bytes): WasmSource {
  const bytes: Record<Build, Bytes | undefined> = { "relaxed-simd": relaxed, simd, scalar };
  return {
    simdSupported: () => WebAssembly.validate(simd),
    relaxedSupported: relaxed ? () => WebAssembly.validate(relaxed) : undefined,
    module: (build) => WebAssembly.compile(bytes[build]!),
  };
}
