// Elementwise losses (assembly/elementwise.ts): ℓ = w·f(a, b, c) over the broadcast shape, then
// reduced. `runElementwise` does the shared work — dtype, broadcast operands expanded in wasm memory,
// the kernel run over blocks (src/blocks.ts), each call yielding the loss and every wanted gradient,
// the result tensor and its autograd slots — and each loss adds only its own checks.

import { attachGrad, gradLane, gradSlotOf, GradSlot } from "../autograd.js";
import { Lane, runBlocks, wasmLane } from "../blocks.js";
import { check, NNLossError } from "../errors.js";
import { arrayIn, floatCtor, operandLane, outLane, scalarResult, suffix } from "../ops.js";
import {
  checkOptionKeys, REDUCTION_KEYS, Reduction, ReductionOptions, resolveReduction, tensorOption,
} from "../options.js";
import { Wasm, withArena } from "../runtime.js";
import {
  FloatArray, FloatDType, Tensor, TensorLike, broadcastShapes, convert, floatData, isFloat, listStr, numelOf, promoteFloat, sameShape,
  sizeStr, toTensor, torchTypeName,
} from "../tensor.js";

/** Op ids of assembly/elementwise.ts. */
export const enum Op {
  MSE = 0, L1 = 1, BCE = 2, BCE_LOGITS = 3,
  HUBER = 4, SMOOTH_L1 = 5, POISSON_LOG = 6, POISSON = 7, GAUSSIAN = 8, KL_DIV = 9, KL_DIV_LOG = 10,
}

export interface ElementwiseSpec {
  /** The family's dispatcher (assembly/elementwise.ts `elementwise_*` by default) and its op id. */
  kernel?: "elementwise" | "marginElementwise";
  op: number;
  /** Operands a, b and the optional c, each with whether PyTorch differentiates it; `shape`: read the
   *  operand at this shape (same elements, e.g. GaussianNLL's unsqueezed var) before broadcasting. */
  operands: { t: Tensor | null; grad: boolean; shape?: readonly number[] }[];
  weight?: Tensor | null;
  p0?: number;
  p1?: number;
  reduction: Reduction;
  /** The reduced result (and every gradient) is divided by this (KLDiv batchmean: sum / size(0)). */
  divisor?: number;
  /** The broadcast shape of the unreduced loss. */
  shape: readonly number[];
  dtype: FloatDType;
  /** The result's dtype when it differs from the compute dtype (Huber keeps the input's). */
  resultDtype?: FloatDType;
  /** Operands that must lie in [0, 1] (BCE: input, and target as in PyTorch 2.x), checked in wasm on the
   *  copies the kernel reads, in this order, with PyTorch's message. */
  unitRange?: { operand: number; what: string }[];
}

export function runElementwise(s: ElementwiseSpec): Tensor {
  const n = numelOf(s.shape);
  const d = s.dtype;
  const sfx = suffix(d);
  const bytes = floatCtor(d).BYTES_PER_ELEMENT;
  return withArena((w) => {
    const absent = wasmLane(0, bytes);
    const lanes: Lane[] = s.operands.map((o) => (!o.t ? absent
      : o.shape ? wasmLane(arrayIn(w, floatData(o.t, d), o.shape, s.shape), bytes) : operandLane(w, o.t, d, s.shape)));
    while (lanes.length < 3) lanes.push(absent);
    lanes.push(s.weight ? operandLane(w, s.weight, d, s.shape) : absent);
    const out = outLane(d, n, 1, s.reduction === "none");
    const leaves = s.operands.map((o) => (o.t !== null && o.grad ? leafAs(o.t, o.shape) : null));
    const grads = [0, 1, 2].map((i) => (leaves[i] ? gradLane(w, leaves[i]!, d, n) : absent));
    const div = s.divisor ?? 1;
    const gscale = (s.reduction === "mean" ? 1 / n : 1) / div;
    const kernel = w.k[`${s.kernel ?? "elementwise"}_${sfx}`];
    const total = runBlocks(w, n, 16, lanes, [out, ...grads], (count, [a, b, c, wp], [o, ga, gb, gc]) => {
      for (const r of s.unitRange ?? []) {
        if (w.k[`firstOutside_${sfx}`]([a, b, c][r.operand], count, 0, 1) >= 0) throwOutsideUnit(w, s, lanes);
      }
      const sum = kernel(s.op, count, a, b, c, wp, s.p0 ?? 0, s.p1 ?? 0, o, ga, gb, gc, gscale);
      if (o && div !== 1) w.k[`scale_${sfx}`](o, 1 / div, count);
      return sum;
    });
    const rd = s.resultDtype ?? d;
    const result = s.reduction === "none"
      ? new Tensor(convert(out.js as FloatArray, rd), s.shape)
      : scalarResult((s.reduction === "mean" ? total / n : total) / div, rd);
    const slots: GradSlot[] = [];
    leaves.forEach((leaf, i) => { if (leaf) slots.push(...gradSlotOf(w, leaf, grads[i], d, s.shape)); });
    return attachGrad(result, slots);
  });
}

/** A block held a value outside [0, 1]: raise PyTorch's error for the first operand (in `unitRange`
 *  order) that has one anywhere, as its whole-tensor checks would. */
function throwOutsideUnit(w: Wasm, s: ElementwiseSpec, lanes: Lane[]): never {
  for (const r of s.unitRange!) {
    const lane = lanes[r.operand];
    const data = lane.js ?? w.view(floatCtor(s.dtype), lane.ptr, numelOf(s.shape));
    check(!data.some((v) => !(v >= 0 && v <= 1)), `all elements of ${r.what} should be between 0 and 1`);
  }
  throw new NNLossError("internal error: a block failed the [0, 1] check but no operand has a value outside it");
}

/** `t` read at another shape with the same elements (GaussianNLL's unsqueezed var): a view whose
 *  gradient lands in t.grad, at t's own shape. */
function leafAs(t: Tensor, shape: readonly number[] | undefined): Tensor {
  if (!shape || sameShape(shape, t.shape)) return t;
  const view = new Tensor(t.data, shape, t.requiresGrad);
  Object.defineProperty(view, "grad", {
    get: () => t.grad,
    set: (g: Tensor | null) => { t.grad = g === null ? null : new Tensor(g.data, t.shape); },
  });
  return view;
}

/** Float operands of an elementwise loss; integer targets are promoted (mse(f32, i64) works). */
function floatPair(input: Tensor, target: Tensor, kernelName: string): FloatDType {
  check(isFloat(input.dtype) || isFloat(target.dtype), () => `"${kernelName}" not implemented for '${torchTypeName(input.dtype)}'`);
  return promoteFloat(...[input, target].filter((t) => isFloat(t.dtype)));
}

// ---------------------------------------------------------------- L1 / MSE

export type RegressionOptions = ReductionOptions;

function regression(op: Op, fname: string, kernelName: string, input: TensorLike, target: TensorLike, options: RegressionOptions) {
  checkOptionKeys(options, REDUCTION_KEYS, fname);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  const reduction = resolveReduction(options) as Reduction;
  const dtype = floatPair(x, y, kernelName);
  const shape = broadcastShapes(x.shape, y.shape);
  return runElementwise({ op, operands: [{ t: x, grad: true }, { t: y, grad: true }], reduction, shape, dtype });
}

/** `F.mse_loss`: (x − y)², broadcasting input against target. */
export function mseLoss(input: TensorLike, target: TensorLike, options: RegressionOptions = {}): Tensor {
  return regression(Op.MSE, "mse_loss", "mse_cpu", input, target, options);
}

/** `F.l1_loss`: |x − y|, broadcasting input against target; gradient sign(x − y) with sign(0) = 0. */
export function l1Loss(input: TensorLike, target: TensorLike, options: RegressionOptions = {}): Tensor {
  return regression(Op.L1, "l1_loss", "abs_cpu", input, target, options);
}

// ---------------------------------------------------------------- BCE

export interface BCEOptions extends ReductionOptions {
  weight?: TensorLike | null;
}

/** Checks the BCE losses share: a weight (or pos_weight) may broadcast to the target's shape but not
 *  enlarge it. `optionFirst` puts the option as tensor "a" in the broadcast message, as PyTorch's op order does. */
function checkNotEnlarging(t: Tensor, target: Tensor, optionFirst: boolean): void {
  const b = optionFirst ? broadcastShapes(t.shape, target.shape) : broadcastShapes(target.shape, t.shape);
  check(sameShape(b, target.shape), () => `output with shape ${listStr(target.shape)} doesn't match the broadcast shape ${listStr(b)}`);
}

/** `F.binary_cross_entropy` on probabilities in [0, 1], with PyTorch's −100 log clamp. */
export function binaryCrossEntropy(input: TensorLike, target: TensorLike, options: BCEOptions = {}): Tensor {
  checkOptionKeys(options, ["weight", ...REDUCTION_KEYS], "binary_cross_entropy");
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  const weight = tensorOption(options.weight, "weight");
  check(sameShape(x.shape, y.shape), () =>
    `Using a target size (${sizeStr(y.shape)}) that is different to the input size (${sizeStr(x.shape)}) is deprecated. Please ensure they have the same size.`);
  const reduction = resolveReduction(options) as Reduction;
  if (weight) checkNotEnlarging(weight, y, false);
  // PyTorch requires the target's dtype to match; a weight of the other float dtype is accepted.
  check(y.dtype === x.dtype, () => `Found dtype ${torchTypeName(y.dtype)} but expected ${torchTypeName(x.dtype)}`);
  check(isFloat(x.dtype), () => `"binary_cross_entropy" not implemented for '${torchTypeName(x.dtype)}'`);
  const dtype = x.dtype as FloatDType;

  return runElementwise({
    op: Op.BCE, operands: [{ t: x, grad: true }, { t: y, grad: true }], weight, reduction, shape: x.shape, dtype,
    unitRange: [{ operand: 0, what: "input" }, { operand: 1, what: "target" }],
  });
}


export interface BCEWithLogitsOptions extends BCEOptions {
  posWeight?: TensorLike | null;
}

/** `F.binary_cross_entropy_with_logits`: the stable softplus form, with weight and pos_weight. */
export function binaryCrossEntropyWithLogits(input: TensorLike, target: TensorLike, options: BCEWithLogitsOptions = {}): Tensor {
  checkOptionKeys(options, ["weight", "posWeight", ...REDUCTION_KEYS], "binary_cross_entropy_with_logits");
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  const weight = tensorOption(options.weight, "weight");
  const posWeight = tensorOption(options.posWeight, "pos_weight");
  check(sameShape(x.shape, y.shape), () => `Target size (${sizeStr(y.shape)}) must be the same as input size (${sizeStr(x.shape)})`);
  const reduction = resolveReduction(options) as Reduction;
  if (posWeight) checkNotEnlarging(posWeight, y, true);
  if (weight) checkNotEnlarging(weight, y, false);
  const dtype = promoteFloat(...[x, y, weight, posWeight].filter((t): t is Tensor => t !== null && isFloat(t.dtype)));
  check(isFloat(x.dtype), () => `"binary_cross_entropy_with_logits" not implemented for '${torchTypeName(x.dtype)}'`);
  return runElementwise({
    op: Op.BCE_LOGITS,
    operands: [{ t: x, grad: true }, { t: y, grad: true }, { t: posWeight, grad: false }],
    p0: posWeight ? 1 : 0, // the target gradient's form depends on whether pos_weight was given
    weight, reduction, shape: x.shape, dtype,
  });
}
