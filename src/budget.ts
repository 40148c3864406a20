// The budget of wasm memory held by blocks the library made for the user but cannot see released:
// the local gradients that results of resident tensors keep for backward(). JS cannot tell when a
// result is dropped, so a loop of forward-only calls would otherwise keep every block until a
// finalizer ran, which a synchronous loop never lets happen. While the blocks under the budget exceed
// it (bytes or count), the oldest (never the newest) are spilled: each entry's `spill` moves its data
// into JS memory, exactly, where the garbage collector reclaims it. Training loops (forward, then
// backward) hold one block at a time and never spill.

import { alignUp } from "./heap.js";
import { Wasm, wasm } from "./runtime.js";

class ResidentBudget {
  /** Insertion-ordered: the first entry is the oldest. */
  private entries = new Map<object, { bytes: number; spill: () => void }>();
  private total = 0;
  /** The module whose memory the entries are in: after an init() with another build they are void. */
  private instance: Wasm | null = null;

  constructor(private readonly maxBytes: number, private readonly maxCount: number) {}

  /** Wasm bytes held by the blocks under the budget right now (as the heap counts them). */
  get bytes(): number { return this.instance === wasm() ? this.total : 0; }

  /** Put a block of `bytes` under the budget; `spill` releases it from wasm memory when it is the oldest
   *  one past the budget. */
  add(key: object, bytes: number, spill: () => void): void {
    if (this.instance !== wasm()) {
      this.instance = wasm();
      this.entries.clear();
      this.total = 0;
    }
    const size = alignUp(Math.max(bytes, 16));
    this.entries.set(key, { bytes: size, spill });
    this.total += size;
    while ((this.total > this.maxBytes || this.entries.size > this.maxCount) && this.entries.size > 1) {
      const [oldest, e] = this.entries.entries().next().value!;
      this.forget(oldest);
      e.spill();
    }
  }

  /** The block left the budget: handed on to the user (a gradient), freed, or spilled. */
  forget(key: object): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    this.total -= e.bytes;
  }
}

/** 64 MiB or 256 blocks, beyond the newest one. */
export const residentBudget = new ResidentBudget(64 << 20, 256);
