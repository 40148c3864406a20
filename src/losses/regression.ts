// Regression family (assembly/regression.ts, elementwise ops RegressionOp in src/abi.ts): L1Loss,
// MSELoss, HuberLoss, SmoothL1Loss. Input and target broadcast against each other (PyTorch only warns)
// and both receive gradients. The functions mseLoss, l1Loss and huberLoss take PyTorch 2.x's per-element
// `weight` (torch/nn/functional.py: same size as the input; ℓ·w, and `mean` is Σ w·ℓ / Σ w for MSE and
// L1 but the plain mean of w·ℓ for Huber).

import { RegressionOp } from "../abi.js";
import { runElementwise } from "../elementwise.js";
import { check } from "../errors.js";
import { legacyReduction, LossOptions, num, Reduction, ReductionOptions, tensorOpt } from "../options.js";
import { withArena } from "../runtime.js";
import {
  FloatDType, Tensor, TensorLike, broadcastShapes, floatData, isFloat, promoteFloat, sameShape, toTensor, torchTypeName,
} from "../tensor.js";
import { suffix } from "../operands.js";

export type RegressionOptions = ReductionOptions;

/** Options of the functions `mseLoss` and `l1Loss` (PyTorch 2.x: the modules have no weight). */
export interface WeightedRegressionOptions extends RegressionOptions {
  /** Per-element weights, the input's size (PyTorch 2.x). */
  weight?: TensorLike | null;
}

export interface HuberOptions {
  reduction?: string;
  /** Where the loss turns from quadratic to linear; must be > 0. Default 1. */
  delta?: number;
}

/** Options of the function `huberLoss`. */
export interface WeightedHuberOptions extends HuberOptions {
  /** Per-element weights, the input's size (PyTorch 2.x). */
  weight?: TensorLike | null;
}

export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss turns from quadratic to linear; must be >= 0 (0 = L1). Default 1. */
  beta?: number;
}

export const L1_OPTIONS = new LossOptions("l1_loss", {});
export const MSE_OPTIONS = new LossOptions("mse_loss", {});
export const HUBER_OPTIONS = new LossOptions("huber_loss", { delta: num(1) }, { noLegacy: true });
/** The functions' options: the modules' plus PyTorch 2.x's weight. */
const WEIGHTED_L1_OPTIONS = new LossOptions("l1_loss", { weight: tensorOpt("weight") });
const WEIGHTED_MSE_OPTIONS = new LossOptions("mse_loss", { weight: tensorOpt("weight") });
const WEIGHTED_HUBER_OPTIONS = new LossOptions("huber_loss", { delta: num(1), weight: tensorOpt("weight") }, { noLegacy: true });
export const SMOOTH_L1_OPTIONS = new LossOptions("smooth_l1_loss", { beta: num(1) });

/** Operands as PyTorch's binary kernels see them: at least one floating, or the kernel has no integer
 *  version. Integer operands are promoted (mse(f32, i64) works). */
function floats(x: Tensor, y: Tensor, kernelName: string): Tensor[] {
  check(isFloat(x.dtype) || isFloat(y.dtype), () => `"${kernelName}" not implemented for '${torchTypeName(x.dtype)}'`);
  return [x, y].filter((t) => isFloat(t.dtype));
}

function pointwise(op: RegressionOp, kernelName: string, x: Tensor, y: Tensor, reduction: Reduction, p0 = 0): Tensor {
  const dtype = promoteFloat(...floats(x, y, kernelName));
  const shape = broadcastShapes(x.shape, y.shape);
  return runElementwise({
    family: "regression", op, operands: [{ t: x, grad: true }, { t: y, grad: true }], p0, reduction, shape, dtype,
  });
}

/**
 * PyTorch 2.x's weighted form: w·ℓ over the broadcast shape, `mean` dividing by Σ w (MSE, L1) or by the
 * element count (Huber, `sumOfWeights` false). The weight has the input's size and gets no gradient.
 */
function weighted(op: RegressionOp, kernelName: string, x: Tensor, y: Tensor, weight: Tensor, options: object,
                  sumOfWeights: boolean, p0 = 0, resultDtype?: FloatDType): Tensor {
  const shape = broadcastShapes(x.shape, y.shape);
  check(sameShape(weight.shape, x.shape), "Weights and input must have the same size.");
  check(!weight.requiresGrad, "nnloss does not compute the gradient of a loss with respect to its weight: pass a weight that does not require grad");
  const r = (options as { reduction?: unknown }).reduction ?? "mean";
  check(r === "none" || r === "mean" || r === "sum", () => `Invalid reduction mode: ${String(r)}. Expected one of 'none', 'mean', 'sum'.`);
  const dtype = promoteFloat(...floats(x, y, kernelName), weight);
  const meanOver = sumOfWeights ? totalOf(weight, dtype) : undefined;
  return runElementwise({
    family: "regression", op, operands: [{ t: x, grad: true }, { t: y, grad: true }], weight, p0,
    reduction: r, meanOver, shape, dtype, resultDtype,
  });
}

/** Σ of a tensor's elements in wasm (f64 accumulation). */
function totalOf(t: Tensor, d: FloatDType): number {
  return withArena((w) => w.k[`total_${suffix(d)}`](w.copyIn(floatData(t, d)), t.numel));
}

/** `F.mse_loss`: (x − y)², broadcasting input against target; with a `weight`, w·(x − y)². */
export function mseLoss(input: TensorLike, target: TensorLike, options: WeightedRegressionOptions = {}): Tensor {
  const { weight } = WEIGHTED_MSE_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  if (weight) return weighted(RegressionOp.MSE, "mse_cpu", x, y, weight, withLegacy(options), true);
  return pointwise(RegressionOp.MSE, "mse_cpu", x, y, MSE_OPTIONS.reduction(options));
}

/** `F.l1_loss`: |x − y|, broadcasting input against target; gradient sign(x − y) with sign(0) = 0;
 *  with a `weight`, w·|x − y|. */
export function l1Loss(input: TensorLike, target: TensorLike, options: WeightedRegressionOptions = {}): Tensor {
  const { weight } = WEIGHTED_L1_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  if (weight) return weighted(RegressionOp.L1, "abs_cpu", x, y, weight, withLegacy(options), true);
  return pointwise(RegressionOp.L1, "abs_cpu", x, y, L1_OPTIONS.reduction(options));
}

/** The options with the legacy sizeAverage/reduce pair turned into `reduction`, as PyTorch does first. */
function withLegacy(options: ReductionOptions): ReductionOptions {
  if (options.sizeAverage == null && options.reduce == null) return options;
  return { reduction: legacyReduction(options.sizeAverage, options.reduce) };
}

/**
 * `F.huber_loss`: ½d² where |d| < δ, else δ·(|d| − ½δ), with d = input − target. As in PyTorch the
 * result keeps the input's dtype (an f64 target is used at full precision, the loss rounded to f32).
 */
export function huberLoss(input: TensorLike, target: TensorLike, options: WeightedHuberOptions = {}): Tensor {
  const { delta, weight } = WEIGHTED_HUBER_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  const shape = broadcastShapes(x.shape, y.shape);
  // with a weight, the reduction string is checked by the weighted path (PyTorch 2.x's own message)
  const reduction = weight ? "none" : HUBER_OPTIONS.reduction(options);
  check(delta > 0, "huber_loss does not support non-positive values for delta.");
  const dtype = promoteFloat(...floats(x, y, "huber_cpu"));
  // The output buffer is empty_like(input): a floating result cannot be written into an integer input.
  check(isFloat(x.dtype), () => `result type ${torchTypeName(dtype)} can't be cast to the desired output type ${torchTypeName(x.dtype)}`);
  // the unweighted loss keeps the input's dtype, then the weight multiplies it
  if (weight) return weighted(RegressionOp.HUBER, "huber_cpu", x, y, weight, options, false, delta, promoteFloat(x, weight));
  return runElementwise({
    family: "regression", op: RegressionOp.HUBER, operands: [{ t: x, grad: true }, { t: y, grad: true }], p0: delta,
    reduction, shape, dtype, resultDtype: x.dtype,
  });
}

/**
 * `F.smooth_l1_loss`: ½d²/β where |d| < β, else |d| − ½β. β = 0 is exactly L1 and, as in PyTorch 2.x,
 * computed by `l1Loss` (so the gradient at d = 0 is 0; PyTorch 1.13 gave −1).
 */
export function smoothL1Loss(input: TensorLike, target: TensorLike, options: SmoothL1Options = {}): Tensor {
  const { beta } = SMOOTH_L1_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  broadcastShapes(x.shape, y.shape);
  const reduction = SMOOTH_L1_OPTIONS.reduction(options);
  if (beta === 0) return l1Loss(x, y, { reduction });
  check(beta >= 0, "smooth_l1_loss does not support negative values for beta.");
  return pointwise(RegressionOp.SMOOTH_L1, "smooth_l1_cpu", x, y, reduction, beta);
}
