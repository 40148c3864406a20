// Margin family (assembly/margin.ts). MarginRanking, HingeEmbedding and SoftMargin are elementwise ops
// on the shared driver (`runElementwise`, MarginOp in src/abi.ts); MultiMargin,
// MultiLabelMargin and MultiLabelSoftMargin are row kernels that also compute the input gradient in
// the forward pass. Shapes, dtypes and PyTorch's checks (in PyTorch's order) live here.

import { MarginOp } from "../abi.js";
import { wasmLane } from "../blocks.js";
import { runCall } from "../call.js";
import { runElementwise } from "../elementwise.js";
import { check, NNLossError } from "../errors.js";
import { operandIn, operandLane, suffix } from "../operands.js";
import { LossOptions, num, Reduction, ReductionOptions, tensorOpt } from "../options.js";
import { Wasm } from "../runtime.js";
import {
  FloatDType, Tensor, TensorLike, broadcastShapes, convert, isFloat, listStr, numelOf, promoteFloat, sameShape, sizeStr,
  toTensor, torchTypeName,
} from "../tensor.js";

export interface MarginOptions extends ReductionOptions {
  margin?: number;
}

export type SoftMarginOptions = ReductionOptions;

export interface MultiLabelSoftMarginOptions extends ReductionOptions {
  weight?: TensorLike | null;
}

export type MultiLabelMarginOptions = ReductionOptions;

export interface MultiMarginOptions extends ReductionOptions {
  p?: number;
  margin?: number;
  weight?: TensorLike | null;
}

export const MARGIN_RANKING_OPTIONS = new LossOptions("margin_ranking_loss", { margin: num(0) });
export const HINGE_EMBEDDING_OPTIONS = new LossOptions("hinge_embedding_loss", { margin: num(1) });
export const SOFT_MARGIN_OPTIONS = new LossOptions("soft_margin_loss", {});
export const MULTILABEL_SOFT_MARGIN_OPTIONS = new LossOptions("multilabel_soft_margin_loss",
  { weight: tensorOpt("weight") }, { shortMessage: true });
export const MULTI_MARGIN_OPTIONS = new LossOptions("multi_margin_loss", { p: num(1), margin: num(1), weight: tensorOpt("weight") });
export const MULTILABEL_MARGIN_OPTIONS = new LossOptions("multilabel_margin_loss", {});

/** A result computed in float64 for exactness, handed back as float32 with its autograd intact. */
function toFloat32(out: Tensor): Tensor {
  const r = new Tensor(convert(out.data, "float32"), out.shape);
  r.requiresGrad = out.requiresGrad;
  r._gradFn = out._gradFn;
  return r;
}

// ---------------------------------------------------------------- MarginRanking

/** `F.margin_ranking_loss`: max(0, −y·(x1 − x2) + margin); all three of the same ndim, then broadcast. */
export function marginRankingLoss(input1: TensorLike, input2: TensorLike, target: TensorLike,
                                  options: MarginOptions = {}): Tensor {
  const { margin } = MARGIN_RANKING_OPTIONS.resolve(options);
  const x1 = toTensor(input1, "input1"), x2 = toTensor(input2, "input2"), y = toTensor(target, "target");
  const reduction = MARGIN_RANKING_OPTIONS.reduction(options);
  check(x1.ndim === x2.ndim && x1.ndim === y.ndim, () =>
    "margin_ranking_loss : All input tensors should have same dimension but got sizes: " +
    `input1: ${sizeStr(x1.shape)}, input2: ${sizeStr(x2.shape)}, target: ${sizeStr(y.shape)} `);
  // PyTorch's op order: (x1 − x2) broadcasts first, then target against it.
  const shape = broadcastShapes(y.shape, broadcastShapes(x1.shape, x2.shape));
  // Integer arguments are promoted (all-integer arguments compute in float32, as the float margin makes them).
  const dtype = promoteFloat(...[x1, x2, y].filter((t) => isFloat(t.dtype)));
  return runElementwise({
    family: "margin", op: MarginOp.RANKING,
    operands: [{ t: x1, grad: true }, { t: x2, grad: true }, { t: y, grad: true }],
    p0: margin, reduction, shape, dtype,
  });
}

// ---------------------------------------------------------------- HingeEmbedding

/** `F.hinge_embedding_loss`: x where y = 1, max(0, margin − x) where y = −1, both terms for any other y. */
export function hingeEmbeddingLoss(input: TensorLike, target: TensorLike, options: MarginOptions = {}): Tensor {
  const { margin } = HINGE_EMBEDDING_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  const reduction = HINGE_EMBEDDING_OPTIONS.reduction(options);
  // `where(target != 1, ...)` broadcasts the target first.
  const shape = broadcastShapes(y.shape, x.shape);
  if (!isFloat(x.dtype)) {
    // PyTorch keeps an integer input integral: mean() then fails; nnloss has no integer results at all.
    check(reduction !== "mean", () =>
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${torchTypeName(x.dtype)}`);
    throw new NNLossError(`hinge_embedding_loss: input must be a floating point tensor, got ${torchTypeName(x.dtype)}`);
  }
  // The target is only compared with ±1, in its own precision: a float64 target next to a float32
  // input runs in float64 (every op is a single rounding, so the float32 result is unchanged).
  const wide = x.dtype === "float32" && y.dtype === "float64";
  const out = runElementwise({
    family: "margin", op: MarginOp.HINGE,
    operands: [{ t: x, grad: true }, { t: y, grad: false }],
    p0: x.dtype === "float32" ? Math.fround(margin) : margin, reduction, shape, dtype: wide ? "float64" : x.dtype,
  });
  return wide ? toFloat32(out) : out;
}

// ---------------------------------------------------------------- SoftMargin

/** `F.soft_margin_loss`: log(1 + exp(−y·x)), target broadcast to the input's shape; no overflow guard. */
export function softMarginLoss(input: TensorLike, target: TensorLike, options: SoftMarginOptions = {}): Tensor {
  SOFT_MARGIN_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  const reduction = SOFT_MARGIN_OPTIONS.reduction(options);
  check(!y.requiresGrad, "The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. " +
    "This input cannot have requires_grad True.");
  // The result is written into a tensor of the input's shape and dtype.
  const b = broadcastShapes(x.shape, y.shape);
  check(sameShape(b, x.shape), () => `output with shape ${listStr(x.shape)} doesn't match the broadcast shape ${listStr(b)}`);
  check(isFloat(x.dtype), () => `result type Float can't be cast to the desired output type ${torchTypeName(x.dtype)}`);
  return runElementwise({
    family: "margin", op: MarginOp.SOFT,
    operands: [{ t: x, grad: true }, { t: y, grad: false }],
    reduction, shape: x.shape, dtype: x.dtype as FloatDType,
  });
}

// ---------------------------------------------------------------- MultiLabelSoftMargin

/**
 * `F.multilabel_soft_margin_loss`: the mean over the input's last dim C of the per-class logistic
 * loss (×weight). As in PyTorch the loss is built at the broadcast shape of input, target and weight
 * and summed over dim `input.ndim − 1` of that shape, then divided by C.
 */
export function multilabelSoftMarginLoss(input: TensorLike, target: TensorLike,
                                         options: MultiLabelSoftMarginOptions = {}): Tensor {
  const { weight } = MULTILABEL_SOFT_MARGIN_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  check(isFloat(x.dtype), () => `"log_sigmoid_cpu" not implemented for '${torchTypeName(x.dtype)}'`);
  // PyTorch's order of operations: target * logsigmoid(input), then * weight, then the class dim, and
  // the reduction string is validated last.
  let shape = broadcastShapes(y.shape, x.shape);
  if (weight) shape = broadcastShapes(shape, weight.shape);
  check(x.ndim > 0, "Dimension specified as -1 but tensor has no dimensions");
  const reduction = MULTILABEL_SOFT_MARGIN_OPTIONS.reduction(options);
  const dtype = promoteFloat(...[x, y, weight].filter((t): t is Tensor => t !== null && isFloat(t.dtype)));

  const ax = x.ndim - 1;
  const C = x.shape[x.ndim - 1];
  const outer = numelOf(shape.slice(0, ax)), L = shape[ax], inner = numelOf(shape.slice(ax + 1));
  const outShape = [...shape.slice(0, ax), ...shape.slice(ax + 1)];
  const gShape = shape.map((s, i) => (i === ax ? 1 : s));
  const d = dtype;
  const row = L * inner;
  return runCall(d, (w) => ({
    units: outer,
    inputs: [operandLane(w, x, d, shape, row), operandLane(w, y, d, shape, row),
      weight ? operandLane(w, weight, d, shape, row) : wasmLane(0, 0, row)],
    out: { perUnit: inner, shape: outShape },
    reduction, meanOver: outer * inner,
    grads: [{ t: x, perUnit: row, shape, gShape }, { t: y, perUnit: row, shape, gShape }],
    // the 1/C of the class mean is part of every gradient
    kernel: (count, [xp, yp, wp], [ob, gxb, gyb], gscale) =>
      w.k[`multilabelSoftMargin_${suffix(d)}`](count, L, inner, xp, yp, wp, C, gscale / C, ob, gxb, gyb),
  }));
}

// ---------------------------------------------------------------- class-index row losses

/** Rows of a (C), (N, C) or 0-d (C = 1) input, with the output shape PyTorch gives for `none`. */
interface RowLayout {
  N: number;
  C: number;
  outShape: number[];
  /** The output lined up against the input (1 along the class dim). */
  gShape: number[];
}

/** PyTorch's shared shape rule of the Multi*Margin kernels. */
function rowLayout(x: Tensor): { N: number; C: number } {
  check((x.numel > 0 && x.ndim <= 1) || (x.ndim === 2 && x.shape[1] > 0), () =>
    `Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${listStr(x.shape)}`);
  return x.ndim <= 1 ? { N: 1, C: x.ndim === 0 ? 1 : x.shape[0] } : { N: x.shape[0], C: x.shape[1] };
}

function gShapeOf(x: Tensor): number[] {
  return x.ndim === 2 ? [x.shape[0], 1] : x.shape.map(() => 1);
}

/** Copy class targets into wasm as i32; `lo` is −1 where −1 is a legal value (MultiLabelMargin's
 *  terminator), 0 otherwise. Returns the pointer, or −1 if a target is outside [lo, C). */
function classTargetsIn(w: Wasm, t: Tensor, C: number, lo: 0 | -1): number {
  const src = w.copyIn(t.data);
  const dst = w.allocFor(Int32Array, t.numel);
  // The classification kernel maps `ignore` to −1 and range-checks the rest against [0, C).
  const ignore = lo === -1 ? -1 : NaN;
  const bad = t.dtype === "int64"
    ? w.k.targets_i64(src, dst, t.numel, C, ignore)
    : w.k.targets_i32(src, dst, t.numel, C, ignore);
  return bad < 0 ? dst : -1;
}

interface RowLossCall {
  x: Tensor;
  reduction: Reduction;
  layout: RowLayout;
  /** Puts the targets into wasm (i32, `targetsPerRow` per row) after the checks that come with them;
   *  returns the pointer. */
  targets: (w: Wasm) => number;
  targetsPerRow: number;
  /** Prepares what the kernel needs besides the rows (weights, scratch) and returns it as a function of
   *  a block of N rows and the gradient scale (which includes the 1/C); returns Σ of the row losses. */
  kernel: (w: Wasm, d: FloatDType) => (N: number, xp: number, tp: number, gscale: number, out: number, grad: number) => number;
}

/** Result and input gradient of a Multi*Margin row loss, run over blocks of rows. An empty batch gives
 *  NaN (mean) / 0 (sum): PyTorch returns uninitialised memory there (docs/semantics.md). */
function runRowLoss(c: RowLossCall): Tensor {
  const { x, reduction, layout: Lt } = c;
  const d = x.dtype as FloatDType;
  return runCall(d, (w) => {
    const tp = c.targets(w);
    const kernel = c.kernel(w, d);
    return {
      units: Lt.N, inputs: [operandLane(w, x, d, x.shape, Lt.C), wasmLane(tp, 4, c.targetsPerRow)],
      out: { perUnit: 1, shape: Lt.outShape },
      reduction, meanOver: Lt.N,
      grads: [{ t: x, perUnit: Lt.C, gShape: Lt.gShape }],
      // the 1/C of the class mean is part of every gradient
      kernel: (N, [xp, tb], [ob, gb], gscale) => kernel(N, xp, tb, gscale / Lt.C, ob, gb),
    };
  });
}

function checkInputFloat(x: Tensor, kernelName: string): void {
  check(isFloat(x.dtype), () => `"${kernelName}" not implemented for '${torchTypeName(x.dtype)}'`);
}

function checkLongTarget(t: Tensor): void {
  // int32 targets are accepted too (nnloss's typed-array contract); floating targets are not.
  check(t.dtype === "int64" || t.dtype === "int32", () => `expected scalar type Long but found ${torchTypeName(t.dtype)}`);
}

// ---------------------------------------------------------------- MultiMargin

/** MultiMargin's p, checked by both the class's constructor and the function (as in PyTorch 2.x). */
export function checkP(p: number): void {
  if (p !== 1 && p !== 2) throw new NNLossError("only p == 1 and p == 2 supported");
}

/**
 * `F.multi_margin_loss`: (1/C)·Σ_{j≠y} w[y]·max(0, margin − x_y + x_j)^p per row. PyTorch 2.x checks
 * (the weight's size; "inconsistent target size, expected N but got [..]").
 */
export function multiMarginLoss(input: TensorLike, target: TensorLike, options: MultiMarginOptions = {}): Tensor {
  const { p, margin, weight } = MULTI_MARGIN_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), t = toTensor(target, "target", true);
  const reduction = MULTI_MARGIN_OPTIONS.reduction(options);
  checkP(p);
  check(weight === null || weight.ndim === 1, "weight must be one-dimensional");
  const { N, C } = rowLayout(x);
  check(t.ndim <= 1 && t.numel === N, () => `inconsistent target size, expected ${N} but got ${listStr(t.shape)}`);
  check(weight === null || (weight.ndim <= 1 && weight.numel === C), () =>
    `inconsistent weight size, expected ${C} but got ${listStr(weight!.shape)}`);
  // `none` gives (N) for a 1-D target and a 0-d result for a 0-d one.
  const layout: RowLayout = { N, C, outShape: t.ndim === 0 ? [] : [N], gShape: gShapeOf(x) };
  checkInputFloat(x, "multi_margin_loss_cpu_kernel");
  const d = x.dtype as FloatDType;
  // PyTorch returns before reading the target of an empty batch.
  if (N > 0) checkLongTarget(t);
  check(weight === null || weight.dtype === d, () =>
    `expected scalar type ${torchTypeName(d)} but found ${torchTypeName(weight!.dtype)}`);
  return runRowLoss({
    x, reduction, layout,
    targets: (w) => {
      if (N === 0) return 0;
      const tp = classTargetsIn(w, t, C, 0);
      check(tp >= 0, "target out of range");
      return tp;
    },
    targetsPerRow: 1,
    kernel: (w, d) => {
      const wp = weight ? operandIn(w, weight, d, weight.shape) : 0;
      return (n, xp, tp, gscale, out, grad) => w.k[`multiMargin_${suffix(d)}`](n, C, xp, tp, wp, p, margin, gscale, out, grad);
    },
  });
}

// ---------------------------------------------------------------- MultiLabelMargin

/**
 * `F.multilabel_margin_loss`: (1/C)·Σ_{j∈J} Σ_{k∉J} max(0, 1 − x_j + x_k) per row, J = the labels
 * before the row's first −1. PyTorch 1.13's shape messages.
 */
export function multilabelMarginLoss(input: TensorLike, target: TensorLike, options: MultiLabelMarginOptions = {}): Tensor {
  MULTILABEL_MARGIN_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), t = toTensor(target, "target", true);
  const reduction = MULTILABEL_MARGIN_OPTIONS.reduction(options);
  const { N, C } = rowLayout(x);
  const targetOk = x.ndim <= 1
    ? t.ndim <= 1 && t.numel === C
    : t.ndim === 2 && t.shape[0] === N && t.shape[1] === C;
  check(targetOk, () => `inconsistent size ${listStr(t.shape)} for argument #2 'target'`);
  const layout: RowLayout = { N, C, outShape: x.ndim === 2 ? [N] : [], gShape: gShapeOf(x) };
  return runRowLoss({
    x, reduction, layout,
    targets: (w) => {
      // Every target value (also after the first −1) must lie in [−1, C); checked before the dtypes.
      const OUT_OF_RANGE = "argument #2 'target' is out of range";
      let tp = 0;
      if (isFloat(t.dtype)) {
        check(w.k[`firstOutside_${suffix(t.dtype)}`](w.copyIn(t.data), t.numel, -1, C - 1) < 0, OUT_OF_RANGE);
      } else {
        tp = classTargetsIn(w, t, C, -1);
        check(tp >= 0, OUT_OF_RANGE);
      }
      checkInputFloat(x, "multilabel_margin_loss_forward_out_frame");
      // As in PyTorch, the target of an empty batch is never read.
      if (N > 0) checkLongTarget(t);
      return tp;
    },
    targetsPerRow: C,
    kernel: (w, d) => {
      const scratch = w.allocFor(Int32Array, C);
      return (n, xp, tp, gscale, out, grad) => w.k[`multilabelMargin_${suffix(d)}`](n, C, xp, tp, scratch, gscale, out, grad);
    },
  });
}
