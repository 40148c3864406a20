// Activations that feed losses (assembly/activations.ts), as torch.nn.functional names them:
// logSoftmax and softmax over any dim — a row kernel over [outer, C, inner] whose backward runs its own
// kernel on the output the forward kept — and sigmoid and logSigmoid, elementwise ops on the driver
// whose local gradient runElementwise saves in the forward.

import { ActivationOp } from "../abi.js";
import { attachBackward } from "../autograd.js";
import { jsLane } from "../blocks.js";
import { runCall } from "../call.js";
import { runElementwise } from "../elementwise.js";
import { NNLossError, check } from "../errors.js";
import { operandLane, suffix } from "../operands.js";
import { checkOptionKeys } from "../options.js";
import {
  DType, FloatArray, FloatDType, Tensor, TensorLike, arrayCtor, isFloat, isTypedArray, numelOf, toTensor, torchTypeName, wrapDim,
} from "../tensor.js";

export interface SoftmaxOptions {
  /** The dim the values are normalized over (negative counts from the end). Omitted or null: PyTorch's
   *  legacy implicit choice, dim 0 for 0-, 1- and 3-d inputs, else 1. */
  dim?: number | null;
  /** Cast the input to this dtype first, as PyTorch's `dtype` argument (the gradient is cast back). */
  dtype?: DType | null;
}

const DTYPES: readonly unknown[] = ["float32", "float64", "int32", "int64"];

/** `torch.nn.functional._get_softmax_dim`: the dim an omitted `dim` stands for. */
export function implicitSoftmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** Python's name for the type of a JS value passed where PyTorch wants an int or a dtype. */
function pyType(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "str";
  if (v === null || v === undefined) return "NoneType";
  if (Array.isArray(v) || isTypedArray(v)) return "list";
  if (v instanceof Tensor) return "Tensor";
  return typeof v === "object" ? "dict" : typeof v;
}

/** The wrapped dim of a (log_)softmax call, with the errors of PyTorch's argument parser and dim wrapping. */
function softmaxDim(fname: string, dim: unknown, dtype: unknown, ndim: number): number {
  if (dim === undefined || dim === null) dim = implicitSoftmaxDim(ndim);
  if (typeof dim === "bigint") dim = Number(dim);
  if (typeof dim === "string") {
    throw new NNLossError(`Name '${dim}' not found in Tensor[${new Array(ndim).fill("None").join(", ")}].`);
  }
  const dimOk = typeof dim === "number" && Number.isInteger(dim);
  const dtypeOk = dtype === undefined || dtype === null || DTYPES.includes(dtype);
  if (!dimOk || !dtypeOk) {
    const dimT = pyType(dim);
    let got = dimT, why = "";
    if (dtype !== undefined && dtype !== null) {
      const dtT = dtypeOk ? "torch.dtype" : pyType(dtype);
      got += `, dtype=${dtT}`;
      why = `      didn't match because some of the arguments have invalid types: (${dimOk ? dimT : `!${dimT}!`}, ${dtypeOk ? `dtype=${dtT}` : `!dtype=${dtT}!`})\n`;
    }
    throw new NNLossError(`${fname}() received an invalid combination of arguments - got (${got}), but expected one of:\n` +
      ` * (int dim, torch.dtype dtype)\n${why} * (name dim, *, torch.dtype dtype)\n`);
  }
  return wrapDim(dim, ndim);
}

/** The options argument of logSoftmax / softmax: an object, or the dim itself as PyTorch's positional argument. */
function softmaxOptions(fname: string, options: SoftmaxOptions | number | null | undefined): SoftmaxOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) return { dim: options as number };
  checkOptionKeys(options, ["dim", "dtype"], fname);
  return options;
}

/** log_softmax (log) or softmax of `input`: checks, then the row kernel and its backward. */
function softmaxCall(log: boolean, input: TensorLike, options: SoftmaxOptions | number | null | undefined): Tensor {
  const fname = log ? "log_softmax" : "softmax";
  const { dim, dtype } = softmaxOptions(fname, options);
  const x = toTensor(input, "input");
  const d = softmaxDim(fname, dim, dtype, x.ndim);
  const cd = (dtype ?? x.dtype) as DType;
  if (!isFloat(cd)) {
    // PyTorch launches no kernel on an empty tensor, so it returns one of the integer dtype
    if (x.numel === 0) return new Tensor(new (arrayCtor(cd))(0), x.shape);
    const kernel = d === x.ndim - 1 || x.ndim === 0 ? `${fname}_lastdim_kernel_impl` : "softmax_kernel_impl";
    throw new NNLossError(`"${kernel}" not implemented for '${torchTypeName(cd)}'`);
  }
  return softmaxRows(x, cd, d, log);
}

/** The row kernel over [outer, C, inner] (C = the size of dim d), then the autograd node. */
function softmaxRows(x: Tensor, dt: FloatDType, d: number, log: boolean): Tensor {
  const shape = x.shape;
  const outer = numelOf(shape.slice(0, d)), C = x.ndim === 0 ? 1 : shape[d], inner = numelOf(shape.slice(d + 1));
  const row = C * inner, sfx = suffix(dt), flag = log ? 1 : 0;
  const y = runCall(dt, (w) => ({
    units: outer, inputs: [operandLane(w, x, dt, shape, row)],
    // resident in, resident out: a chain of ops on resident tensors stays in wasm memory
    out: { perUnit: row, shape, resident: x.resident }, reduction: "none", meanOver: 1, grads: [],
    kernel: (count, [xp], [yp]) => {
      w.k[`softmax_${sfx}`](count, C, inner, xp, yp, flag);
      return 0;
    },
  }));
  // the backward reads the output where it lives (a resident one in place, or in JS memory once the
  // resident budget has moved it there); disposing it first makes backward() an error
  return attachBackward(y, [x], (g) => [runCall(dt, (w) => ({
    units: outer, inputs: [operandLane(w, y, dt, shape, row), jsLane(g, row)],
    out: { perUnit: row, shape }, reduction: "none", meanOver: 1, grads: [],
    kernel: (count, [yp, gp], [gxp]) => {
      w.k[`softmaxBackward_${sfx}`](count, C, inner, yp, gp, gxp, flag);
      return 0;
    },
  })).data as FloatArray]);
}

/** `F.log_softmax(input, dim)`: x − max − log Σ exp(x − max) along `dim`. `options` may be the dim itself. */
export function logSoftmax(input: TensorLike, options?: SoftmaxOptions | number | null): Tensor {
  return softmaxCall(true, input, options);
}

/** `F.softmax(input, dim)`: exp(x − max) / Σ exp(x − max) along `dim`. `options` may be the dim itself. */
export function softmax(input: TensorLike, options?: SoftmaxOptions | number | null): Tensor {
  return softmaxCall(false, input, options);
}

/** `torch.sigmoid`: 1 / (1 + e^−x), computed without overflow. An integer input gives a float32 result, as in PyTorch. */
export function sigmoid(input: TensorLike, options?: Record<string, never>): Tensor {
  checkOptionKeys(options, [], "sigmoid");
  const x = toTensor(input, "input");
  const dtype: FloatDType = isFloat(x.dtype) ? x.dtype : "float32";
  return runElementwise({
    family: "activations", op: ActivationOp.SIGMOID, operands: [{ t: x, grad: true }], reduction: "none", shape: x.shape, dtype,
    residentResult: true,
  });
}

/** `F.logsigmoid`: log σ(x) = min(x, 0) − log1p(e^−|x|), exact far from 0 (logsigmoid(−1e4) = −1e4). */
export function logSigmoid(input: TensorLike, options?: Record<string, never>): Tensor {
  checkOptionKeys(options, [], "log_sigmoid");
  const x = toTensor(input, "input");
  check(isFloat(x.dtype), () => `"log_sigmoid_cpu" not implemented for '${torchTypeName(x.dtype)}'`);
  return runElementwise({
    family: "activations", op: ActivationOp.LOG_SIGMOID, operands: [{ t: x, grad: true }], reduction: "none",
    shape: x.shape, dtype: x.dtype as FloatDType, residentResult: true,
  });
}
