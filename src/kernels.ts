// The kernel ABI: what assembly/index.ts exports, one interface per AssemblyScript family file.
// Every kernel takes pointers into the module memory (Ptr) and sizes; none allocates.

type Ptr = number;

/** assembly/tensorops.ts */
export interface TensorKernels {
  expand_f32(src: Ptr, dst: Ptr, rank: number, shape: Ptr, strides: Ptr): void;
  expand_f64(src: Ptr, dst: Ptr, rank: number, shape: Ptr, strides: Ptr): void;
  sumTo_f32(src: Ptr, dst: Ptr, dstLen: number, rank: number, shape: Ptr, strides: Ptr): void;
  sumTo_f64(src: Ptr, dst: Ptr, dstLen: number, rank: number, shape: Ptr, strides: Ptr): void;
  mul_f32(a: Ptr, b: Ptr, n: number): void;
  mul_f64(a: Ptr, b: Ptr, n: number): void;
  axpy_f32(dst: Ptr, src: Ptr, alpha: number, n: number): void;
  axpy_f64(dst: Ptr, src: Ptr, alpha: number, n: number): void;
  scale_f32(a: Ptr, alpha: number, n: number): void;
  scale_f64(a: Ptr, alpha: number, n: number): void;
  total_f32(p: Ptr, n: number): number;
  total_f64(p: Ptr, n: number): number;
  firstOutside_f32(p: Ptr, n: number, lo: number, hi: number): number;
  firstOutside_f64(p: Ptr, n: number, lo: number, hi: number): number;
  firstBelow_f32(p: Ptr, n: number, lo: number): number;
  firstBelow_f64(p: Ptr, n: number, lo: number): number;
}

/** The elementwise dispatcher of a family (assembly/<family>.ts on assembly/driver.ts): op ids, operands
 *  and the meaning of p0/p1 per op are declared in src/abi.ts. Returns Σ w·ℓ. */
type ElementwiseKernel = (op: number, n: number, a: Ptr, b: Ptr, c: Ptr, w: Ptr, p0: number, p1: number,
  out: Ptr, ga: Ptr, gb: Ptr, gc: Ptr, gscale: number) => number;

/** The elementwise dispatchers: assembly/regression.ts, binary.ts, probabilistic.ts, margin.ts, activations.ts. */
export type ElementwiseKernels = {
  [K in `${"regression" | "binary" | "probabilistic" | "margin" | "activations"}_${"f32" | "f64"}`]: ElementwiseKernel;
};

/** assembly/classification.ts */
export interface ClassificationKernels {
  targets_i32(src: Ptr, dst: Ptr, n: number, C: number, ignore: number): number;
  targets_i64(src: Ptr, dst: Ptr, n: number, C: number, ignore: number): number;
  weightTotal_f32(t: Ptr, P: number, w: Ptr): number;
  weightTotal_f64(t: Ptr, P: number, w: Ptr): number;
  crossEntropyIndex_f32(N: number, C: number, K: number, x: Ptr, t: Ptr, w: Ptr, eps: number,
    gscale: number, out: Ptr, grad: Ptr): number;
  crossEntropyIndex_f64(N: number, C: number, K: number, x: Ptr, t: Ptr, w: Ptr, eps: number,
    gscale: number, out: Ptr, grad: Ptr): number;
  crossEntropyProb_f32(N: number, C: number, K: number, x: Ptr, y: Ptr, w: Ptr, eps: number,
    gscale: number, out: Ptr, gx: Ptr, gy: Ptr): number;
  crossEntropyProb_f64(N: number, C: number, K: number, x: Ptr, y: Ptr, w: Ptr, eps: number,
    gscale: number, out: Ptr, gx: Ptr, gy: Ptr): number;
  nll_f32(N: number, C: number, K: number, x: Ptr, t: Ptr, w: Ptr, gscale: number, out: Ptr, grad: Ptr, gathered: number): number;
  nll_f64(N: number, C: number, K: number, x: Ptr, t: Ptr, w: Ptr, gscale: number, out: Ptr, grad: Ptr, gathered: number): number;
}

/** assembly/margin.ts (besides its elementwise dispatcher) */
export interface MarginKernels {
  multiMargin_f32(N: number, C: number, x: Ptr, t: Ptr, w: Ptr, p: number, margin: number,
    gscale: number, out: Ptr, grad: Ptr): number;
  multiMargin_f64(N: number, C: number, x: Ptr, t: Ptr, w: Ptr, p: number, margin: number,
    gscale: number, out: Ptr, grad: Ptr): number;
  multilabelMargin_f32(N: number, C: number, x: Ptr, t: Ptr, scratch: Ptr, gscale: number, out: Ptr, grad: Ptr): number;
  multilabelMargin_f64(N: number, C: number, x: Ptr, t: Ptr, scratch: Ptr, gscale: number, out: Ptr, grad: Ptr): number;
  multilabelSoftMargin_f32(outer: number, L: number, inner: number, x: Ptr, y: Ptr, w: Ptr, C: number,
    gscale: number, out: Ptr, gx: Ptr, gy: Ptr): number;
  multilabelSoftMargin_f64(outer: number, L: number, inner: number, x: Ptr, y: Ptr, w: Ptr, C: number,
    gscale: number, out: Ptr, gx: Ptr, gy: Ptr): number;
}

/** assembly/embedding.ts */
export interface EmbeddingKernels {
  pairwiseDistance_f32(R: number, D: number, x1: Ptr, x2: Ptr, p: number, eps: number, out: Ptr, g1: Ptr, g2: Ptr): void;
  pairwiseDistance_f64(R: number, D: number, x1: Ptr, x2: Ptr, p: number, eps: number, out: Ptr, g1: Ptr, g2: Ptr): void;
  triplet_f32(R: number, D: number, a: Ptr, p: Ptr, n: Ptr, cap: number, can: number, cpn: number, pnorm: number,
    eps: number, margin: number, flags: number, gscale: number, out: Ptr, ga: Ptr, gp: Ptr, gn: Ptr): number;
  triplet_f64(R: number, D: number, a: Ptr, p: Ptr, n: Ptr, cap: number, can: number, cpn: number, pnorm: number,
    eps: number, margin: number, flags: number, gscale: number, out: Ptr, ga: Ptr, gp: Ptr, gn: Ptr): number;
  distanceHinge_f32(n: number, dp: Ptr, dn: Ptr, ds: Ptr, margin: number, swap: number,
    out: Ptr, gdp: Ptr, gdn: Ptr, gds: Ptr, gscale: number): number;
  distanceHinge_f64(n: number, dp: Ptr, dn: Ptr, ds: Ptr, margin: number, swap: number,
    out: Ptr, gdp: Ptr, gdn: Ptr, gds: Ptr, gscale: number): number;
  cosineEmbedding_f32(R: number, D: number, x1: Ptr, x2: Ptr, y: Ptr, n1: number, n2: number, margin: number,
    gscale: number, out: Ptr, g1: Ptr, g2: Ptr): number;
  cosineEmbedding_f64(R: number, D: number, x1: Ptr, x2: Ptr, y: Ptr, n1: number, n2: number, margin: number,
    gscale: number, out: Ptr, g1: Ptr, g2: Ptr): number;
  cosineSimilarity_f32(O: number, D: number, K: number, x1: Ptr, x2: Ptr, eps: number, sign: number,
    out: Ptr, g1: Ptr, g2: Ptr): void;
  cosineSimilarity_f64(O: number, D: number, K: number, x1: Ptr, x2: Ptr, eps: number, sign: number,
    out: Ptr, g1: Ptr, g2: Ptr): void;
}

/** assembly/ctc.ts */
export interface CtcKernels {
  ctcTargets_i32(src: Ptr, offsets: Ptr, lengths: Ptr, N: number, C: number, dst: Ptr): number;
  ctcTargets_i64(src: Ptr, offsets: Ptr, lengths: Ptr, N: number, C: number, dst: Ptr): number;
  ctcTargets_f32(src: Ptr, offsets: Ptr, lengths: Ptr, N: number, C: number, dst: Ptr): number;
  ctcTargets_f64(src: Ptr, offsets: Ptr, lengths: Ptr, N: number, C: number, dst: Ptr): number;
  ctcLoss_f32(T: number, N: number, C: number, lp: Ptr, labels: Ptr, offsets: Ptr, inLens: Ptr, tgLens: Ptr,
    blank: number, zeroInf: number, perLength: number, gscale: number, out: Ptr, grad: Ptr, alpha: Ptr, beta: Ptr, ext: Ptr): number;
  ctcLoss_f64(T: number, N: number, C: number, lp: Ptr, labels: Ptr, offsets: Ptr, inLens: Ptr, tgLens: Ptr,
    blank: number, zeroInf: number, perLength: number, gscale: number, out: Ptr, grad: Ptr, alpha: Ptr, beta: Ptr, ext: Ptr): number;
}

/** assembly/arithmetic.ts (an elementwise dispatcher: src/abi.ts ArithmeticOp) and assembly/reductions.ts
 *  (ReductionOp over the middle dim of [outer, len, inner]; `local`: amax/amin's mask/count, or 0). */
export interface OpKernels {
  arithmetic_f32: ElementwiseKernel;
  arithmetic_f64: ElementwiseKernel;
  reduce_f32(op: number, outer: number, len: number, inner: number, src: Ptr, out: Ptr, local: Ptr, acc: Ptr): void;
  reduce_f64(op: number, outer: number, len: number, inner: number, src: Ptr, out: Ptr, local: Ptr, acc: Ptr): void;
}

/** assembly/activations.ts (besides its elementwise dispatcher): (log_)softmax over [outer, C, inner]. */
export interface ActivationKernels {
  softmax_f32(outer: number, C: number, inner: number, x: Ptr, y: Ptr, log: number): void;
  softmax_f64(outer: number, C: number, inner: number, x: Ptr, y: Ptr, log: number): void;
  softmaxBackward_f32(outer: number, C: number, inner: number, y: Ptr, g: Ptr, gx: Ptr, log: number): void;
  softmaxBackward_f64(outer: number, C: number, inner: number, y: Ptr, g: Ptr, gx: Ptr, log: number): void;
}

export interface Kernels
  extends TensorKernels, ElementwiseKernels, ClassificationKernels, MarginKernels, EmbeddingKernels, CtcKernels,
    OpKernels, ActivationKernels {
  memory: WebAssembly.Memory;
  heapBase(): Ptr;
}
