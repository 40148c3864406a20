// Robust regression losses on the elementwise driver (assembly/elementwise.ts ops HUBER, SMOOTH_L1):
// HuberLoss and SmoothL1Loss. Input and target broadcast against each other (PyTorch only warns), and
// both receive gradients.

import { check } from "../errors.js";
import { checkOptionKeys, numberOption, REDUCTION_KEYS, Reduction, ReductionOptions, resolveReduction } from "../options.js";
import { Tensor, TensorLike, broadcastShapes, isFloat, promoteFloat, toTensor, torchTypeName } from "../tensor.js";
import { l1Loss, Op, runElementwise } from "./elementwise.js";

export interface HuberOptions {
  reduction?: string;
  /** Where the loss turns from quadratic to linear; must be > 0. Default 1. */
  delta?: number;
}

export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss turns from quadratic to linear; must be >= 0 (0 = L1). Default 1. */
  beta?: number;
}

/** Operands as PyTorch's binary kernels see them: at least one floating, or the kernel has no integer version. */
function floats(x: Tensor, y: Tensor, kernelName: string): Tensor[] {
  check(isFloat(x.dtype) || isFloat(y.dtype), () => `"${kernelName}" not implemented for '${torchTypeName(x.dtype)}'`);
  return [x, y].filter((t) => isFloat(t.dtype));
}

/**
 * `F.huber_loss`: ½d² where |d| < δ, else δ·(|d| − ½δ), with d = input − target. As in PyTorch the
 * result keeps the input's dtype (an f64 target is used at full precision, the loss rounded to f32).
 */
export function huberLoss(input: TensorLike, target: TensorLike, options: HuberOptions = {}): Tensor {
  checkOptionKeys(options, ["reduction", "delta"], "huber_loss");
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  const delta = numberOption(options.delta, "delta", 1);
  const shape = broadcastShapes(x.shape, y.shape);
  const reduction = resolveReduction(options, { noLegacy: true }) as Reduction;
  check(delta > 0, "huber_loss does not support non-positive values for delta.");
  const dtype = promoteFloat(...floats(x, y, "huber_cpu"));
  // The output buffer is empty_like(input): a floating result cannot be written into an integer input.
  check(isFloat(x.dtype), () => `result type ${torchTypeName(dtype)} can't be cast to the desired output type ${torchTypeName(x.dtype)}`);
  return runElementwise({
    op: Op.HUBER, operands: [{ t: x, grad: true }, { t: y, grad: true }], p0: delta,
    reduction, shape, dtype, resultDtype: x.dtype,
  });
}

/**
 * `F.smooth_l1_loss`: ½d²/β where |d| < β, else |d| − ½β. β = 0 is exactly L1 and, as in PyTorch 2.x,
 * computed by `l1Loss` (so the gradient at d = 0 is 0; PyTorch 1.13 gave −1).
 */
export function smoothL1Loss(input: TensorLike, target: TensorLike, options: SmoothL1Options = {}): Tensor {
  checkOptionKeys(options, ["beta", ...REDUCTION_KEYS], "smooth_l1_loss");
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  const beta = numberOption(options.beta, "beta", 1);
  const shape = broadcastShapes(x.shape, y.shape);
  const reduction = resolveReduction(options) as Reduction;
  if (beta === 0) return l1Loss(x, y, { reduction });
  check(beta >= 0, "smooth_l1_loss does not support negative values for beta.");
  const dtype = promoteFloat(...floats(x, y, "smooth_l1_cpu"));
  return runElementwise({
    op: Op.SMOOTH_L1, operands: [{ t: x, grad: true }, { t: y, grad: true }], p0: beta, reduction, shape, dtype,
  });
}
