// sum, mean, amax, amin over any set of dims, as torch names them: `(x, { dim, keepdim })` with dim a
// number, a list of numbers (reduced together) or omitted (every dim, a 0-d result; PyTorch 1.13 reads
// an empty list the same way). assembly/reductions.ts reduces the middle dim of [outer, len, inner]:
// adjacent reduced dims are read in place, others are first gathered to the end with the strided
// expand kernel.
//
// Gradients: sum and mean need nothing from the forward (the upstream gradient broadcast back, × 1/n
// for mean); amax and amin save mask/count per element, so the gradient is shared evenly by every
// element equal to the extremum, across all reduced dims at once, as PyTorch's amax documents.

import { ReductionOp } from "../abi.js";
import { attachBackward, attachGrad, needsGrad } from "../autograd.js";
import { NNLossError, check } from "../errors.js";
import { checkOptionKeys, boolOption } from "../options.js";
import { arrayIn, floatCtor, operandIn, readOut, suffix } from "../operands.js";
import { Wasm, withArena } from "../runtime.js";
import { FloatDType, Tensor, TensorLike, isFloat, numelOf, toTensor, torchTypeName, wrapDim } from "../tensor.js";
import { floatResult } from "./arithmetic.js";

export interface ReductionDimOptions {
  /** The dim or dims to reduce (negative ones count from the end); omitted, null or []: all of them. */
  dim?: number | readonly number[] | null;
  /** Keep each reduced dim as size 1. Default false. */
  keepdim?: boolean;
}

type Name = "sum" | "mean" | "amax" | "amin";
const OPS: Record<Name, ReductionOp> = {
  sum: ReductionOp.SUM, mean: ReductionOp.MEAN, amax: ReductionOp.AMAX, amin: ReductionOp.AMIN,
};

/** `torch.sum(input, dim, keepdim)`. */
export function sum(input: TensorLike, options: ReductionDimOptions = {}): Tensor {
  return reduce("sum", input, options);
}

/** `torch.mean(input, dim, keepdim)` (floating inputs only, as in PyTorch). */
export function mean(input: TensorLike, options: ReductionDimOptions = {}): Tensor {
  return reduce("mean", input, options);
}

/** `torch.amax(input, dim, keepdim)`: NaN if a reduced slice has one; the gradient is shared evenly
 *  by the elements equal to the maximum. */
export function amax(input: TensorLike, options: ReductionDimOptions = {}): Tensor {
  return reduce("amax", input, options);
}

/** `torch.amin(input, dim, keepdim)`, as amax. */
export function amin(input: TensorLike, options: ReductionDimOptions = {}): Tensor {
  return reduce("amin", input, options);
}

/** The wrapped dims to reduce, in the order given (all of them when none are). */
function reducedDims(dim: unknown, ndim: number): { dims: number[]; all: boolean } {
  if (dim === undefined || dim === null || (Array.isArray(dim) && dim.length === 0)) {
    return { dims: Array.from({ length: ndim }, (_, i) => i), all: true };
  }
  check(typeof dim === "number" || Array.isArray(dim), () => `dim must be a number or an array of numbers, got ${typeof dim}`);
  const dims: number[] = [];
  for (const d of typeof dim === "number" ? [dim] : dim as unknown[]) {
    const w = wrapDim(d, ndim);
    check(!dims.includes(w), () => `dim ${w} appears multiple times in the list of dims`);
    dims.push(w);
  }
  // a 0-d tensor takes dim 0 / -1, which reduce nothing
  return { dims: ndim === 0 ? [] : dims, all: false };
}

function reduce(fname: Name, input: TensorLike, options: ReductionDimOptions): Tensor {
  checkOptionKeys(options, ["dim", "keepdim"], fname);
  const x = toTensor(input, "input");
  const { dims, all } = reducedDims(options.dim, x.ndim);
  const keepdim = boolOption(options.keepdim, "keepdim", false);
  if (fname === "mean") {
    check(isFloat(x.dtype), () => "mean(): could not infer output dtype. Input dtype must be either a floating point or " +
      `complex dtype. Got: ${torchTypeName(x.dtype)}`);
  }
  const d = floatResult(fname, x.dtype);
  const op = OPS[fname];
  if (op === ReductionOp.AMAX || op === ReductionOp.AMIN) {
    if (all) {
      check(x.numel > 0, () => `${fname}(): Expected reduction dim to be specified for input.numel() == 0. Specify the ` +
        "reduction dim with the 'dim' argument.");
    }
    for (const dm of dims) {
      if (x.shape[dm] === 0) throw new NNLossError(`${fname}(): Expected reduction dim ${dm} to have non-zero size.`);
    }
  }

  const shape = x.shape;
  const reduced = shape.map((_, i) => dims.includes(i));
  const kept = shape.map((_, i) => i).filter((i) => !reduced[i]);
  const len = numelOf(dims.map((i) => shape[i]));
  const keepShape = shape.map((s, i) => (reduced[i] ? 1 : s));
  const outShape = keepdim ? keepShape : kept.map((i) => shape[i]);
  // [outer, len, inner] in place when the reduced dims are adjacent once size-1 dims are left out; else
  // the reduced dims are gathered to the end first: [kept..., reduced...], inner = 1
  const moving = shape.map((_, i) => i).filter((i) => shape[i] !== 1);
  const run = moving.filter((i) => reduced[i]);
  const adjacent = run.length === 0 || moving.indexOf(run[run.length - 1]) - moving.indexOf(run[0]) === run.length - 1;
  const before = (i: number) => !adjacent || run.length === 0 || i < run[0];
  const outer = numelOf(kept.filter(before).map((i) => shape[i]));
  const inner = numelOf(kept.filter((i) => !before(i)).map((i) => shape[i]));
  const order = [...kept, ...dims.slice().sort((p, q) => p - q)];
  const wantsLocal = (op === ReductionOp.AMAX || op === ReductionOp.AMIN) && needsGrad(x);
  const ctor = floatCtor(d), sfx = suffix(d);

  return withArena((w) => {
    let src = operandIn(w, x, d, shape);
    if (!adjacent) src = gather(w, d, src, order.map((i) => shape[i]), order.map((i) => contiguousStrides(shape)[i]));
    const rows = outer * inner;
    const out = w.allocFor(ctor, rows);
    const local = wantsLocal ? w.allocFor(ctor, x.numel) : 0;
    const acc = inner > 1 ? w.alloc(inner * 8) : 0;
    w.k[`reduce_${sfx}`](op, outer, len, inner, src, out, local, acc);
    const result = new Tensor(readOut(w, d, out, rows), outShape);
    if (op === ReductionOp.SUM || op === ReductionOp.MEAN) {
      const scale = op === ReductionOp.MEAN ? 1 / len : 1;
      return attachBackward(result, [x], (g) => [broadcastBack(g, keepShape, shape, scale)]);
    }
    if (!wantsLocal) return result;
    // mask/count back from the gathered order to x's: the inverse permutation, as another gather
    const rowStrides = contiguousStrides(order.map((i) => shape[i]));
    const back = adjacent ? local : gather(w, d, local, shape, shape.map((_, i) => rowStrides[order.indexOf(i)]));
    return attachGrad(result, [{ input: x, local: readOut(w, d, back, x.numel), localShape: shape, gShape: keepShape }]);
  });
}

function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** A dense copy, at `shape`, of the elements at `src` read with element `strides`. */
function gather(w: Wasm, d: FloatDType, src: number, shape: readonly number[], strides: readonly number[]): number {
  const dst = w.allocFor(floatCtor(d), numelOf(shape));
  w.k[`expand_${suffix(d)}`](src, dst, shape.length, w.ints(shape), w.ints(strides));
  return dst;
}

/** The upstream gradient of a sum / mean (at `keepShape`) broadcast back to the input's shape, × scale. */
function broadcastBack(g: Float32Array | Float64Array, keepShape: readonly number[], shape: readonly number[], scale: number) {
  const d: FloatDType = g instanceof Float64Array ? "float64" : "float32";
  return withArena((w) => {
    const p = arrayIn(w, g, keepShape, shape);
    const n = numelOf(shape);
    if (scale !== 1) w.k[`scale_${suffix(d)}`](p, scale, n);
    return readOut(w, d, p, n);
  });
}
