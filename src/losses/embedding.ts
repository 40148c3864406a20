// Embedding family (assembly/embedding.ts): CosineEmbedding, TripletMargin, TripletMarginWithDistance,
// and the two distances PyTorch users pass to the latter, `pairwiseDistance` and `cosineSimilarity`
// (differentiable Tensors, so a distance function built from them backpropagates).
//
// Operands are expanded to one broadcast shape [..., D] and the row kernels reduce over the last dim,
// writing every wanted gradient in the same call. TripletMarginWithDistance with the default (or
// "pairwise") distance runs the fused triplet kernel; with any other distance the distances are
// computed by that function, only the hinge runs in wasm, and backward() hands dℓ/dd to each
// distance tensor's own backward, which carries on into anchor/positive/negative.

import { attachGrad, gradLane, gradSlotAt, gradSlotOf, GradSlot } from "../autograd.js";
import { runBlocks } from "../blocks.js";
import { check, NNLossError } from "../errors.js";
import { blockedResult, chainGrad, lossResult, operandIn, operandLane, outBuffer, outLane, readOut, suffix } from "../ops.js";
import {
  boolOption, checkOptionKeys, numberOption, REDUCTION_KEYS, Reduction, ReductionOptions, resolveReduction,
} from "../options.js";
import { withArena } from "../runtime.js";
import {
  FloatArray, FloatDType, Tensor, TensorLike, broadcastShapes, floatData, isFloat, listStr, numelOf, promoteFloat,
  toTensor,
} from "../tensor.js";

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
  checkOptionKeys(options, ["margin", ...REDUCTION_KEYS], "cosine_embedding_loss");
  const x1 = toTensor(input1, "input1"), x2 = toTensor(input2, "input2"), y = toTensor(target, "target");
  const margin = numberOption(options.margin, "margin", 0);
  const reduction = resolveReduction(options) as Reduction;
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
  return withArena((w) => {
    const l1 = operandLane(w, x1, d, full, D), l2 = operandLane(w, x2, d, full, D), ly = operandLane(w, y, d, outShape);
    const out = outLane(d, R, 1, reduction === "none");
    const g1 = gradLane(w, x1, d, R * D, D), g2 = gradLane(w, x2, d, R * D, D);
    const gscale = reduction === "mean" ? 1 / R : 1;
    const total = runBlocks(w, R, 1, [l1, l2, ly], [out, g1, g2], (rows, [p1, p2, py], [ob, g1b, g2b]) =>
      w.k[`cosineEmbedding_${suffix(d)}`](rows, D, p1, p2, py, n1, n2, margin, gscale, ob, g1b, g2b));
    const result = blockedResult(d, reduction, out, outShape, total, R);
    const gShape = [...outShape, 1];
    return attachGrad(result, [
      ...gradSlotOf(w, x1, g1, d, full, gShape),
      ...gradSlotOf(w, x2, g2, d, full, gShape),
    ]);
  });
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
  return withArena((w) => {
    const la = operandLane(w, a, d, full, D), lp = operandLane(w, p, d, full, D), ln = operandLane(w, n, d, full, D);
    const out = outLane(d, R, 1, s.reduction === "none");
    const size = R * D;
    const ga = gradLane(w, a, d, size, D), gp = gradLane(w, p, d, size, D), gn = gradLane(w, n, d, size, D);
    const flags = (s.swap ? 1 : 0) | (s.marginLast ? 2 : 0);
    const gscale = s.reduction === "mean" ? 1 / R : 1;
    const total = runBlocks(w, R, 1, [la, lp, ln], [out, ga, gp, gn], (rows, [pa, pp, pn], [ob, gab, gpb, gnb]) =>
      w.k[`triplet_${suffix(d)}`](rows, D, pa, pp, pn, count(a, p), count(a, n), count(p, n), s.p, s.eps,
        s.margin, flags, gscale, ob, gab, gpb, gnb));
    const result = blockedResult(d, s.reduction, out, outShape, total, R);
    const gShape = full.length === 0 ? [] : [...outShape, 1];
    return attachGrad(result, [
      ...gradSlotOf(w, a, ga, d, full, gShape),
      ...gradSlotOf(w, p, gp, d, full, gShape),
      ...gradSlotOf(w, n, gn, d, full, gShape),
    ]);
  });
}

/** `F.triplet_margin_loss`: max(0, margin + ‖a − p + eps‖_p − ‖a − n + eps‖_p) over the last dim. */
export function tripletMarginLoss(anchor: TensorLike, positive: TensorLike, negative: TensorLike,
                                  options: TripletMarginOptions = {}): Tensor {
  checkOptionKeys(options, ["margin", "p", "eps", "swap", ...REDUCTION_KEYS], "triplet_margin_loss");
  const a = toTensor(anchor, "anchor"), p = toTensor(positive, "positive"), n = toTensor(negative, "negative");
  const margin = numberOption(options.margin, "margin", 1);
  const pn = numberOption(options.p, "p", 2);
  const eps = numberOption(options.eps, "eps", 1e-6);
  const swap = boolOption(options.swap, "swap", false);
  const reduction = resolveReduction(options) as Reduction;
  checkSameNdim(a, p, n);
  return runTriplet(a, p, n, { p: pn, eps, margin, swap, marginLast: false, reduction });
}

// ---------------------------------------------------------------- TripletMarginWithDistance

/** `F.triplet_margin_with_distance_loss`: the triplet hinge on any distance function. */
export function tripletMarginWithDistanceLoss(anchor: TensorLike, positive: TensorLike, negative: TensorLike,
                                              options: TripletMarginWithDistanceOptions = {}): Tensor {
  checkOptionKeys(options, ["distanceFunction", "margin", "swap", "reduction"], "triplet_margin_with_distance_loss");
  const reduction = resolveReduction(options, { noLegacy: true }) as Reduction; // 2.x: validated first
  const a = toTensor(anchor, "anchor"), p = toTensor(positive, "positive"), n = toTensor(negative, "negative");
  checkSameNdim(a, p, n);
  const margin = numberOption(options.margin, "margin", 1);
  const swap = boolOption(options.swap, "swap", false);
  const fn = options.distanceFunction ?? "pairwise";
  if (fn === "pairwise" || fn === pairwiseDistance) {
    return runTriplet(a, p, n, { p: 2, eps: 1e-6, margin, swap, marginLast: true, reduction });
  }
  if (fn === "cosine") return tripletViaDistance(cosineDistance, a, p, n, margin, swap, reduction);
  check(typeof fn === "function", () =>
    `distanceFunction must be a function, "pairwise" or "cosine", got ${typeof fn === "string" ? `"${fn}"` : typeof fn}`);
  return tripletViaDistance(fn, a, p, n, margin, swap, reduction);
}

interface Distance {
  t: Tensor;
  /** Computed from an input that requires grad: backward needs to get through it. */
  needed: boolean;
  what: string;
}

function tripletViaDistance(fn: DistanceFunction, a: Tensor, p: Tensor, n: Tensor, margin: number, swap: boolean,
                            reduction: Reduction): Tensor {
  const call = (x: Tensor, y: Tensor, what: string): Distance => {
    const t = toTensor(fn(x, y), "the distance function's result");
    check(isFloat(t.dtype), "the distance function must return floating point distances");
    return { t, needed: x.requiresGrad || y.requiresGrad, what };
  };
  const dists: (Distance | null)[] = [
    call(a, p, "distance(anchor, positive)"),
    call(a, n, "distance(anchor, negative)"),
    swap ? call(p, n, "distance(positive, negative)") : null,
  ];
  const [dp, dn, ds] = dists;
  // torch.min(d_an, d_pn), then d_ap − d_neg + margin
  const negShape = ds ? broadcastShapes(dn!.t.shape, ds.t.shape) : dn!.t.shape;
  const shape = broadcastShapes(dp!.t.shape, negShape);
  const size = numelOf(shape);
  const d = promoteFloat(...dists.filter((x): x is Distance => x !== null).map((x) => x.t));
  const wants = dists.map((x) => x !== null && (x.needed || x.t.requiresGrad || x.t._gradFn !== null));
  const locals: (FloatArray | null)[] = [null, null, null];
  const leafSlots: GradSlot[] = [];
  const result = withArena((w) => {
    const ptrs = dists.map((x) => (x ? operandIn(w, x.t, d, shape) : 0));
    const out = outBuffer(w, d, size, reduction === "none");
    const g = wants.map((want) => outBuffer(w, d, size, want));
    const total = w.k[`distanceHinge_${suffix(d)}`](size, ptrs[0], ptrs[1], ptrs[2], margin, swap ? 1 : 0,
      out, g[0], g[1], g[2], reduction === "mean" ? 1 / size : 1);
    dists.forEach((x, i) => {
      if (!wants[i]) return;
      // a distance that is itself a leaf requiring grad gets a plain slot; others chain on backward()
      if (x!.t._gradFn === null && x!.t.requiresGrad) leafSlots.push(...gradSlotAt(w, x!.t, g[i], d, shape));
      else locals[i] = readOut(w, d, g[i], size);
    });
    return lossResult(w, d, reduction, out, shape, total, size);
  });
  if (!wants.some(Boolean)) return result;
  const leafBackward = leafSlots.length > 0 ? attachGrad(result, leafSlots)._gradFn : null;
  result.requiresGrad = true;
  result._gradFn = (gOut, retainGraph) => {
    dists.forEach((x, i) => {
      if (locals[i] !== null && x!.t._gradFn === null) {
        throw new NNLossError(
          `triplet_margin_with_distance_loss: the distance function's output has no gradient: ${x!.what} returned ` +
          "a tensor without autograd history, so backward() cannot reach anchor/positive/negative. Build the " +
          'distance from nnloss ops (pairwiseDistance, cosineSimilarity) or pass distanceFunction "pairwise" / "cosine".');
      }
    });
    leafBackward?.(gOut, retainGraph); // first: it throws if the graph was already freed
    const scalarOut = result.shape.length === 0 || gOut === null;
    dists.forEach((x, i) => {
      const local = locals[i];
      if (local === null) return;
      const gData = scalarOut ? null : floatData(gOut!, d);
      const alpha = gOut === null ? 1 : scalarOut ? Number(gOut.data[0]) : 1;
      const grad = chainGrad(local, shape, gData, shape, alpha, x!.t.shape);
      x!.t.backward(new Tensor(grad, x!.t.shape), { retainGraph });
    });
  };
  return result;
}

// ---------------------------------------------------------------- distances

/** `F.pairwise_distance`: ‖x1 − x2 + eps‖_p over the last dim (eps added to every component). */
export function pairwiseDistance(x1: TensorLike, x2: TensorLike, options: PairwiseDistanceOptions = {}): Tensor {
  checkOptionKeys(options, ["p", "eps", "keepdim"], "pairwise_distance");
  const a = toTensor(x1, "x1"), b = toTensor(x2, "x2");
  const p = numberOption(options.p, "p", 2);
  const eps = numberOption(options.eps, "eps", 1e-6);
  const keepdim = boolOption(options.keepdim, "keepdim", false);
  const full = broadcastShapes(a.shape, b.shape);
  const D = lastDim(full);
  const rows = full.slice(0, -1);
  const outShape = full.length === 0 ? [] : keepdim ? [...rows, 1] : rows;
  const R = numelOf(rows);
  const d = computeDtype(a, b);
  return withArena((w) => {
    const pa = operandIn(w, a, d, full), pb = operandIn(w, b, d, full);
    const out = outBuffer(w, d, R);
    const g1 = outBuffer(w, d, R * D, a.requiresGrad), g2 = outBuffer(w, d, R * D, b.requiresGrad);
    w.k[`pairwiseDistance_${suffix(d)}`](R, D, pa, pb, p, eps, out, g1, g2);
    const result = new Tensor(readOut(w, d, out, R), outShape);
    const gShape = full.length === 0 ? [] : [...rows, 1];
    return attachGrad(result, [...gradSlotAt(w, a, g1, d, full, gShape), ...gradSlotAt(w, b, g2, d, full, gShape)]);
  });
}

/** `F.cosine_similarity`: Σ (x1/max(‖x1‖, eps))·(x2/max(‖x2‖, eps)) along `dim` (default 1). */
export function cosineSimilarity(x1: TensorLike, x2: TensorLike, options: CosineSimilarityOptions = {}): Tensor {
  checkOptionKeys(options, ["dim", "eps"], "cosine_similarity");
  const dim = numberOption(options.dim, "dim", 1);
  check(Number.isInteger(dim), `dim must be an integer, got ${dim}`);
  const eps = numberOption(options.eps, "eps", 1e-8);
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
  return withArena((w) => {
    const pa = operandIn(w, a, d, full), pb = operandIn(w, b, d, full);
    const out = outBuffer(w, d, O * K);
    const g1 = outBuffer(w, d, O * D * K, a.requiresGrad), g2 = outBuffer(w, d, O * D * K, b.requiresGrad);
    w.k[`cosineSimilarity_${suffix(d)}`](O, D, K, pa, pb, eps, distance ? -1 : 1, out, g1, g2);
    const result = new Tensor(readOut(w, d, out, O * K), outShape);
    return attachGrad(result, [...gradSlotAt(w, a, g1, d, full, gShape), ...gradSlotAt(w, b, g2, d, full, gShape)]);
  });
}
