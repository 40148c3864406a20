// One-level autograd: a loss result remembers, for every argument that requires grad, the local
// gradient its kernel computed in the forward pass (already scaled by the reduction). `backward(g)`
// multiplies by g (broadcast over whatever dims the loss reduced), sums down broadcast dims, and
// accumulates into the argument's `.grad` — the same numbers PyTorch's autograd produces.
// A resident argument (data in wasm memory) keeps its local gradient resident too, and in the common
// case (scalar loss, no broadcasting) that block simply becomes its `.grad`: no copy at all.

import { Lane, jsLane, wasmLane } from "./blocks.js";
import { NNLossError } from "./errors.js";
import { chainGrad, floatCtor, readOut, suffix } from "./ops.js";
import { residentTensor } from "./resident.js";
import { Wasm, uninitialized, wasm, withArena } from "./runtime.js";
import { FloatArray, FloatDType, Tensor, convert, floatData, isFloat, numelOf, sameShape } from "./tensor.js";

export interface GradSlot {
  /** The argument that receives the gradient. */
  leaf: Tensor;
  /** ∂(result)/∂(leaf) per element for an upstream gradient of 1, at `localShape`: a JS array, or a
   *  resident tensor for a resident leaf. */
  local: FloatArray | Tensor;
  localShape: readonly number[];
  /** How the result's shape lines up against localShape (same rank, 1 along dims the loss reduced).
   *  Defaults to localShape (elementwise losses). */
  gShape?: readonly number[];
}

const FREED_MESSAGE =
  "Trying to backward through the graph a second time (or directly access saved tensors after they have " +
  "already been freed). Saved intermediate values of the graph are freed when you call .backward() or " +
  "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or " +
  "if you need to access saved tensors after calling backward.";

/** Make `out` differentiable through `slots` (a no-op when none of the arguments requires grad). */
export function attachGrad(out: Tensor, slots: GradSlot[]): Tensor {
  if (slots.length === 0) return out;
  out.requiresGrad = true;
  let freed = false;
  out._gradFn = (g, retainGraph) => {
    if (freed) throw new NNLossError(FREED_MESSAGE);
    const scalarOut = out.shape.length === 0 || g === null;
    for (const s of slots) {
      const d: FloatDType = s.local instanceof Tensor ? (s.local.dtype as FloatDType) : s.local instanceof Float64Array ? "float64" : "float32";
      const gData = scalarOut || g === null ? null : floatData(g, d);
      const alpha = g === null ? 1 : scalarOut ? Number(g.data[0]) : 1;
      if (s.local instanceof Tensor) backwardResident(s, s.local, gData, alpha, retainGraph);
      else {
        let grad = chainGrad(s.local, s.localShape, gData, s.gShape ?? s.localShape, alpha, s.leaf.shape);
        // The local buffer may be handed over as the gradient itself only when the graph is freed.
        if (grad === s.local && retainGraph) grad = grad.slice();
        storeGrad(s.leaf, grad);
      }
    }
    if (!retainGraph) {
      freed = true;
      slots.length = 0;
    }
  };
  return out;
}

/**
 * The slot of a differentiable argument whose local gradient the kernel wrote at `ptr` (scratch memory
 * of this call, n elements of dtype d): copied out to JS, or kept resident for a resident leaf.
 * Returns [] when the leaf does not require grad, so callers can spread it into their slot list.
 */
export function gradSlotAt(w: Wasm, leaf: Tensor, ptr: number, d: FloatDType, localShape: readonly number[],
                           gShape?: readonly number[]): GradSlot[] {
  if (!leaf.requiresGrad || ptr === 0) return [];
  const local = leaf.resident && leaf.dtype === d
    ? (w.keep(ptr), residentTensor(w, ptr, localShape, d))
    : readOut(w, d, ptr, numelOf(localShape));
  return [{ leaf, local, localShape, gShape }];
}

/**
 * Where a blocked kernel writes the local gradient of `leaf` (n elements, `perUnit` per unit): a fresh
 * JS array, or for a resident leaf of dtype d a scratch block that becomes resident; absent (0) when the
 * leaf does not require grad. `gradSlotOf` turns it into the leaf's slot.
 */
export function gradLane(w: Wasm, leaf: Tensor, d: FloatDType, n: number, perUnit = 1): Lane {
  const bytes = floatCtor(d).BYTES_PER_ELEMENT;
  if (!leaf.requiresGrad) return wasmLane(0, bytes, perUnit);
  if (leaf.resident && leaf.dtype === d) return wasmLane(w.allocFor(floatCtor(d), n), bytes, perUnit);
  return jsLane(uninitialized(floatCtor(d), n), perUnit);
}

export function gradSlotOf(w: Wasm, leaf: Tensor, lane: Lane, d: FloatDType, localShape: readonly number[],
                           gShape?: readonly number[]): GradSlot[] {
  if (lane.js) return [{ leaf, local: lane.js as FloatArray, localShape, gShape }];
  return gradSlotAt(w, leaf, lane.ptr, d, localShape, gShape);
}

/** Accumulate a JS gradient array into leaf.grad (creating it, resident for a resident leaf). */
function storeGrad(leaf: Tensor, grad: FloatArray): void {
  if (grad.constructor !== floatCtor(leaf.dtype as FloatDType) && isFloat(leaf.dtype)) grad = convert(grad, leaf.dtype) as FloatArray;
  if (leaf.grad === null) {
    leaf.grad = leaf.resident ? residentCopy(grad, leaf.shape) : new Tensor(grad, leaf.shape);
    return;
  }
  const dst = leaf.grad;
  const d = dst.dtype as FloatDType;
  withArena((w) => {
    const src = w.copyIn(grad);
    if (dst.resident) {
      w.k[`axpy_${suffix(d)}`](dst._storage!.ptr, src, 1, grad.length);
    } else {
      const a = w.copyIn(dst.data);
      w.k[`axpy_${suffix(d)}`](a, src, 1, grad.length);
      (dst.data as FloatArray).set(w.view(floatCtor(d), a, grad.length));
    }
  });
}

function residentCopy(a: FloatArray, shape: readonly number[]): Tensor {
  const w = wasm();
  const ptr = w.heap.alloc(a.byteLength);
  const t = residentTensor(w, ptr, shape, a instanceof Float64Array ? "float64" : "float32");
  (t.data as FloatArray).set(a);
  return t;
}

/** Backward of a slot whose local gradient is a resident tensor. */
function backwardResident(s: GradSlot, local: Tensor, gData: FloatArray | null, alpha: number, retain: boolean): void {
  const w = wasm();
  const d = local.dtype as FloatDType;
  const n = local.numel;
  const leaf = s.leaf;
  if (gData !== null || !sameShape(s.localShape, leaf.shape)) {
    // broadcast or non-scalar upstream gradient: the general (copying) path
    const copy = (local.data as FloatArray).slice();
    if (!retain) local.dispose();
    storeGrad(leaf, chainGrad(copy, s.localShape, gData, s.gShape ?? s.localShape, alpha, leaf.shape));
    return;
  }
  if (leaf.grad === null && !retain) {
    if (alpha !== 1) w.k[`scale_${suffix(d)}`](local._storage!.ptr, alpha, n);
    leaf.grad = local; // the block becomes the gradient
    return;
  }
  try {
    if (leaf.grad === null) leaf.grad = residentCopy(new (floatCtor(d))(n), leaf.shape);
    const dst = leaf.grad;
    if (dst.resident && dst.dtype === d) {
      dst.data; // validates the target (throws if it was disposed)
      w.k[`axpy_${suffix(d)}`](dst._storage!.ptr, local._storage!.ptr, alpha, n);
    } else {
      storeGrad(leaf, chainGrad((local.data as FloatArray).slice(), s.localShape, null, s.localShape, alpha, leaf.shape));
    }
  } finally {
    if (!retain) local.dispose(); // also when the target was unusable: never leak the local block
  }
}
