// The `nnloss/relaxed` entry's wasm source: the default entry's two builds plus the relaxed-SIMD build
// (fused multiply-add in the exp and log polynomials), all inlined. Importing this entry is the opt-in:
// its `init()` picks relaxed SIMD when the engine validates it, else SIMD, else scalar. Worth it in
// browsers (Chromium 156: CE [4096,1000] forward ~20–40 % faster); not in Node 20, whose V8 runs
// relaxed_madd several times slower than a multiply and an add.

import simdBytes from "../build/nnloss.simd.wasm";
import scalarBytes from "../build/nnloss.scalar.wasm";
import relaxedBytes from "../build/nnloss.relaxed.wasm";
import { inlineSource } from "./inline-source.js";
import { InitOptions, initWith } from "./runtime.js";

const source = /* @__PURE__ */ inlineSource(simdBytes, scalarBytes, relaxedBytes);

/** Does this engine support wasm SIMD? */
export function simdSupported(): boolean {
  return source.simdSupported();
}

/** Does this engine support relaxed SIMD (validates the relaxed-SIMD build)? */
export function relaxedSimdSupported(): boolean {
  return source.relaxedSupported!();
}

/** Load the wasm kernels (once; idempotent): relaxed SIMD where the engine has it, unless `options.simd`
 *  says otherwise (`true`: SIMD, `false`: scalar, `"auto"`: SIMD or scalar). */
export function init(options: InitOptions = {}): Promise<void> {
  return initWith(source, options, "relaxed");
}
