// Tensor arithmetic named as torch names it (add, sub, mul, div, neg, abs, pow, exp, log): enough to
// write the documented loss recipes, not a tensor library. Each op is one elementwise op of
// assembly/arithmetic.ts run by runElementwise, whose saved local derivatives give every gradient
// (summed down broadcast dims by backward()). A number operand is passed to the kernel as p0.
//
// Result dtypes follow PyTorch's type promotion (result_type, aten/src/ATen/native/TypeProperties.cpp):
// dimensioned tensors, then 0-d tensors, then numbers, each tier counting only when it is of a higher
// category (integer < floating) than the tiers before it; a float number counts as float32 (the
// default dtype), an integral one as int64 (a JS number is integral when Number.isInteger says so). nnloss
// computes in floating point only, so an op whose PyTorch result would be an integer tensor (int + int,
// neg of an int tensor, ...) is an NNLossError instead; div is true division, whose result is floating.

import { ArithmeticOp } from "../abi.js";
import { runElementwise } from "../elementwise.js";
import { NNLossError, check } from "../errors.js";
import {
  DType, FloatDType, Tensor, TensorLike, broadcastShapes, isFloat, tensor, toTensor, torchTypeName,
} from "../tensor.js";

/** A tensor argument, or a number on either side of add / sub / mul / div. */
export type TensorOrNumber = TensorLike | number;

type Operand = Tensor | number;

// ---------------------------------------------------------------- type promotion

const ORDER: readonly DType[] = ["int32", "int64", "float32", "float64"];

function promote(a: DType | null, b: DType): DType {
  return a === null || ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a;
}

/** TypeProperties.cpp's combine_categories: the lower-priority tier counts only when it is floating and
 *  the higher is not. */
function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null || isFloat(higher)) return higher;
  return isFloat(lower) ? promote(higher, lower) : higher;
}

/** PyTorch's result dtype of an op on these operands. */
export function resultType(operands: readonly Operand[]): DType {
  let dim: DType | null = null, zero: DType | null = null, wrapped: DType | null = null;
  for (const o of operands) {
    if (typeof o === "number") wrapped = promote(wrapped, Number.isInteger(o) ? "int64" : "float32");
    else if (o.ndim === 0) zero = promote(zero, o.dtype);
    else dim = promote(dim, o.dtype);
  }
  return combine(dim, combine(zero, wrapped))!;
}

/** The op's result dtype as a compute dtype, or nnloss's error for an integer result. */
export function floatResult(fname: string, dtype: DType): FloatDType {
  if (isFloat(dtype)) return dtype;
  throw new NNLossError(`${fname}(): the result would be an integer tensor (${torchTypeName(dtype)}), and nnloss ` +
    "computes in floating point only: convert an operand to float32 or float64 first");
}

function operand(v: unknown, name: string): Operand {
  return typeof v === "number" ? v : toTensor(v, name);
}

// ---------------------------------------------------------------- binary ops

type Binary = "add" | "sub" | "mul" | "div";

/** Op ids for tensor ∘ tensor, tensor ∘ number and number ∘ tensor, and the p0 a number becomes. */
const BINARY: Record<Binary, { tt: ArithmeticOp; tn: ArithmeticOp; nt: ArithmeticOp; tnP0: (s: number) => number }> = {
  add: { tt: ArithmeticOp.ADD, tn: ArithmeticOp.ADD_SCALAR, nt: ArithmeticOp.ADD_SCALAR, tnP0: (s) => s },
  sub: { tt: ArithmeticOp.SUB, tn: ArithmeticOp.ADD_SCALAR, nt: ArithmeticOp.RSUB_SCALAR, tnP0: (s) => -s },
  mul: { tt: ArithmeticOp.MUL, tn: ArithmeticOp.MUL_SCALAR, nt: ArithmeticOp.MUL_SCALAR, tnP0: (s) => s },
  div: { tt: ArithmeticOp.DIV, tn: ArithmeticOp.DIV_SCALAR, nt: ArithmeticOp.RDIV_SCALAR, tnP0: (s) => s },
};

function binary(fname: Binary, input: TensorOrNumber, other: TensorOrNumber): Tensor {
  let a = operand(input, "input");
  const b = operand(other, "other");
  let dt = resultType([a, b]);
  if (fname === "div" && !isFloat(dt)) dt = "float32"; // true division
  const d = floatResult(fname, dt);
  if (typeof a === "number" && typeof b === "number") a = tensor(d === "float64" ? new Float64Array([a]) : new Float32Array([a]), []);
  const ids = BINARY[fname];
  if (typeof b === "number") return elementwise(ids.tn, d, a as Tensor, null, ids.tnP0(b));
  if (typeof a === "number") return elementwise(ids.nt, d, b, null, a);
  return elementwise(ids.tt, d, a, b);
}

/** One arithmetic op over the broadcast shape of its tensor operands, reduction "none"; resident when
 *  an operand is, so that a chain of ops on resident tensors stays in wasm memory. */
function elementwise(op: ArithmeticOp, d: FloatDType, a: Tensor, b: Tensor | null, p0 = 0, p1 = 0): Tensor {
  return runElementwise({
    family: "arithmetic", op, p0, p1, reduction: "none", dtype: d, residentResult: true,
    operands: [{ t: a, grad: true }, ...(b ? [{ t: b, grad: true }] : [])],
    shape: b ? broadcastShapes(a.shape, b.shape) : a.shape,
  });
}

/** `torch.add(input, other)`: input + other, broadcasting; either may be a number. */
export function add(input: TensorOrNumber, other: TensorOrNumber): Tensor {
  return binary("add", input, other);
}

/** `torch.sub(input, other)`: input − other, broadcasting; either may be a number. */
export function sub(input: TensorOrNumber, other: TensorOrNumber): Tensor {
  return binary("sub", input, other);
}

/** `torch.mul(input, other)`: input · other, broadcasting; either may be a number. */
export function mul(input: TensorOrNumber, other: TensorOrNumber): Tensor {
  return binary("mul", input, other);
}

/** `torch.div(input, other)`: true division input / other, broadcasting; either may be a number.
 *  Integer operands give a float32 result, as in PyTorch. */
export function div(input: TensorOrNumber, other: TensorOrNumber): Tensor {
  return binary("div", input, other);
}

// ---------------------------------------------------------------- unary ops

/** An op of one tensor: an integral input stays integral (neg, abs: an error here) or becomes float32 (exp, log). */
function unary(fname: string, op: ArithmeticOp, input: TensorLike, integralStays: boolean): Tensor {
  const x = toTensor(input, "input");
  const d = integralStays || isFloat(x.dtype) ? floatResult(fname, x.dtype) : "float32";
  return elementwise(op, d, x, null);
}

/** `torch.neg(input)`: −input. */
export function neg(input: TensorLike): Tensor {
  return unary("neg", ArithmeticOp.NEG, input, true);
}

/** `torch.abs(input)`: |input|, with gradient sign(input) (0 at 0, as PyTorch). */
export function abs(input: TensorLike): Tensor {
  return unary("abs", ArithmeticOp.ABS, input, true);
}

/** `torch.exp(input)`. */
export function exp(input: TensorLike): Tensor {
  return unary("exp", ArithmeticOp.EXP, input, false);
}

/** `torch.log(input)`: −inf at 0 and NaN below it; the gradient 1/input (inf at 0). */
export function log(input: TensorLike): Tensor {
  return unary("log", ArithmeticOp.LOG, input, false);
}

/** `torch.pow(input, exponent)` for a number exponent; exponent 0 gives 1 and gradient 0 everywhere,
 *  as PyTorch's pow_backward. */
export function pow(input: TensorLike, exponent: number): Tensor {
  const x = toTensor(input, "input");
  check(typeof exponent === "number", () => `pow(): exponent must be a number, got ${exponent === null ? "null" : typeof exponent}`);
  const d = floatResult("pow", resultType([x, exponent]));
  // the derivative's exponent in f64, as pow_backward computes exponent − 1 before the kernel rounds it
  return elementwise(ArithmeticOp.POW, d, x, null, exponent, exponent - 1);
}
