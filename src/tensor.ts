// Tensor: a typed array with a shape, a dtype and (for floating tensors) autograd state.
// Also the conversions from the argument forms the public API accepts, and shape utilities.

import { GradNode, runBackward } from "./autograd.js";
import { NNLossError, check } from "./errors.js";
import type { TypedArray } from "./runtime.js";

export type FloatDType = "float32" | "float64";
export type IntDType = "int32" | "int64";
export type DType = FloatDType | IntDType;
export type FloatArray = Float32Array | Float64Array;
export type { TypedArray };

/** What every loss argument accepts. */
export type TensorLike = Tensor | { data: TypedArray | ArrayLike<number>; shape?: readonly number[] } | TypedArray | readonly number[];

export interface TensorOptions {
  requiresGrad?: boolean;
  dtype?: DType;
}

/** Where a resident tensor's elements live in wasm memory (see resident.ts). */
export interface ResidentStorage {
  readonly ptr: number;
  readonly length: number;
  /** A view on the elements, re-taken when wasm memory has grown; throws once disposed. */
  view(): TypedArray;
  free(): void;
}

export class Tensor {
  private _data: TypedArray | null;
  readonly shape: number[];
  readonly dtype: DType;
  requiresGrad: boolean;
  grad: Tensor | null = null;
  /** @internal The autograd node of the call that made this tensor (null for leaves). */
  _gradFn: GradNode | null = null;
  /** @internal Set for tensors whose data lives in wasm memory (`empty`, `zeros`). */
  _storage: ResidentStorage | null = null;
  private _disposed = false;

  constructor(data: TypedArray, shape: readonly number[], requiresGrad = false, storage: ResidentStorage | null = null) {
    this._data = storage ? null : data;
    this._storage = storage;
    this.shape = [...shape];
    this.dtype = dtypeOf(data);
    check(!requiresGrad || isFloat(this.dtype), "Only Tensors of floating point and complex dtype can require gradients");
    this.requiresGrad = requiresGrad;
  }

  /** The elements, row-major. For a resident tensor this is a view on wasm memory: use it right away
   *  rather than keeping it across nnloss calls (a call may grow the memory and detach old views). */
  get data(): TypedArray {
    if (this._disposed) throw new NNLossError("this tensor has been disposed");
    return this._storage ? this._storage.view() : this._data!;
  }

  set data(value: TypedArray) {
    check(!this._disposed, "this tensor has been disposed");
    check(isTypedArray(value) && dtypeOf(value) === this.dtype && value.length === numelOf(this.shape),
      "data must be a typed array of the same dtype and length");
    if (this._storage) this._storage.view().set(value as never);
    else this._data = value;
  }

  /** True when the data lives in wasm memory, so losses read it with no copy. */
  get resident(): boolean { return this._storage !== null; }

  /** Release the tensor's storage (wasm memory for a resident tensor); any later use is an error.
   *  Its `.grad`, if any, is a tensor of its own: dispose it separately (or keep it). */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._storage?.free();
    this._data = null;
  }

  /** @internal Move a resident tensor's elements into a JS array and free its wasm memory (the
   *  resident budget spilling a result the library made). */
  _moveToJs(): void {
    if (this._storage === null || this._disposed) return;
    const copy = this._storage.view().slice();
    this._storage.free();
    this._storage = null;
    this._data = copy;
  }

  /** `using t = nnloss.empty(...)` support. */
  [(Symbol as { dispose?: symbol }).dispose ?? Symbol.for("Symbol.dispose")](): void {
    this.dispose();
  }

  get ndim(): number { return this.shape.length; }
  get numel(): number { return numelOf(this.shape); }

  /** The value of a one-element tensor as a JS number. */
  item(): number {
    check(this.data.length === 1, `a Tensor with ${this.data.length} elements cannot be converted to Scalar`);
    return Number(this.data[0]);
  }

  /**
   * Backpropagate from this result through every nnloss call that led to it, into each leaf created
   * with `requiresGrad: true`, accumulating into their `.grad`. `gradOutput` is required for
   * non-scalar results, as in PyTorch. Like PyTorch, what the graph saved is freed by the call unless
   * `retainGraph` is set.
   */
  backward(gradOutput?: TensorLike | number, options: { retainGraph?: boolean } = {}): void {
    if (this._gradFn === null) {
      throw new NNLossError("element 0 of tensors does not require grad and does not have a grad_fn");
    }
    let g: Tensor | null = null;
    if (gradOutput === undefined || gradOutput === null) {
      check(this.numel === 1, "grad can be implicitly created only for scalar outputs");
    } else {
      // A number or a bare typed array carries no shape: it is read at the result's shape.
      const shapeless = typeof gradOutput === "number" || isTypedArray(gradOutput) || Array.isArray(gradOutput);
      g = typeof gradOutput === "number"
        ? new Tensor(this.dtype === "float64" ? new Float64Array([gradOutput]) : new Float32Array([gradOutput]), [])
        : toTensor(gradOutput, "gradOutput");
      check(isFloat(g.dtype), "backward: gradOutput must be a floating point tensor");
      if (shapeless && g.numel === this.numel) g = new Tensor(g.data, this.shape);
      check(g.numel === this.numel && g.ndim === this.ndim, () =>
        `Mismatch in shape: grad_output[0] has a shape of ${sizeStr(g!.shape)} and output[0] has a shape of ${sizeStr(this.shape)}.`);
    }
    runBackward(this, g, options.retainGraph === true);
  }

  /** A tensor sharing this one's data (and storage) with no autograd history. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false, this._storage);
  }
}

/** Create a tensor. Typed arrays fix the dtype; plain number arrays are float32 unless `dtype` says else. */
export function tensor(data: TypedArray | ArrayLike<number> | number, shape?: readonly number[], options: TensorOptions = {}): Tensor {
  if (typeof data === "number") {
    return tensor([data], shape ?? [], options);
  }
  check(typeof options === "object" && options !== null, "tensor(): options must be an object");
  check(options.dtype === undefined || DTYPES.includes(options.dtype), () => `unsupported dtype ${String(options.dtype)}`);
  let arr: TypedArray;
  if (isTypedArray(data)) {
    checkAttached(data, "tensor(): data");
    arr = options.dtype && options.dtype !== dtypeOf(data) ? convert(data, options.dtype) : data;
  } else {
    check(data != null && typeof (data as ArrayLike<number>).length === "number", "tensor(): data must be a typed array or an array of numbers");
    arr = fromNumbers(data as ArrayLike<number>, options.dtype ?? "float32");
  }
  const shp = shape ?? [arr.length];
  checkShape(shp, arr.length);
  return new Tensor(arr, shp, options.requiresGrad ?? false);
}

/**
 * Normalize any accepted argument form to a Tensor, without copying the data.
 * `indexTarget`: a plain JS number array where class indices are expected becomes int64, as
 * `torch.tensor([1, 0, 2])` would be.
 */
export function toTensor(arg: unknown, name: string, indexTarget = false): Tensor {
  if (arg instanceof Tensor) {
    // a tensor over a buffer that was transferred (or shrunk) since: its data no longer has numel elements
    check(arg.data.length === arg.numel, () => `${name}: the tensor's data has ${arg.data.length} elements but its shape ` +
      `${listStr(arg.shape)} needs ${arg.numel}: its ArrayBuffer was detached (transferred) or resized`);
    return arg;
  }
  if (isTypedArray(arg)) {
    checkAttached(arg, name);
    return new Tensor(arg, [arg.length]);
  }
  if (Array.isArray(arg)) {
    return new Tensor(fromNumbers(arg, indexTarget && arg.every(Number.isInteger) ? "int64" : "float32"), [arg.length]);
  }
  if (typeof arg === "object" && arg !== null && "data" in arg) {
    const { data, shape } = arg as { data: unknown; shape?: readonly number[] };
    const arr = isTypedArray(data)
      ? data
      : Array.isArray(data)
        ? fromNumbers(data, indexTarget && data.every(Number.isInteger) ? "int64" : "float32")
        : null;
    check(arr !== null, `${name} must be a Tensor, a typed array or { data, shape }`);
    checkAttached(arr, name);
    const shp = shape ?? [arr.length];
    checkShape(shp, arr.length);
    return new Tensor(arr, shp);
  }
  throw new NNLossError(`${name} must be a Tensor, a typed array or { data, shape }, got ${arg === null ? "null" : typeof arg}`);
}

// ---------------------------------------------------------------- dtypes

export function isFloat(d: DType): d is FloatDType {
  return d === "float32" || d === "float64";
}

export function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof BigInt64Array) return "int64";
  throw new NNLossError("unsupported array type: use Float32Array, Float64Array, Int32Array or BigInt64Array");
}

/** A typed array whose ArrayBuffer was transferred or otherwise detached reads as empty: reject it
 *  rather than compute on zero elements. */
function checkAttached(a: TypedArray, name: string): void {
  if (a.byteLength === 0 && isDetached(a.buffer)) {
    throw new NNLossError(`${name} is a typed array whose ArrayBuffer was detached (transferred or released): its elements are gone`);
  }
}

function isDetached(b: ArrayBufferLike): boolean {
  const flag = (b as { detached?: unknown }).detached;
  if (typeof flag === "boolean") return flag;
  try {
    new Uint8Array(b); // throws on a detached buffer in engines without ArrayBuffer.prototype.detached
    return false;
  } catch {
    return true;
  }
}

export function isTypedArray(a: unknown): a is TypedArray {
  return a instanceof Float32Array || a instanceof Float64Array || a instanceof Int32Array || a instanceof BigInt64Array;
}

/** PyTorch's name for a dtype in messages ("Float", "Double", "Int", "Long"). */
export function torchTypeName(d: DType): string {
  return { float32: "Float", float64: "Double", int32: "Int", int64: "Long" }[d];
}

export function arrayCtor(d: DType) {
  return { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array }[d];
}

/** Convert to another dtype (a copy). */
export function convert(a: TypedArray, to: DType): TypedArray {
  if (dtypeOf(a) === to) return a;
  if (to === "int64") return BigInt64Array.from(a as ArrayLike<number | bigint>, (v) => BigInt(Math.trunc(Number(v))));
  const out = new (arrayCtor(to) as Float32ArrayConstructor)(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Number(a[i]);
  return out;
}

const DTYPES: readonly string[] = ["float32", "float64", "int32", "int64"];

/** A typed array of `dtype` from plain numbers (int64 also takes bigints); anything else is an error. */
function fromNumbers(data: ArrayLike<unknown>, dtype: DType): TypedArray {
  const n = data.length;
  check(Number.isSafeInteger(n) && n >= 0, () => `data must have a valid length, got ${String(n)}`);
  let out: TypedArray;
  try {
    out = new (arrayCtor(dtype))(n);
  } catch {
    throw new NNLossError(`out of memory: cannot allocate a ${dtype} array of ${n} elements`);
  }
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (dtype === "int64") {
      check(typeof v === "bigint" || Number.isInteger(v), () => `int64 data must be integers, got ${String(v)} at index ${i}`);
      out[i] = BigInt(v as number | bigint);
    } else {
      check(typeof v === "number", () => `data must be numbers, got ${typeof v} at index ${i}`);
      out[i] = v;
    }
  }
  return out;
}

/** The dtype floating operands compute in: float64 if any is float64, else float32. */
export function promoteFloat(...ts: Tensor[]): FloatDType {
  return ts.some((t) => t.dtype === "float64") ? "float64" : "float32";
}

/** t's data as a float array of dtype `d` (no copy when it already is). */
export function floatData(t: Tensor, d: FloatDType): FloatArray {
  return convert(t.data, d) as FloatArray;
}

// ---------------------------------------------------------------- shapes

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** PyTorch's `torch.Size([2, 3])` rendering. */
export function sizeStr(shape: readonly number[]): string {
  return `torch.Size([${shape.join(", ")}])`;
}

/** PyTorch's `[2, 3]` rendering of sizes in ATen messages. */
export function listStr(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function checkShape(shape: readonly number[], length: number): void {
  check(Array.isArray(shape) && shape.every((s) => Number.isInteger(s) && s >= 0),
    () => `shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  check(shape.length <= 32, "tensors may have at most 32 dimensions");
  check(numelOf(shape) === length, () => `shape '${listStr(shape)}' is invalid for input of size ${length}`);
}

/** A dim argument as PyTorch wraps it: −ndim ≤ dim < ndim (a 0-d tensor takes −1 and 0), negative dims
 *  counted from the end; PyTorch's message otherwise. */
export function wrapDim(dim: unknown, ndim: number): number {
  check(typeof dim === "number" && Number.isInteger(dim), () => `dim must be an integer, got ${String(dim)}`);
  const rank = Math.max(ndim, 1);
  check(dim >= -rank && dim < rank, () => `Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${dim})`);
  return dim < 0 ? dim + rank : dim;
}

/** Broadcast shapes as torch.broadcast_tensors does, with its error message. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  let out: number[] = [];
  for (const s of shapes) {
    const a = out, b = s;
    const nd = Math.max(a.length, b.length);
    const next = new Array<number>(nd);
    for (let i = nd - 1; i >= 0; i--) {
      const off = nd - 1 - i;
      const sa = a.length - 1 - off >= 0 ? a[a.length - 1 - off] : 1;
      const sb = b.length - 1 - off >= 0 ? b[b.length - 1 - off] : 1;
      check(sa === sb || sa === 1 || sb === 1,
        () => `The size of tensor a (${sa}) must match the size of tensor b (${sb}) at non-singleton dimension ${i}`);
      next[i] = sa === 1 ? sb : sa;
    }
    out = next;
  }
  return out;
}

/** Element strides of `shape` read as `target` (right-aligned; 0 along broadcast dims). */
export function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const strides = new Array<number>(target.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const ti = target.length - shape.length + i;
    strides[ti] = shape[i] === 1 && target[ti] !== 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}
