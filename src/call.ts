// The one skeleton every nnloss call runs on. A loss (or a differentiable op such as pairwiseDistance)
// states its checks, then a plan: its operands as lanes, the unreduced result's layout, the arguments
// it differentiates and its kernel. This file does the rest, the same way for all of them: scratch
// scope, where the result and each local gradient are written (JS or resident, or nowhere when no
// gradient is needed), the kernel over blocks (src/blocks.ts), the reduction of the kernel's sum to the
// result, the 1/n scale of a mean's gradient, and the autograd node.

import { attachGrad, gradLane, gradSlotOf } from "./autograd.js";
import { Lane, runBlocks, wasmLane } from "./blocks.js";
import { residentBudget } from "./budget.js";
import { floatCtor, outLane, scalarResult, suffix } from "./operands.js";
import { residentTensor } from "./resident.js";
import type { Reduction } from "./options.js";
import { Wasm, withArena } from "./runtime.js";
import { FloatArray, FloatDType, Tensor, convert, numelOf } from "./tensor.js";

type Ptr = number;

/** An argument the call differentiates: the kernel writes ∂result/∂t, `perUnit` elements per unit
 *  (t null: a kernel gradient slot the call never fills). */
export interface GradTarget {
  t: Tensor | null;
  perUnit: number;
  /** The shape the kernel writes the gradient at (t's elements broadcast to it); default t.shape. */
  shape?: readonly number[];
  /** The unreduced result lined up against `shape` (1 along the dims the call reduces); default `shape`. */
  gShape?: readonly number[];
}

export interface CallPlan {
  /** Units (elements or rows) the kernel runs over, in blocks that are multiples of `align` units. */
  units: number;
  align?: number;
  /** Per-unit operands, in the kernel's order. */
  inputs: Lane[];
  /** The unreduced result: `perUnit` values per unit, shaped `shape`; `resident`: kept in wasm memory
   *  as a resident tensor (an op on resident operands, so that a chain of ops stays zero-copy), under
   *  the resident budget (src/budget.ts) unless the user disposes it first. */
  out: { perUnit: number; shape: readonly number[]; resident?: boolean };
  reduction: Reduction;
  /** What `mean` divides the sum by (the element count, or the summed class weights). */
  meanOver: number;
  /** The reduced result, the unreduced values and every gradient are divided by this as well (KLDiv's
   *  batchmean). Default 1. */
  divisor?: number;
  /** The result's dtype when it is not the compute dtype (Huber keeps the input's). */
  resultDtype?: FloatDType;
  grads: GradTarget[];
  /** Runs one block: `outs` = [unreduced result, ...one per grad] (0 where not wanted); `gscale` is the
   *  factor every gradient carries (1/meanOver for mean, over the divisor). Returns the block's Σ. */
  kernel(count: number, ins: Ptr[], outs: Ptr[], gscale: number): number;
  /** Refuses backward() with a clearer error than the graph could give (see autograd.attachGrad). */
  beforeBackward?: () => void;
}

/** Run the call `plan` describes in compute dtype `d`; `plan` is made inside the call's scratch scope
 *  (so it may copy operands and prepare targets in wasm memory). */
export function runCall(d: FloatDType, plan: (w: Wasm) => CallPlan): Tensor {
  return withArena((w) => {
    const p = plan(w);
    const unreduced = p.reduction === "none";
    const absentLane = wasmLane(0, 0);
    const rd = p.resultDtype ?? d;
    const n = p.units * p.out.perUnit;
    const resident = unreduced && p.out.resident === true && rd === d;
    const out = resident ? wasmLane(w.allocFor(floatCtor(d), n), floatCtor(d).BYTES_PER_ELEMENT, p.out.perUnit)
      : outLane(d, n, p.out.perUnit, unreduced);
    const grads = p.grads.map((g) => (g.t ? gradLane(w, g.t, d, numelOf(g.shape ?? g.t.shape), g.perUnit) : absentLane));
    const divisor = p.divisor ?? 1;
    const gscale = (p.reduction === "mean" ? 1 / p.meanOver : 1) / divisor;
    const total = runBlocks(w, p.units, p.align ?? 1, p.inputs, [out, ...grads], (count, ins, outs) => {
      const sum = p.kernel(count, ins, outs, gscale);
      if (outs[0] && divisor !== 1) w.k[`scale_${suffix(d)}`](outs[0], 1 / divisor, count * p.out.perUnit);
      return sum;
    });
    const result = resident ? residentResult(w, out.ptr, p.out.shape, d)
      : unreduced ? new Tensor(convert(out.js as FloatArray, rd), p.out.shape)
      : scalarResult((p.reduction === "mean" ? total / p.meanOver : total) / divisor, rd);
    const slots = p.grads.flatMap((g, i) => (g.t ? gradSlotOf(w, g.t, grads[i], d, g.shape ?? g.t.shape, g.gShape) : []));
    return attachGrad(result, slots, p.beforeBackward);
  });
}

/** The scratch block at `ptr` kept as a resident result, under the resident budget until disposed. */
function residentResult(w: Wasm, ptr: number, shape: readonly number[], d: FloatDType): Tensor {
  w.keep(ptr);
  const key = {};
  const t = residentTensor(w, ptr, shape, d, false, () => residentBudget.forget(key));
  residentBudget.add(key, t.numel * floatCtor(d).BYTES_PER_ELEMENT, () => t._moveToJs());
  return t;
}
