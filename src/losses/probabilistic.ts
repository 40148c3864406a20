// Probabilistic family (assembly/probabilistic.ts, elementwise ops ProbabilisticOp in src/abi.ts):
// PoissonNLLLoss, GaussianNLLLoss and KLDivLoss. PyTorch builds them from pointwise ops; the kernels follow those
// compositions op by op, and every floating argument (input, target, var) gets a gradient.

import { ProbabilisticOp } from "../abi.js";
import { runElementwise } from "../elementwise.js";
import { check } from "../errors.js";
import { suffix } from "../operands.js";
import { bool, LossOptions, num, Reduction, ReductionOptions } from "../options.js";
import { withArena } from "../runtime.js";
import {
  FloatDType, Tensor, TensorLike, broadcastShapes, floatData, isFloat, promoteFloat, sameShape, tensor, toTensor,
} from "../tensor.js";

/** The dtype pointwise ops promote floating operands to; all-integer operands compute in float32. */
function computeDtype(...ts: Tensor[]): FloatDType {
  return promoteFloat(...ts.filter((t) => isFloat(t.dtype)));
}

// ---------------------------------------------------------------- PoissonNLL

export interface PoissonNLLOptions extends ReductionOptions {
  /** `input` holds log-rates (default true); otherwise rates. */
  logInput?: boolean;
  /** Add the Stirling approximation term (only where target > 1). Default false. */
  full?: boolean;
  /** Added to the rate before the log when `logInput` is false. Default 1e-8. */
  eps?: number;
}

export const POISSON_NLL_OPTIONS = new LossOptions("poisson_nll_loss",
  { logInput: bool(true), full: bool(false), eps: num(1e-8) }, { shortMessage: true });

/** `F.poisson_nll_loss`: exp(x) − y·x (log input) or x − y·log(x + eps), plus the Stirling term if `full`. */
export function poissonNllLoss(input: TensorLike, target: TensorLike, options: PoissonNLLOptions = {}): Tensor {
  const { logInput, full, eps } = POISSON_NLL_OPTIONS.resolve(options);
  const reduction = POISSON_NLL_OPTIONS.reduction(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  // PyTorch's first broadcasting op is `target * input`: the target is tensor "a" in its message.
  const shape = broadcastShapes(y.shape, x.shape);
  return runElementwise({
    family: "probabilistic", op: logInput ? ProbabilisticOp.POISSON_LOG : ProbabilisticOp.POISSON, operands: [{ t: x, grad: true }, { t: y, grad: true }],
    p0: eps, p1: full ? 1 : 0, reduction, shape, dtype: computeDtype(x, y),
  });
}

// ---------------------------------------------------------------- GaussianNLL

export interface GaussianNLLOptions {
  /** Add the constant ½·log(2π) to every element. Default false. */
  full?: boolean;
  /** Lower clamp of `var` (applied outside autograd). Default 1e-6. */
  eps?: number;
  reduction?: string;
}

/** PyTorch's name of an integer dtype in casting errors. */
const C_TYPE: Record<string, string> = { int32: "int", int64: "long int" };

/**
 * The shape `var` is read at, by PyTorch 2.x's rules: input's shape (heteroscedastic); input's shape
 * without its last dim (a trailing 1 is added); or the same ndim with exactly one mismatched dim, where
 * var has size 1 (PyTorch's test: the sizes of var at the mismatched dims sum to 1).
 */
function varShape(x: Tensor, v: readonly number[]): readonly number[] {
  if (sameShape(v, x.shape)) return v;
  if (sameShape(x.shape.slice(0, -1), v)) return [...v, 1];
  let mismatched = 0;
  if (v.length === x.ndim) v.forEach((s, i) => { if (s !== x.shape[i]) mismatched += s; });
  check(v.length === x.ndim && mismatched === 1, "var is of incorrect size");
  return v;
}

export const GAUSSIAN_NLL_OPTIONS = new LossOptions("gaussian_nll_loss",
  { full: bool(false), eps: num(1e-6) }, { shortMessage: true, noLegacy: true });

/**
 * `F.gaussian_nll_loss`: ½·(log v + (x − y)²/v) with v = max(var, eps), plus ½·log(2π) if `full`.
 * `variance` is a tensor (its gradient is the formula at the clamped v) or, as in PyTorch 2.x, a number.
 */
export function gaussianNllLoss(input: TensorLike, target: TensorLike, variance: TensorLike | number,
                                options: GaussianNLLOptions = {}): Tensor {
  const { full, eps } = GAUSSIAN_NLL_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  let v: Tensor;
  let vShape: readonly number[];
  if (typeof variance === "number") {
    // var * ones_like(input): a constant of the input's (floating) dtype
    check(!(variance < 0), "var has negative entry/entries");
    v = tensor(variance, [], { dtype: computeDtype(x) });
    vShape = [];
  } else {
    v = toTensor(variance, "var");
    check(!hasNegative(v), "var has negative entry/entries");
    vShape = varShape(x, v.shape);
  }
  const reduction = GAUSSIAN_NLL_OPTIONS.reduction(options);
  const dtype = computeDtype(x, y, v);
  // var.clamp_(min=eps) in place: a floating clamp cannot be written back into an integer var.
  check(isFloat(v.dtype), () => `result type Float can't be cast to the desired output type ${C_TYPE[v.dtype]}`);
  const shape = broadcastShapes(x.shape, y.shape, vShape);
  return runElementwise({
    family: "probabilistic", op: ProbabilisticOp.GAUSSIAN,
    operands: [{ t: x, grad: true }, { t: y, grad: true }, { t: v, grad: true, shape: vShape }],
    p0: eps, p1: full ? 1 : 0, reduction, shape, dtype,
  });
}

/** any(var < 0), scanned in wasm (NaN is not negative). */
function hasNegative(v: Tensor): boolean {
  if (!isFloat(v.dtype)) return Array.prototype.some.call(v.data, (e: number | bigint) => e < 0);
  const d = v.dtype;
  return withArena((w) => w.k[`firstBelow_${suffix(d)}`](w.copyIn(floatData(v, d)), v.numel, 0)) >= 0;
}

// ---------------------------------------------------------------- KLDiv

export interface KLDivOptions extends ReductionOptions {
  /** `target` holds log-probabilities. Default false. */
  logTarget?: boolean;
}

export const KL_DIV_OPTIONS = new LossOptions("kl_div", { logTarget: bool(false) }, { allowBatchmean: true });

/**
 * `F.kl_div` with `input` = log-probabilities: xlogy(y, y) − y·x, or exp(t)·(t − x) with `logTarget`.
 * `reduction: "batchmean"` is the sum divided by input.size(0) (nothing for a 0-d input); as in
 * PyTorch, the functional form divides whenever reduction is "batchmean", even when the legacy
 * sizeAverage/reduce pair chose the reduction.
 */
export function klDiv(input: TensorLike, target: TensorLike, options: KLDivOptions = {}): Tensor {
  const { logTarget } = KL_DIV_OPTIONS.resolve(options);
  const r = KL_DIV_OPTIONS.reduction(options) as Reduction | "batchmean";
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  check(isFloat(x.dtype) && isFloat(y.dtype), "kl_div: Integral inputs not supported.");
  // PyTorch's first broadcasting op takes the target as tensor "a".
  const shape = broadcastShapes(y.shape, x.shape);
  const divisor = options.reduction === "batchmean" && x.ndim !== 0 ? x.shape[0] : 1;
  return runElementwise({
    family: "probabilistic", op: logTarget ? ProbabilisticOp.KL_DIV_LOG : ProbabilisticOp.KL_DIV, operands: [{ t: x, grad: true }, { t: y, grad: true }],
    reduction: r === "batchmean" ? "sum" : r, divisor, shape, dtype: computeDtype(x, y),
  });
}
