// Resident tensors: data that lives in wasm memory, so every loss reads it (and writes a resident
// argument's gradient) with no copy. Lifetimes are explicit — `dispose()` (or `using`) frees the
// block — with a FinalizationRegistry as a safety net for tensors that are dropped undisposed.

import { check, NNLossError } from "./errors.js";
import { TypedArrayCtor, Wasm, wasm } from "./runtime.js";
import { DType, ResidentStorage, Tensor, TypedArray, arrayCtor, isFloat, numelOf } from "./tensor.js";

// Engines without FinalizationRegistry (e.g. workerd before 2025-09) simply rely on dispose().
const registry: Pick<FinalizationRegistry<Storage>, "register" | "unregister"> =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<Storage>((s) => s.free())
    : { register() {}, unregister: () => false };

class Storage implements ResidentStorage {
  private freed = false;
  private cache: TypedArray | null = null;

  constructor(readonly w: Wasm, readonly ptr: number, readonly length: number, readonly ctor: TypedArrayCtor,
              private readonly onFree?: () => void) {}

  view(): TypedArray {
    if (this.freed) throw new NNLossError("this tensor has been disposed");
    if (this.w !== wasm()) {
      throw new NNLossError("this tensor lives in the memory of an earlier init() with another build; create it again");
    }
    const buffer = this.w.k.memory.buffer;
    if (this.cache === null || this.cache.buffer !== buffer) this.cache = new this.ctor(buffer, this.ptr, this.length);
    return this.cache;
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.cache = null;
    registry.unregister(this);
    if (this.w === currentOrNull()) this.w.heap.free(this.ptr, this.length * this.ctor.BYTES_PER_ELEMENT);
    this.onFree?.();
  }
}

function currentOrNull(): Wasm | null {
  try {
    return wasm();
  } catch {
    return null;
  }
}

/** Wrap a block of `w` (already allocated, ownership passed in) as the storage of a new tensor;
 *  `onFree` runs when that block is freed. */
export function residentTensor(w: Wasm, ptr: number, shape: readonly number[], dtype: DType, requiresGrad = false,
                               onFree?: () => void): Tensor {
  const ctor = arrayCtor(dtype);
  const storage = new Storage(w, ptr, numelOf(shape), ctor, onFree);
  const t = new Tensor(storage.view(), shape, requiresGrad, storage);
  registry.register(t, storage, storage);
  return t;
}

export interface EmptyOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

function parseEmpty(shape: readonly number[], opts: DType | EmptyOptions | undefined): { dtype: DType; requiresGrad: boolean } {
  check(Array.isArray(shape) && shape.every((s) => Number.isInteger(s) && s >= 0),
    () => `shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  check(shape.length <= 32, "tensors may have at most 32 dimensions");
  const o = typeof opts === "string" ? { dtype: opts } : opts ?? {};
  const dtype = o.dtype ?? "float32";
  check(["float32", "float64", "int32", "int64"].includes(dtype), () => `unsupported dtype ${String(dtype)}`);
  check(!o.requiresGrad || isFloat(dtype), "Only Tensors of floating point and complex dtype can require gradients");
  return { dtype, requiresGrad: o.requiresGrad ?? false };
}

/**
 * A tensor whose data lives in wasm memory (contents unspecified, like torch.empty): every loss uses
 * it with no copy, and its gradient is resident too. Free it with `dispose()`.
 */
export function empty(shape: readonly number[], options?: DType | EmptyOptions): Tensor {
  const { dtype, requiresGrad } = parseEmpty(shape, options);
  const w = wasm();
  const ptr = w.heap.alloc(numelOf(shape) * arrayCtor(dtype).BYTES_PER_ELEMENT);
  return residentTensor(w, ptr, shape, dtype, requiresGrad);
}

/** Like `empty`, filled with zeros. */
export function zeros(shape: readonly number[], options?: DType | EmptyOptions): Tensor {
  const t = empty(shape, options);
  if (t.data instanceof BigInt64Array) t.data.fill(0n);
  else t.data.fill(0);
  return t;
}
