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
}

/** assembly/elementwise.ts */
export interface ElementwiseKernels {
  elementwise_f32(op: number, n: number, a: Ptr, b: Ptr, c: Ptr, w: Ptr, p0: number, p1: number,
    out: Ptr, ga: Ptr, gb: Ptr, gc: Ptr, gscale: number): number;
  elementwise_f64(op: number, n: number, a: Ptr, b: Ptr, c: Ptr, w: Ptr, p0: number, p1: number,
    out: Ptr, ga: Ptr, gb: Ptr, gc: Ptr, gscale: number): number;
  firstOutside_f32(p: Ptr, n: number, lo: number, hi: number): number;
  firstOutside_f64(p: Ptr, n: number, lo: number, hi: number): number;
}

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
  nll_f32(N: number, C: number, K: number, x: Ptr, t: Ptr, w: Ptr, gscale: number, out: Ptr, grad: Ptr): number;
  nll_f64(N: number, C: number, K: number, x: Ptr, t: Ptr, w: Ptr, gscale: number, out: Ptr, grad: Ptr): number;
}

/** assembly/margin.ts */
export interface MarginKernels {
}

/** assembly/embedding.ts */
export interface EmbeddingKernels {
}

/** assembly/ctc.ts */
export interface CtcKernels {
}

export interface Kernels
  extends TensorKernels, ElementwiseKernels, ClassificationKernels, MarginKernels, EmbeddingKernels, CtcKernels {
  memory: WebAssembly.Memory;
  heapBase(): Ptr;
}
