// Regression family (assembly/regression.ts, elementwise ops RegressionOp in src/abi.ts): L1Loss,
// MSELoss, HuberLoss, SmoothL1Loss. Input and target broadcast against each other (PyTorch only warns)
// and both receive gradients.

import { RegressionOp } from "../abi.js";
import { runElementwise } from "../elementwise.js";
import { check } from "../errors.js";
import { LossOptions, num, Reduction, ReductionOptions } from "../options.js";
import { Tensor, TensorLike, broadcastShapes, isFloat, promoteFloat, toTensor, torchTypeName } from "../tensor.js";

export type RegressionOptions = ReductionOptions;

export interface HuberOptions {
  reduction?: string;
  /** Where the loss turns from quadratic to linear; must be > 0. Default 1. */
  delta?: number;
}

export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss turns from quadratic to linear; must be >= 0 (0 = L1). Default 1. */
  beta?: number;
}

export const L1_OPTIONS = new LossOptions("l1_loss", {});
export const MSE_OPTIONS = new LossOptions("mse_loss", {});
export const HUBER_OPTIONS = new LossOptions("huber_loss", { delta: num(1) }, { noLegacy: true });
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

/** `F.mse_loss`: (x − y)², broadcasting input against target. */
export function mseLoss(input: TensorLike, target: TensorLike, options: RegressionOptions = {}): Tensor {
  MSE_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  return pointwise(RegressionOp.MSE, "mse_cpu", x, y, MSE_OPTIONS.reduction(options));
}

/** `F.l1_loss`: |x − y|, broadcasting input against target; gradient sign(x − y) with sign(0) = 0. */
export function l1Loss(input: TensorLike, target: TensorLike, options: RegressionOptions = {}): Tensor {
  L1_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  return pointwise(RegressionOp.L1, "abs_cpu", x, y, L1_OPTIONS.reduction(options));
}

/**
 * `F.huber_loss`: ½d² where |d| < δ, else δ·(|d| − ½δ), with d = input − target. As in PyTorch the
 * result keeps the input's dtype (an f64 target is used at full precision, the loss rounded to f32).
 */
export function huberLoss(input: TensorLike, target: TensorLike, options: HuberOptions = {}): Tensor {
  const { delta } = HUBER_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  const shape = broadcastShapes(x.shape, y.shape);
  const reduction = HUBER_OPTIONS.reduction(options);
  check(delta > 0, "huber_loss does not support non-positive values for delta.");
  const dtype = promoteFloat(...floats(x, y, "huber_cpu"));
  // The output buffer is empty_like(input): a floating result cannot be written into an integer input.
  check(isFloat(x.dtype), () => `result type ${torchTypeName(dtype)} can't be cast to the desired output type ${torchTypeName(x.dtype)}`);
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
