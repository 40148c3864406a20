// Elementwise losses on the shared driver (assembly/driver.ts): ℓ = w·f(a, b, c) over the broadcast
// shape, then reduced. Each family with elementwise ops (regression, binary, probabilistic, margin) has
// its own dispatcher `<family>_f32/_f64` and op ids in src/abi.ts; `runElementwise` runs one op on the
// call skeleton (src/call.ts): operands at the broadcast shape, every differentiable operand's gradient,
// the range checks some losses need on the values the kernel reads.

import { check, NNLossError } from "./errors.js";
import { runCall } from "./call.js";
import { wasmLane } from "./blocks.js";
import { arrayIn, floatCtor, operandLane, suffix } from "./operands.js";
import type { Reduction } from "./options.js";
import { FloatDType, Tensor, floatData, numelOf, sameShape } from "./tensor.js";

/** Families with an elementwise dispatcher: the loss families, and the ops that feed losses. */
export type ElementwiseFamily = "regression" | "binary" | "probabilistic" | "margin" | "arithmetic" | "activations";

export interface ElementwiseSpec {
  /** The family's dispatcher and its op id (src/abi.ts, which also says what p0/p1 mean per op). */
  family: ElementwiseFamily;
  op: number;
  /** Operands a, b and the optional c, each with whether PyTorch differentiates it; `shape`: read the
   *  operand at this shape (same elements, e.g. GaussianNLL's unsqueezed var) before broadcasting. */
  operands: { t: Tensor | null; grad: boolean; shape?: readonly number[] }[];
  weight?: Tensor | null;
  p0?: number;
  p1?: number;
  reduction: Reduction;
  /** What `mean` divides Σ w·ℓ by; default the element count (MSE and L1 with a weight: Σ w). */
  meanOver?: number;
  /** The reduced result (and every gradient) is divided by this (KLDiv batchmean: sum / size(0)). */
  divisor?: number;
  /** The broadcast shape of the unreduced loss. */
  shape: readonly number[];
  dtype: FloatDType;
  /** The result's dtype when it differs from the compute dtype (Huber keeps the input's). */
  resultDtype?: FloatDType;
  /** An op (not a loss): with reduction "none", a resident operand makes the result resident (see
   *  CallPlan.out), so that a chain of ops on resident tensors stays in wasm memory. */
  residentResult?: boolean;
  /** Operands that must lie in [0, 1] (BCE: input, and target as in PyTorch 2.x), checked in wasm on the
   *  copies the kernel reads, in this order, with PyTorch's message. */
  unitRange?: { operand: number; what: string }[];
}

/** Elements per block are a multiple of this (whole vectors of either dtype). */
const ELEMENT_ALIGN = 16;

export function runElementwise(s: ElementwiseSpec): Tensor {
  const n = numelOf(s.shape);
  const d = s.dtype;
  const sfx = suffix(d);
  const bytes = floatCtor(d).BYTES_PER_ELEMENT;
  return runCall(d, (w) => {
    const absent = wasmLane(0, bytes);
    const lanes = s.operands.map((o) => (!o.t ? absent
      : o.shape ? wasmLane(arrayIn(w, floatData(o.t, d), o.shape, s.shape), bytes) : operandLane(w, o.t, d, s.shape)));
    while (lanes.length < 3) lanes.push(absent);
    lanes.push(s.weight ? operandLane(w, s.weight, d, s.shape) : absent);
    const differentiated = s.operands.map((o) => (o.t !== null && o.grad ? leafAs(o.t, o.shape) : null));
    const kernel = w.k[`${s.family}_${sfx}`];
    return {
      units: n, align: ELEMENT_ALIGN, inputs: lanes,
      out: { perUnit: 1, shape: s.shape, resident: s.residentResult && s.operands.some((o) => o.t?.resident) },
      reduction: s.reduction, meanOver: s.meanOver ?? n, divisor: s.divisor, resultDtype: s.resultDtype,
      grads: [0, 1, 2].map((i) => ({ t: differentiated[i], perUnit: 1, shape: s.shape })),
      kernel: (count, [a, b, c, wp], [o, ga, gb, gc], gscale) => {
        for (const r of s.unitRange ?? []) {
          if (w.k[`firstOutside_${sfx}`]([a, b, c][r.operand], count, 0, 1) >= 0) throwOutsideUnit(s);
        }
        return kernel(s.op, count, a, b, c, wp, s.p0 ?? 0, s.p1 ?? 0, o, ga, gb, gc, gscale);
      },
    };
  });
}

/** A block held a value outside [0, 1]: raise PyTorch's error for the first operand (in `unitRange`
 *  order) that has one anywhere, as its whole-tensor checks would. */
function throwOutsideUnit(s: ElementwiseSpec): never {
  for (const r of s.unitRange!) {
    const data = floatData(s.operands[r.operand].t!, s.dtype);
    check(!data.some((v) => !(v >= 0 && v <= 1)), `all elements of ${r.what} should be between 0 and 1`);
  }
  throw new NNLossError("internal error: a block failed the [0, 1] check but no operand has a value outside it");
}

/** `t` read at another shape with the same elements (GaussianNLL's unsqueezed var): a view whose
 *  gradient lands in t.grad, at t's own shape. */
function leafAs(t: Tensor, shape: readonly number[] | undefined): Tensor {
  if (!shape || sameShape(shape, t.shape)) return t;
  const view = new Tensor(t.data, shape, t.requiresGrad);
  view._gradFn = t._gradFn; // an op's result: its node receives the gradient (same elements)
  Object.defineProperty(view, "grad", {
    get: () => t.grad,
    set: (g: Tensor | null) => { t.grad = g === null ? null : new Tensor(g.data, t.shape); },
  });
  return view;
}
