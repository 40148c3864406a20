// A first-fit allocator over the wasm linear memory, kept entirely on the JS side (the kernels never
// allocate). It serves both per-call scratch memory (freed when the call returns) and resident tensor
// storage (freed by `dispose()`), so the two can interleave freely. Freed blocks coalesce with their
// neighbours; when nothing fits, memory grows and the new space joins the free list.

import { NNLossError } from "./errors.js";

const PAGE = 65536;
const MAX_PAGES = 65536; // wasm32: 4 GiB
export const ALIGN = 16;

export function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

export class Heap {
  /** Free segments as sorted, non-adjacent [start, end) pairs. */
  private starts: number[] = [];
  private ends: number[] = [];
  private used = 0;

  constructor(private readonly memory: WebAssembly.Memory, base: number) {
    const start = alignUp(base), end = memory.buffer.byteLength;
    if (end > start) this.addFree(start, end);
  }

  /** Bytes currently allocated. */
  get inUse(): number { return this.used; }

  /** A 16-byte-aligned block of at least `bytes` (≥ 16, so every block has a distinct non-zero address). */
  alloc(bytes: number): number {
    const size = alignUp(Math.max(bytes, ALIGN));
    let i = this.starts.findIndex((s, j) => this.ends[j] - s >= size);
    if (i < 0) i = this.grow(size);
    const ptr = this.starts[i];
    if (this.ends[i] - ptr === size) {
      this.starts.splice(i, 1);
      this.ends.splice(i, 1);
    } else {
      this.starts[i] = ptr + size;
    }
    this.used += size;
    return ptr;
  }

  /** Return a block from `alloc(bytes)`. */
  free(ptr: number, bytes: number): void {
    const size = alignUp(Math.max(bytes, ALIGN));
    this.used -= size;
    this.addFree(ptr, ptr + size);
  }

  private addFree(start: number, end: number): void {
    // insertion point: first segment starting after `start`
    let i = 0;
    while (i < this.starts.length && this.starts[i] < start) i++;
    const joinsPrev = i > 0 && this.ends[i - 1] === start;
    const joinsNext = i < this.starts.length && this.starts[i] === end;
    if (joinsPrev && joinsNext) {
      this.ends[i - 1] = this.ends[i];
      this.starts.splice(i, 1);
      this.ends.splice(i, 1);
    } else if (joinsPrev) {
      this.ends[i - 1] = end;
    } else if (joinsNext) {
      this.starts[i] = start;
    } else {
      this.starts.splice(i, 0, start);
      this.ends.splice(i, 0, end);
    }
  }

  /** Grow memory so that a block of `size` fits at the end; returns the index of that free segment. */
  private grow(size: number): number {
    const have = this.memory.buffer.byteLength;
    const last = this.starts.length - 1;
    const tailFree = last >= 0 && this.ends[last] === have ? have - this.starts[last] : 0;
    const pages = Math.ceil((size - tailFree) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) throw outOfMemory(size);
    try {
      this.memory.grow(pages);
    } catch {
      throw outOfMemory(size);
    }
    this.addFree(have, this.memory.buffer.byteLength);
    return this.starts.length - 1;
  }
}

function outOfMemory(bytes: number): NNLossError {
  return new NNLossError(
    `out of memory: cannot allocate ${bytes} bytes of WebAssembly memory (wasm32 memory is limited to ` +
      `4 GiB, and the engine may allow less)`,
  );
}
