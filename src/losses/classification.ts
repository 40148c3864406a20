// Softmax / NLL family (assembly/classification.ts): CrossEntropy with class-index or probability
// targets, and NLL. Shapes are (C), (N, C) or (N, C, d1..dK); the kernels see [N, C, K] with K the
// product of the spatial dims, and targets already range-checked and mapped to i32 (−1 = ignored).

import { SHORT_ROW_ALIGN, SHORT_ROW_CLASSES } from "../abi.js";
import { wasmLane } from "../blocks.js";
import { runCall } from "../call.js";
import { check } from "../errors.js";
import { floatCtor, operandIn, operandLane, suffix, tensorIn } from "../operands.js";
import { int, LossOptions, num, Reduction, ReductionOptions, tensorOpt } from "../options.js";
import { Wasm } from "../runtime.js";
import {
  FloatArray, FloatDType, Tensor, TensorLike, isFloat, listStr, numelOf, sameShape, toTensor, torchTypeName,
} from "../tensor.js";

export interface NLLOptions extends ReductionOptions {
  weight?: TensorLike | null;
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NLLOptions {
  labelSmoothing?: number;
}

export const NLL_OPTIONS = new LossOptions("nll_loss", { weight: tensorOpt("weight"), ignoreIndex: int(-100) });
export const CROSS_ENTROPY_OPTIONS = new LossOptions("cross_entropy",
  { weight: tensorOpt("weight"), ignoreIndex: int(-100), labelSmoothing: num(0) });

/** [N, C, K] view of a class-dim input plus the unreduced output shape. */
interface ClassLayout {
  N: number;
  C: number;
  K: number;
  outShape: number[];
  /** The output shape lined up against the input (1 at the class dim), for backward with gradOutput. */
  gShape: number[];
}

function probLayout(x: Tensor): ClassLayout {
  if (x.ndim === 1) return { N: 1, C: x.shape[0], K: 1, outShape: [], gShape: [1] };
  const [N, C, ...spatial] = x.shape;
  return { N, C, K: numelOf(spatial), outShape: [N, ...spatial], gShape: [N, 1, ...spatial] };
}

/** PyTorch's nll_loss_nd shape rules and messages. */
function indexLayout(x: Tensor, t: Tensor): ClassLayout {
  check(x.ndim >= 1, `Expected 1 or more dimensions (got ${x.ndim})`);
  const tBatch = t.ndim === 0 ? 0 : t.shape[0];
  check(x.ndim === 1 || x.shape[0] === tBatch, () => `Expected input batch_size (${x.shape[0]}) to match target batch_size (${tBatch}).`);
  if (x.ndim <= 2) {
    check(t.ndim <= 1, "0D or 1D target tensor expected, multi-target not supported");
    const noBatch = x.ndim === 1 && t.ndim === 0;
    check(noBatch || (x.ndim === 2 && x.shape[0] === t.shape[0]), () =>
      `size mismatch (got input: ${listStr(x.shape)}, target: ${listStr(t.shape)})`);
  } else if (x.ndim === 4) {
    check(t.ndim === 3, () => `only batches of spatial targets supported (3D tensors) but got targets of dimension: ${t.ndim}`);
    check(x.shape[0] === t.shape[0] && x.shape[2] === t.shape[1] && x.shape[3] === t.shape[2], () =>
      `size mismatch (got input: ${listStr(x.shape)} , target: ${listStr(t.shape)}`);
  } else {
    const expected = [x.shape[0], ...x.shape.slice(2)];
    check(sameShape(expected, t.shape), () => `Expected target size ${listStr(expected)}, got ${listStr(t.shape)}`);
  }
  return probLayout(x);
}

/** log_softmax over the class dim (1, or 0 for 1-D input) needs at least one dimension. */
function checkClassDim(x: Tensor): void {
  check(x.ndim >= 1, "Dimension specified as 1 but tensor has no dimensions");
}

function checkClassWeight(weight: Tensor | null, C: number, prefix: string): void {
  check(weight === null || (weight.ndim === 1 && weight.numel === C) || (weight.ndim === 0 && C === 1), () =>
    `${prefix}weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${listStr(weight!.shape)}`);
}

function checkIndexTarget(t: Tensor): void {
  check(t.dtype === "int64" || t.dtype === "int32", () => `expected scalar type Long but found ${torchTypeName(t.dtype)}`);
}

/** Copy the targets into wasm as i32 (−1 = ignored), with PyTorch's out-of-bounds error. */
function targetsIn(w: Wasm, t: Tensor, C: number, ignoreIndex: number): number {
  const src = tensorIn(w, t);
  const dst = w.allocFor(Int32Array, t.numel);
  const bad = t.dtype === "int64"
    ? w.k.targets_i64(src, dst, t.numel, C, ignoreIndex)
    : w.k.targets_i32(src, dst, t.numel, C, ignoreIndex);
  check(bad < 0, () => `Target ${String(t.data[bad])} is out of bounds.`);
  return dst;
}

interface IndexLossCall {
  x: Tensor;
  t: Tensor;
  weight: Tensor | null;
  ignoreIndex: number;
  reduction: Reduction;
  layout: ClassLayout;
  /** Runs the kernel on N batch rows; returns Σℓ. */
  kernel: (w: Wasm, d: FloatDType, N: number, x: number, t: number, wp: number, gscale: number, out: number, grad: number) => number;
  /** Puts the input into wasm memory given the prepared targets (K elements per batch row), instead of
   *  reading all of it block by block. */
  inputIn?: (w: Wasm, d: FloatDType, tp: number) => number;
}

/** The class-index path shared by NLL and CrossEntropy: targets prepared in wasm, the weighted-mean
 *  denominator, the kernel over blocks of batch rows. */
function runIndexLoss(c: IndexLossCall): Tensor {
  const { x, layout: L, reduction } = c;
  const d = x.dtype as FloatDType;
  const bytes = floatCtor(d).BYTES_PER_ELEMENT;
  return runCall(d, (w) => {
    const tp = targetsIn(w, c.t, L.C, c.ignoreIndex);
    const xLane = c.inputIn ? wasmLane(c.inputIn(w, d, tp), bytes, L.K) : operandLane(w, x, d, x.shape, L.C * L.K);
    const wp = c.weight ? operandIn(w, c.weight, d, c.weight.shape) : 0;
    return {
      units: L.N, align: L.C <= SHORT_ROW_CLASSES ? SHORT_ROW_ALIGN : 1, inputs: [xLane, wasmLane(tp, 4, L.K)],
      out: { perUnit: L.K, shape: L.outShape },
      reduction, meanOver: reduction === "mean" ? w.k[`weightTotal_${suffix(d)}`](tp, L.N * L.K, wp) : 1,
      grads: [{ t: x, perUnit: L.C * L.K, gShape: L.gShape }],
      kernel: (N, [xp, tb], [ob, gb], gscale) => c.kernel(w, d, N, xp, tb, wp, gscale, ob, gb),
    };
  });
}

// ---------------------------------------------------------------- NLL

/** `F.nll_loss` on log-probabilities: −w[t]·x[t], weighted mean over non-ignored targets. */
export function nllLoss(input: TensorLike, target: TensorLike, options: NLLOptions = {}): Tensor {
  const { weight, ignoreIndex } = NLL_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), t = toTensor(target, "target", true);
  const reduction = NLL_OPTIONS.reduction(options);
  const layout = indexLayout(x, t);
  check(isFloat(x.dtype), () => `"nll_loss" not implemented for '${torchTypeName(x.dtype)}'`);
  checkIndexTarget(t);
  checkClassWeight(weight, layout.C, "");
  // NLL reads one entry per position. With many classes the input is not copied whole into wasm
  // (N·C·K elements) but gathered through the validated targets (N·K reads): the one place a loss reads
  // elements in JS, because it replaces a copy C times larger. Resident inputs take the same path, so
  // that the blocks (and the bits of the sum) do not depend on where the input lives.
  const gathered = layout.C > GATHER_MIN_CLASSES;
  return runIndexLoss({
    x, t, weight, ignoreIndex, reduction, layout,
    inputIn: gathered ? (w, d, tp) => gatherTargets(w, x, d, tp, layout) : undefined,
    kernel: (w, d, N, xp, tp, wp, gscale, out, grad) =>
      w.k[`nll_${suffix(d)}`](N, layout.C, layout.K, xp, tp, wp, gscale, out, grad, gathered ? 1 : 0),
  });
}

/** Below this many classes copying the input is as cheap as gathering from it in JS. */
const GATHER_MIN_CLASSES = 16;

/** x[n, t[n,k], k] for every position (0 where ignored), copied into wasm memory. */
function gatherTargets(w: Wasm, x: Tensor, d: FloatDType, tp: number, L: ClassLayout): number {
  const P = L.N * L.K;
  const ptr = w.allocFor(floatCtor(d), P);
  const targets = w.view(Int32Array, tp, P), xs = x.data as FloatArray, dst = w.view(floatCtor(d), ptr, P);
  for (let n = 0, pos = 0; n < L.N; n++) {
    for (let k = 0; k < L.K; k++, pos++) {
      const tc = targets[pos];
      dst[pos] = tc < 0 ? 0 : xs[(n * L.C + tc) * L.K + k];
    }
  }
  return ptr;
}

// ---------------------------------------------------------------- CrossEntropy

/** `F.cross_entropy`: log-softmax + NLL with label smoothing, or soft (probability) targets. */
export function crossEntropy(input: TensorLike, target: TensorLike, options: CrossEntropyOptions = {}): Tensor {
  const { weight, ignoreIndex, labelSmoothing: eps } = CROSS_ENTROPY_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), t = toTensor(target, "target", true);
  const reduction = CROSS_ENTROPY_OPTIONS.reduction(options);
  check(isFloat(x.dtype), () => `"log_softmax_lastdim_kernel_impl" not implemented for '${torchTypeName(x.dtype)}'`);
  // Negative smoothing silently means none, as in PyTorch.
  const smoothing = eps > 0 ? eps : 0;

  if (sameShape(x.shape, t.shape)) {
    check(isFloat(t.dtype), () => `Expected floating point type for target with class probabilities, got ${torchTypeName(t.dtype)}`);
    check(ignoreIndex < 0, "ignore_index is not supported for floating point target");
    check(smoothing <= 1, () => `label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
    checkClassDim(x);
    const layout = probLayout(x);
    checkClassWeight(weight, layout.C, "cross_entropy: ");
    return crossEntropyProb(x, t, weight, smoothing, reduction, layout);
  }
  check(smoothing <= 1, () => `label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  checkClassDim(x);
  const layout = indexLayout(x, t);
  checkIndexTarget(t);
  checkClassWeight(weight, layout.C, "");
  return runIndexLoss({
    x, t, weight, ignoreIndex, reduction, layout,
    kernel: (w, d, N, xp, tp, wp, gscale, out, grad) =>
      w.k[`crossEntropyIndex_${suffix(d)}`](N, layout.C, layout.K, xp, tp, wp, smoothing, gscale, out, grad),
  });
}

function crossEntropyProb(x: Tensor, y: Tensor, weight: Tensor | null, eps: number, reduction: Reduction, L: ClassLayout): Tensor {
  const d: FloatDType = x.dtype === "float64" || y.dtype === "float64" ? "float64" : "float32";
  const row = L.C * L.K;
  return runCall(d, (w) => {
    const wp = weight ? operandIn(w, weight, d, weight.shape) : 0;
    return {
      units: L.N, inputs: [operandLane(w, x, d, x.shape, row), operandLane(w, y, d, y.shape, row)],
      out: { perUnit: L.K, shape: L.outShape },
      reduction, meanOver: L.N * L.K,
      grads: [{ t: x, perUnit: row, gShape: L.gShape }, { t: y, perUnit: row, gShape: L.gShape }],
      kernel: (N, [xp, yp], [ob, gxb, gyb], gscale) =>
        w.k[`crossEntropyProb_${suffix(d)}`](N, L.C, L.K, xp, yp, wp, eps, gscale, ob, gxb, gyb),
    };
  });
}
