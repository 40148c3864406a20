// Embedding family (assembly/embedding.ts): CosineEmbedding, TripletMargin, TripletMarginWithDistance,
// and the two distances PyTorch users pass to the latter, `pairwiseDistance` and `cosineSimilarity`
// (differentiable Tensors, so a distance function built from them backpropagates).
//
// Operands are expanded to one broadcast shape [..., D] and the row kernels reduce over the last dim,
// writing every wanted gradient in the same call. TripletMarginWithDistance with the default (or
// "pairwise") distance runs the fused triplet kernel; with any other distance the distances are
// computed by that function, only the hinge runs in wasm, and backward() hands dℓ/dd to each
// distance tensor's own backward, which carries on into anchor/positive/negative.

import { needsGrad } from "../autograd.js";
import { wasmLane } from "../blocks.js";
import { runCall } from "../call.js";
import { check, NNLossError } from "../errors.js";
import { floatCtor, operandIn, operandLane, suffix } from "../operands.js";
import { anyOpt, bool, checkOptionKeys, int, LossOptions, num, Reduction, ReductionOptions } from "../options.js";
import { Wasm } from "../runtime.js";
import { FloatDType, Tensor, TensorLike, broadcastShapes, isFloat, listStr, numelOf, promoteFloat, toTensor } from "../tensor.js";

export interface CosineEmbeddingOptions extends ReductionOptions {
  margin?: number;
}

export interface TripletMarginOptions extends ReductionOptions {
  margin?: number;
  p?: number;
  eps?: number;
  swap?: boolean;
}

/** A distance for TripletMarginWithDistanceLoss: (x1, x2) → distances of shape (N) (or anything that
 *  broadcasts). Return a Tensor made by nnloss ops (pairwiseDistance, cosineSimilarity) to get
 *  gradients; a plain typed array works for the forward pass only. */
export type DistanceFunction = (x1: Tensor, x2: Tensor) => TensorLike;

export interface TripletMarginWithDistanceOptions {
  /** A function, or "pairwise" (the default: pairwise distance, p = 2, eps = 1e-6) or "cosine"
   *  (1 − cosine similarity over the last dim). */
  distanceFunction?: DistanceFunction | "pairwise" | "cosine" | null;
  margin?: number;
  swap?: boolean;
  reduction?: string;
}

export interface PairwiseDistanceOptions {
  p?: number;
  eps?: number;
  keepdim?: boolean;
}

export interface CosineSimilarityOptions {
  dim?: number;
  eps?: number;
}

export const COSINE_EMBEDDING_OPTIONS = new LossOptions("cosine_embedding_loss", { margin: num(0) });
export const TRIPLET_MARGIN_OPTIONS = new LossOptions("triplet_margin_loss",
  { margin: num(1), p: num(2), eps: num(1e-6), swap: bool(false) });
export const TRIPLET_MARGIN_WITH_DISTANCE_OPTIONS = new LossOptions("triplet_margin_with_distance_loss",
  { distanceFunction: anyOpt<DistanceFunction | "pairwise" | "cosine" | null>(null), margin: num(1), swap: bool(false) },
  { noLegacy: true });
const PAIRWISE_DISTANCE_OPTIONS = new LossOptions("pairwise_distance", { p: num(2), eps: num(1e-6), keepdim: bool(false) });
const COSINE_SIMILARITY_OPTIONS = new LossOptions("cosine_similarity", { dim: int(1), eps: num(1e-8) });

/** These losses accept integer inputs as PyTorch does (computed in float32, or float64 if any input is). */
function computeDtype(...ts: Tensor[]): FloatDType {
  const fl = ts.filter((t) => isFloat(t.dtype));
  return fl.length > 0 ? promoteFloat(...fl) : "float32";
}

function lastDim(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1];
}


// ---------------------------------------------------------------- CosineEmbedding

/** `F.cosine_embedding_loss`: 1 − cos(x1, x2) for y = 1, max(0, cos − margin) for y = −1, 0 otherwise. */
export function cosineEmbeddingLoss(input1: TensorLike, input2: TensorLike, target: TensorLike,
                                    options: CosineEmbeddingOptions = {}): Tensor {
  const { margin } = COSINE_EMBEDDING_OPTIONS.resolve(options);
  const x1 = toTensor(input1, "input1"), x2 = toTensor(input2, "input2"), y = toTensor(target, "target");
  const reduction = COSINE_EMBEDDING_OPTIONS.reduction(options);
  check(y.ndim <= 1, "0D or 1D target tensor expected, multi-target not supported");
  // PyTorch 2.x checks both inputs (1.13 only input1)
  check(x1.ndim === y.ndim + 1 && x2.ndim === y.ndim + 1, () =>
    `${y.ndim}D target tensor expects ${y.ndim + 1}D input tensors, but found inputs with sizes ` +
    `${listStr(x1.shape)} and ${listStr(x2.shape)}.`);
  const xs = broadcastShapes(x1.shape, x2.shape); // input1 * input2
  const D = lastDim(xs);
  const outShape = broadcastShapes(y.shape, xs.slice(0, -1)); // where(target == 1, pos, zeros)
  const R = numelOf(outShape);
  const full = [...outShape, D];
  // each magnitude runs over the input's own last dim (1 when it broadcasts along D)
  const n1 = Math.min(lastDim(x1.shape), D), n2 = Math.min(lastDim(x2.shape), D);
  const d = computeDtype(x1, x2);
  const gShape = [...outShape, 1];
  return runCall(d, (w) => ({
    units: R, inputs: [operandLane(w, x1, d, full, D), operandLane(w, x2, d, full, D), operandLane(w, y, d, outShape)],
    out: { perUnit: 1, shape: outShape },
    reduction, meanOver: R,
    grads: [{ t: x1, perUnit: D, shape: full, gShape }, { t: x2, perUnit: D, shape: full, gShape }],
    kernel: (rows, [p1, p2, py], [ob, g1b, g2b], gscale) =>
      w.k[`cosineEmbedding_${suffix(d)}`](rows, D, p1, p2, py, n1, n2, margin, gscale, ob, g1b, g2b),
  }));
}

// ---------------------------------------------------------------- TripletMargin

/** PyTorch 2.x's check (1.13 said "All inputs should have same dimension but got ..."). */
function checkSameNdim(a: Tensor, p: Tensor, n: Tensor): void {
  check(a.ndim === p.ndim && p.ndim === n.ndim, () =>
    "The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: " +
    `anchor ${a.ndim}D, positive ${p.ndim}D, and negative ${n.ndim}D inputs`);
}

interface TripletSpec {
  p: number;
  eps: number;
  margin: number;
  swap: boolean;
  /** TripletMarginWithDistance's operation order: (d(a,p) − d_neg) + margin. */
  marginLast: boolean;
  reduction: Reduction;
}

/** The fused triplet kernel: three p-norm distances, the swap min and the hinge per row. */
function runTriplet(a: Tensor, p: Tensor, n: Tensor, s: TripletSpec): Tensor {
  // PyTorch's broadcasting order: a − p, a − n, (p − n), min(d_an, d_pn), margin + d_ap − d_neg
  const drop = (shape: number[]) => shape.slice(0, -1);
  const dPos = drop(broadcastShapes(a.shape, p.shape));
  let dNeg = drop(broadcastShapes(a.shape, n.shape));
  if (s.swap) dNeg = broadcastShapes(dNeg, drop(broadcastShapes(p.shape, n.shape)));
  const outShape = broadcastShapes(dPos, dNeg);
  const full = broadcastShapes(a.shape, p.shape, n.shape);
  const D = lastDim(full);
  const R = numelOf(outShape);
  // a pair whose last dims are both 1 has its distance over one element, not over D copies
  const count = (x: Tensor, y: Tensor) => (lastDim(x.shape) === 1 && lastDim(y.shape) === 1 ? Math.min(1, D) : D);
  const d = computeDtype(a, p, n);
  const flags = (s.swap ? 1 : 0) | (s.marginLast ? 2 : 0);
  const gShape = full.length === 0 ? [] : [...outShape, 1];
  return runCall(d, (w) => ({
    units: R, inputs: [operandLane(w, a, d, full, D), operandLane(w, p, d, full, D), operandLane(w, n, d, full, D)],
    out: { perUnit: 1, shape: outShape },
    reduction: s.reduction, meanOver: R,
    grads: [a, p, n].map((t) => ({ t, perUnit: D, shape: full, gShape })),
    kernel: (rows, [pa, pp, pn], [ob, gab, gpb, gnb], gscale) =>
      w.k[`triplet_${suffix(d)}`](rows, D, pa, pp, pn, count(a, p), count(a, n), count(p, n), s.p, s.eps,
        s.margin, flags, gscale, ob, gab, gpb, gnb),
  }));
}

/** `F.triplet_margin_loss`: max(0, margin + ‖a − p + eps‖_p − ‖a − n + eps‖_p) over the last dim. */
export function tripletMarginLoss(anchor: TensorLike, positive: TensorLike, negative: TensorLike,
                                  options: TripletMarginOptions = {}): Tensor {
  const { margin, p: pn, eps, swap } = TRIPLET_MARGIN_OPTIONS.resolve(options);
  const a = toTensor(anchor, "anchor"), p = toTensor(positive, "positive"), n = toTensor(negative, "negative");
  const reduction = TRIPLET_MARGIN_OPTIONS.reduction(options);
  checkSameNdim(a, p, n);
  return runTriplet(a, p, n, { p: pn, eps, margin, swap, marginLast: false, reduction });
}

// ---------------------------------------------------------------- TripletMarginWithDistance

/** `F.triplet_margin_with_distance_loss`: the triplet hinge on any distance function. */
export function tripletMarginWithDistanceLoss(anchor: TensorLike, positive: TensorLike, negative: TensorLike,
                                              options: TripletMarginWithDistanceOptions = {}): Tensor {
  const o = TRIPLET_MARGIN_WITH_DISTANCE_OPTIONS;
  checkOptionKeys(options, o.keys, o.fname);
  const reduction = o.reduction(options); // 2.x: validated first
  const a = toTensor(anchor, "anchor"), p = toTensor(positive, "positive"), n = toTensor(negative, "negative");
  checkSameNdim(a, p, n);
  const { margin, swap, distanceFunction } = o.resolve(options);
  const fn = distanceFunction ?? "pairwise";
  if (fn === "pairwise" || fn === pairwiseDistance) {
    return runTriplet(a, p, n, { p: 2, eps: 1e-6, margin, swap, marginLast: true, reduction });
  }
  if (fn === "cosine") return tripletViaDistance(cosineDistance, a, p, n, margin, swap, reduction);
  check(typeof fn === "function", () =>
    `distanceFunction must be a function, "pairwise" or "cosine", got ${typeof fn === "string" ? `"${fn}"` : typeof fn}`);
  return tripletViaDistance(fn, a, p, n, margin, swap, reduction);
}

/**
 * The triplet hinge on distances computed by `fn`: only the hinge runs in wasm, and its gradient flows
 * through the graph into each distance's own node (nnloss ops) and on to anchor/positive/negative. A
 * distance computed from inputs that require grad but returned without autograd history (a plain
 * array) leaves the result differentiable, and backward() says why it cannot reach the inputs.
 */
function tripletViaDistance(fn: DistanceFunction, a: Tensor, p: Tensor, n: Tensor, margin: number, swap: boolean,
                            reduction: Reduction): Tensor {
  const untracked: string[] = [];
  const call = (x: Tensor, y: Tensor, what: string): Tensor => {
    const t = toTensor(fn(x, y), "the distance function's result");
    check(isFloat(t.dtype), "the distance function must return floating point distances");
    if (!needsGrad(t) && (needsGrad(x) || needsGrad(y))) {
      untracked.push(what);
      return new Tensor(t.data, t.shape, true); // keeps the result differentiable, so backward() can explain
    }
    return t;
  };
  const dp = call(a, p, "distance(anchor, positive)");
  const dn = call(a, n, "distance(anchor, negative)");
  const ds = swap ? call(p, n, "distance(positive, negative)") : null;
  // torch.min(d_an, d_pn), then d_ap − d_neg + margin
  const negShape = ds ? broadcastShapes(dn.shape, ds.shape) : dn.shape;
  const shape = broadcastShapes(dp.shape, negShape);
  const size = numelOf(shape);
  const d = promoteFloat(...[dp, dn, ...(ds ? [ds] : [])]);
  const whole = (w: Wasm, t: Tensor | null) => wasmLane(t ? operandIn(w, t, d, shape) : 0, floatCtor(d).BYTES_PER_ELEMENT, size);
  return runCall(d, (w) => ({
    units: 1, inputs: [whole(w, dp), whole(w, dn), whole(w, ds)],
    out: { perUnit: size, shape },
    reduction, meanOver: size,
    grads: [dp, dn, ds].map((t) => ({ t, perUnit: size, shape })),
    kernel: (_, [pp, pn, ps], [ob, gp, gn, gs], gscale) =>
      w.k[`distanceHinge_${suffix(d)}`](size, pp, pn, ps, margin, swap ? 1 : 0, ob, gp, gn, gs, gscale),
    beforeBackward: untracked.length === 0 ? undefined : () => {
      throw new NNLossError(
        `triplet_margin_with_distance_loss: the distance function's output has no gradient: ${untracked[0]} returned ` +
        "a tensor without autograd history, so backward() cannot reach anchor/positive/negative. Build the " +
        'distance from nnloss ops (pairwiseDistance, cosineSimilarity) or pass distanceFunction "pairwise" / "cosine".');
    },
  }));
}

// ---------------------------------------------------------------- distances

/** `F.pairwise_distance`: ‖x1 − x2 + eps‖_p over the last dim (eps added to every component). */
export function pairwiseDistance(x1: TensorLike, x2: TensorLike, options: PairwiseDistanceOptions = {}): Tensor {
  const { p, eps, keepdim } = PAIRWISE_DISTANCE_OPTIONS.resolve(options);
  const a = toTensor(x1, "x1"), b = toTensor(x2, "x2");
  const full = broadcastShapes(a.shape, b.shape);
  const D = lastDim(full);
  const rows = full.slice(0, -1);
  const outShape = full.length === 0 ? [] : keepdim ? [...rows, 1] : rows;
  const R = numelOf(rows);
  const d = computeDtype(a, b);
  const gShape = full.length === 0 ? [] : [...rows, 1];
  return runDistance(d, a, b, full, R, outShape, gShape, (w, pa, pb, out, g1, g2) =>
    w.k[`pairwiseDistance_${suffix(d)}`](R, D, pa, pb, p, eps, out, g1, g2));
}

/** A distance between two operands at their broadcast shape `full`: one kernel call over the whole
 *  arrays, R distances of shape outShape, and both operands' gradients. */
function runDistance(d: FloatDType, a: Tensor, b: Tensor, full: readonly number[], R: number, outShape: readonly number[],
                     gShape: readonly number[],
                     kernel: (w: Wasm, pa: number, pb: number, out: number, g1: number, g2: number) => void): Tensor {
  const size = numelOf(full);
  const whole = (w: Wasm, t: Tensor) => wasmLane(operandIn(w, t, d, full), floatCtor(d).BYTES_PER_ELEMENT, size);
  return runCall(d, (w) => ({
    units: 1, inputs: [whole(w, a), whole(w, b)],
    out: { perUnit: R, shape: outShape },
    reduction: "none", meanOver: 1,
    grads: [{ t: a, perUnit: size, shape: full, gShape }, { t: b, perUnit: size, shape: full, gShape }],
    kernel: (_, [pa, pb], [out, g1, g2]) => (kernel(w, pa, pb, out, g1, g2), 0),
  }));
}

/** `F.cosine_similarity`: Σ (x1/max(‖x1‖, eps))·(x2/max(‖x2‖, eps)) along `dim` (default 1). */
export function cosineSimilarity(x1: TensorLike, x2: TensorLike, options: CosineSimilarityOptions = {}): Tensor {
  const { dim, eps } = COSINE_SIMILARITY_OPTIONS.resolve(options);
  return cosine(toTensor(x1, "x1"), toTensor(x2, "x2"), dim, eps, false);
}

/** The "cosine" distance: 1 − cosine_similarity over the last dim. */
function cosineDistance(x1: Tensor, x2: Tensor): Tensor {
  return cosine(x1, x2, -1, 1e-8, true);
}

function cosine(a: Tensor, b: Tensor, dim: number, eps: number, distance: boolean): Tensor {
  const full = broadcastShapes(a.shape, b.shape);
  const rank = Math.max(full.length, 1);
  check(dim >= -rank && dim < rank, () => `Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${dim})`);
  const at = dim < 0 ? dim + rank : dim;
  const O = numelOf(full.slice(0, at)), D = lastDim(full.slice(0, at + 1)), K = numelOf(full.slice(at + 1));
  const outShape = full.filter((_, i) => i !== at);
  const gShape = full.map((s, i) => (i === at ? 1 : s));
  const d = computeDtype(a, b);
  return runDistance(d, a, b, full, O * K, outShape, gShape, (w, pa, pb, out, g1, g2) =>
    w.k[`cosineSimilarity_${suffix(d)}`](O, D, K, pa, pb, eps, distance ? -1 : 1, out, g1, g2));
}
