// One-level autograd: a loss result remembers, for every argument that requires grad, the local
// gradient its kernel computed in the forward pass (already scaled by the reduction). `backward(g)`
// multiplies by g (broadcast over whatever dims the loss reduced), sums down broadcast dims, and
// accumulates into the argument's `.grad` — the same numbers PyTorch's autograd produces.

import { NNLossError } from "./errors.js";
import { accumulate, chainGrad } from "./ops.js";
import { FloatArray, FloatDType, Tensor, convert, floatData, isFloat } from "./tensor.js";

export interface GradSlot {
  /** The argument that receives the gradient. */
  leaf: Tensor;
  /** ∂(result)/∂(leaf) per element for an upstream gradient of 1, at `localShape`. */
  local: FloatArray;
  localShape: readonly number[];
  /** How the result's shape lines up against localShape (same rank, 1 along dims the loss reduced).
   *  Defaults to localShape (elementwise losses). */
  gShape?: readonly number[];
}

/** Make `out` differentiable through `slots` (a no-op when none of the arguments requires grad). */
export function attachGrad(out: Tensor, slots: GradSlot[]): Tensor {
  if (slots.length === 0) return out;
  out.requiresGrad = true;
  let freed = false;
  out._gradFn = (g, retainGraph) => {
    if (freed) {
      throw new NNLossError(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have " +
          "already been freed). Saved intermediate values of the graph are freed when you call .backward() or " +
          "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or " +
          "if you need to access saved tensors after calling backward.",
      );
    }
    const scalarOut = out.shape.length === 0 || g === null;
    for (const s of slots) {
      const d = s.local instanceof Float64Array ? "float64" : "float32";
      const gData = scalarOut || g === null ? null : floatData(g, d as FloatDType);
      const alpha = g === null ? 1 : scalarOut ? Number(g.data[0]) : 1;
      let grad = chainGrad(s.local, s.localShape, gData, s.gShape ?? s.localShape, alpha, s.leaf.shape);
      // The local buffer may be handed over as the gradient itself only when the graph is freed.
      if (grad === s.local && retainGraph) grad = grad.slice();
      if (grad.constructor !== s.leaf.data.constructor && isFloat(s.leaf.dtype)) grad = convert(grad, s.leaf.dtype) as FloatArray;
      if (s.leaf.grad === null) s.leaf.grad = new Tensor(grad, s.leaf.shape);
      else accumulate(s.leaf.grad.data as FloatArray, grad);
    }
    if (!retainGraph) {
      freed = true;
      slots.length = 0;
    }
  };
  return out;
}

/** A slot for `leaf` if it requires grad, else nothing: `slots.push(...gradSlot(...))`. */
export function gradSlot(leaf: Tensor, local: FloatArray | null, localShape: readonly number[], gShape?: readonly number[]): GradSlot[] {
  return leaf.requiresGrad && local !== null ? [{ leaf, local, localShape, gShape }] : [];
}
