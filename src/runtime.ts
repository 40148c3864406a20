// The wasm runtime: instantiates one of the builds (SIMD, scalar, or the opt-in relaxed SIMD) from a WasmSource, owns the
// module's memory as a stack-like arena, and copies typed arrays in and out. Where the wasm bytes come
// from (inlined in the bundle, or raw .wasm files) is the entry point's business: see wasm-inline.ts.

import { NNLossError } from "./errors.js";
import { Heap } from "./heap.js";
import type { Kernels } from "./kernels.js";

type Ptr = number;

export type TypedArray = Float32Array | Float64Array | Int32Array | BigInt64Array;
export type TypedArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | BigInt64ArrayConstructor;

/** The wasm builds: relaxed SIMD (opt-in, `nnloss/relaxed`), SIMD, scalar. */
export type Build = "relaxed-simd" | "simd" | "scalar";

/**
 * The loaded module and its memory. Loss calls allocate *scratch* blocks inside a `mark()`/`release()`
 * scope (see `withArena`), so nested calls (a user distance function calling nnloss) are safe and
 * nothing leaks; resident tensors (`empty`, `zeros`) allocate blocks that live until `dispose()`.
 * Views are taken fresh from `memory.buffer` after allocating, because growing the memory detaches
 * the old buffer.
 */
export class Wasm {
  readonly k: Kernels;
  readonly build: Build;
  readonly heap: Heap;
  /** Live scratch blocks as flat [ptr, bytes] pairs, innermost scope last. */
  private scratch: number[] = [];
  private scratchBytes = 0;

  constructor(k: Kernels, build: Build) {
    this.k = k;
    this.build = build;
    this.heap = new Heap(k.memory, k.heapBase());
  }

  mark(): number { return this.scratch.length; }

  release(mark: number): void {
    while (this.scratch.length > mark) {
      const bytes = this.scratch.pop()!, ptr = this.scratch.pop()!;
      this.heap.free(ptr, bytes);
      this.scratchBytes -= bytes;
    }
  }

  /** Bytes of scratch memory allocated right now (0 between calls). */
  get arenaBytes(): number { return this.scratchBytes; }

  /** Bytes of wasm memory currently reserved by the module (grows, never shrinks). */
  get memoryBytes(): number { return this.k.memory.buffer.byteLength; }

  /** A scratch block, freed when the enclosing scope is released. */
  alloc(bytes: number): Ptr {
    const ptr = this.heap.alloc(bytes);
    this.scratch.push(ptr, bytes);
    this.scratchBytes += bytes;
    return ptr;
  }

  /** Take a scratch block out of its scope: it now lives until `heap.free` (resident storage). */
  keep(ptr: Ptr): void {
    for (let i = this.scratch.length - 2; i >= 0; i -= 2) {
      if (this.scratch[i] === ptr) {
        this.scratchBytes -= this.scratch[i + 1];
        this.scratch.splice(i, 2);
        return;
      }
    }
    throw new NNLossError("internal error: keep() of a block that is not scratch");
  }

  /** Allocate room for n elements of the given array type. */
  allocFor(ctor: TypedArrayCtor, n: number): Ptr {
    return this.alloc(n * ctor.BYTES_PER_ELEMENT);
  }

  /** Copy a typed array into fresh scratch memory. `a` may itself be a view on wasm memory (a resident
   *  tensor's data): it is re-taken after the allocation, which may have grown and detached it. */
  copyIn(a: TypedArray): Ptr {
    const ctor = a.constructor as TypedArrayCtor;
    const inWasm = a.buffer === this.k.memory.buffer;
    const offset = a.byteOffset, n = a.length;
    const ptr = this.alloc(a.byteLength);
    this.view(ctor, ptr, n).set((inWasm ? this.view(ctor, offset, n) : a) as never);
    return ptr;
  }

  /** Copy n elements at ptr out into a new JS-owned typed array. */
  copyOut<C extends TypedArrayCtor>(ctor: C, ptr: Ptr, n: number): InstanceType<C> {
    const a = uninitialized(ctor, n);
    a.set(this.view(ctor, ptr, n) as never);
    return a;
  }

  /** A view on wasm memory: valid only until the next allocation. */
  view<C extends TypedArrayCtor>(ctor: C, ptr: Ptr, n: number): InstanceType<C> {
    return new ctor(this.k.memory.buffer, ptr, n) as InstanceType<C>;
  }

  /** Copy an i32 list (shapes, strides) into scratch memory. */
  ints(values: readonly number[]): Ptr {
    const ptr = this.alloc(values.length * 4);
    this.view(Int32Array, ptr, values.length).set(values);
    return ptr;
  }
}

/** Below this size a zeroed array costs next to nothing. */
const UNINITIALIZED_MIN_BYTES = 64 << 10;
const nodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow?: (n: number) => Uint8Array } }).Buffer;

/**
 * A new JS-owned typed array of n elements that the caller overwrites completely (outputs, gradients).
 * A zeroed array of many MB costs its page faults on every call (a fresh 16 MB one: ~4 ms more than
 * reused memory, measured), so where Node's `Buffer.allocUnsafeSlow` exists the array gets its own
 * unzeroed ArrayBuffer from the C heap, which reuses freed memory; elsewhere it is a plain array.
 */
export function uninitialized<C extends TypedArrayCtor>(ctor: C, n: number): InstanceType<C> {
  const bytes = n * ctor.BYTES_PER_ELEMENT;
  if (bytes >= UNINITIALIZED_MIN_BYTES && typeof nodeBuffer?.allocUnsafeSlow === "function") {
    const b = nodeBuffer.allocUnsafeSlow(bytes);
    if (b.byteOffset === 0 && b.buffer.byteLength === bytes) return new ctor(b.buffer as ArrayBuffer, 0, n) as InstanceType<C>;
  }
  return new ctor(n) as InstanceType<C>;
}

// ---------------------------------------------------------------- init

export interface InitOptions {
  /** `true` forces the SIMD build (throws if the engine lacks SIMD), `false` forces the scalar build,
   *  `"auto"` picks SIMD when the engine validates it. `"relaxed"` (the default of the `nnloss/relaxed`
   *  entry, which alone ships that build) picks the relaxed-SIMD build when the engine validates it, and
   *  otherwise goes on as `"auto"`. The default entry's default is `"auto"`. */
  simd?: boolean | "auto" | "relaxed";
}

/** Where the wasm builds come from. */
export interface WasmSource {
  /** Does this engine support the SIMD build? */
  simdSupported(): boolean;
  /** Does this source have the relaxed-SIMD build, and does the engine validate it? */
  relaxedSupported?(): boolean;
  /** The compiled module of one build. */
  module(build: Build): Promise<WebAssembly.Module>;
}

let current: Wasm | null = null;
let pending: Promise<void> | null = null;
let pendingBuild: Build | null = null;

/** The build an init choice resolves to on this engine, or an error message. */
function chooseBuild(source: WasmSource, want: unknown): Build | string {
  if (want !== "auto" && want !== true && want !== false && want !== "relaxed") {
    return `init: simd must be true, false, "auto" or "relaxed", got ${String(want)}`;
  }
  if (want === "relaxed") {
    if (!source.relaxedSupported) return 'init: the relaxed-SIMD build ships in the "nnloss/relaxed" entry; import that one to use it';
    if (source.relaxedSupported()) return "relaxed-simd";
  }
  if (want === false) return "scalar";
  if (want === true && !source.simdSupported()) return "init: this engine does not support WebAssembly SIMD; use init({ simd: false })";
  return source.simdSupported() ? "simd" : "scalar";
}

/**
 * Load the wasm kernels from `source`. Idempotent: repeated calls return the same promise. Passing a
 * different choice than the loaded one re-instantiates with that build (handy for tests). `fallback` is
 * the entry's default choice.
 */
export function initWith(source: WasmSource, options: InitOptions = {}, fallback: InitOptions["simd"] = "auto"): Promise<void> {
  const build = chooseBuild(source, options.simd ?? fallback);
  if (build !== "relaxed-simd" && build !== "simd" && build !== "scalar") return Promise.reject(new NNLossError(build));
  if (pending && pendingBuild === build) return pending;
  pendingBuild = build;
  pending = (async () => {
    const instance = await WebAssembly.instantiate(await source.module(build), {
      env: {
        abort(): never {
          throw new NNLossError("internal error: a kernel aborted");
        },
      },
    });
    current = new Wasm(instance.exports as unknown as Kernels, build);
  })();
  pending.catch(() => {
    pending = null;
    pendingBuild = null;
  });
  return pending;
}

/** The loaded runtime; throws a clear error if `init()` has not completed. */
export function wasm(): Wasm {
  if (current === null) throw new NNLossError("nnloss is not initialised: call `await init()` before computing a loss");
  return current;
}

/** Which build is loaded: "simd", "scalar", "relaxed-simd" (only through `nnloss/relaxed`), or null
 *  before init. */
export function backend(): Build | null {
  return current === null ? null : current.build;
}

/**
 * Run `body` with an arena scope: everything it allocates is released afterwards, even on error.
 * A wasm trap (which would mean a kernel bug) surfaces as an NNLossError, never as a RuntimeError.
 */
export function withArena<R>(body: (w: Wasm) => R): R {
  const w = wasm();
  const mark = w.mark();
  try {
    return body(w);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) throw new NNLossError(`internal error in a wasm kernel: ${e.message}`);
    throw e;
  } finally {
    w.release(mark);
  }
}
