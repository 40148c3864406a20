// Operands in and out of wasm memory, on top of the kernels in assembly/tensorops.ts: put an operand into wasm
// memory at a broadcast shape, and the gradient-side ops autograd needs. Per-element work happens in
// wasm; these functions only move arrays and pass shapes.

import { Lane, jsLane, wasmLane } from "./blocks.js";
import { Wasm, uninitialized, withArena } from "./runtime.js";
import {
  FloatArray, FloatDType, Tensor, broadcastStrides, dtypeOf, floatData, numelOf, sameShape,
} from "./tensor.js";

type Ptr = number;

export function suffix(d: FloatDType): "f32" | "f64" {
  return d === "float64" ? "f64" : "f32";
}

export function floatCtor(d: FloatDType): Float32ArrayConstructor | Float64ArrayConstructor {
  return d === "float64" ? Float64Array : Float32Array;
}

/** `t` as dtype `d` at the broadcast `shape` in wasm memory: a resident tensor that already fits is
 *  used in place (zero-copy); anything else is copied (converted, expanded) into scratch memory. */
export function operandIn(w: Wasm, t: Tensor, d: FloatDType, shape: readonly number[]): Ptr {
  if (t._storage && t.dtype === d && sameShape(t.shape, shape)) return residentPtr(w, t);
  return arrayIn(w, floatData(t, d), t.shape, shape);
}

/** `t`'s data, as is, in wasm memory (in place when resident). */
export function tensorIn(w: Wasm, t: Tensor): Ptr {
  return t._storage ? residentPtr(w, t) : w.copyIn(t.data);
}

function residentPtr(w: Wasm, t: Tensor): Ptr {
  t.data; // validates: not disposed, same wasm instance
  return t._storage!.ptr;
}

/** Copy a float array of shape `from` into the arena at the broadcast shape `to`. */
export function arrayIn(w: Wasm, a: FloatArray, from: readonly number[], to: readonly number[]): Ptr {
  const src = w.copyIn(a);
  if (sameShape(from, to)) return src;
  const d = dtypeOf(a) as FloatDType;
  const dst = w.allocFor(floatCtor(d), numelOf(to));
  const shapePtr = w.ints(to);
  const stridesPtr = w.ints(broadcastStrides(from, to));
  w.k[`expand_${suffix(d)}`](src, dst, to.length, shapePtr, stridesPtr);
  return dst;
}

/** `t` at the broadcast `shape` as a blocked-execution lane of `perUnit` elements per unit: its JS data
 *  (as dtype d), read block by block, when it is JS-side and already at that shape; else in wasm memory
 *  (`operandIn`: a resident tensor in place, anything else copied or expanded whole). */
export function operandLane(w: Wasm, t: Tensor, d: FloatDType, shape: readonly number[], perUnit = 1): Lane {
  if (!t._storage && sameShape(t.shape, shape)) return jsLane(floatData(t, d), perUnit);
  return wasmLane(operandIn(w, t, d, shape), floatCtor(d).BYTES_PER_ELEMENT, perUnit);
}

/** A per-unit output of n elements of dtype d written into a fresh JS array; absent (the kernels'
 *  "not wanted" 0) if !wanted. */
export function outLane(d: FloatDType, n: number, perUnit = 1, wanted = true): Lane {
  return wanted ? jsLane(uninitialized(floatCtor(d), n), perUnit) : wasmLane(0, 0, perUnit);
}

/** A 0-d result tensor holding v (rounded to dtype d). */
export function scalarResult(v: number, d: FloatDType): Tensor {
  return new Tensor(new (floatCtor(d))([v]), []);
}

export function readOut(w: Wasm, d: FloatDType, ptr: Ptr, n: number): FloatArray {
  return w.copyOut(floatCtor(d), ptr, n);
}

/**
 * The gradient of a broadcast operand: `local` (shape `localShape`) multiplied by the upstream
 * gradient `g` (shape `gShape`, broadcast against localShape; null = scalar `alpha`), then summed
 * down to `leafShape`. Returns a new array, or `local` itself when nothing needs doing.
 */
export function chainGrad(local: FloatArray, localShape: readonly number[], g: FloatArray | null, gShape: readonly number[],
                          alpha: number, leafShape: readonly number[]): FloatArray {
  const reduce = !sameShape(localShape, leafShape);
  if (g === null && alpha === 1 && !reduce) return local;
  const d = dtypeOf(local) as FloatDType;
  const sfx = suffix(d);
  return withArena((w) => {
    const n = local.length;
    let p = w.copyIn(local);
    if (g !== null) {
      w.k[`mul_${sfx}`](p, arrayIn(w, g, gShape, localShape), n);
    } else if (alpha !== 1) {
      w.k[`scale_${sfx}`](p, alpha, n);
    }
    let len = n;
    if (reduce) {
      len = numelOf(leafShape);
      const dst = w.allocFor(floatCtor(d), len);
      w.k[`sumTo_${sfx}`](p, dst, len, localShape.length, w.ints(localShape), w.ints(broadcastStrides(leafShape, localShape)));
      p = dst;
    }
    return readOut(w, d, p, len);
  });
}
