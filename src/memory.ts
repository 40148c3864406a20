// memoryStats(): where the wasm memory is, for leak checks and monitoring.

import { residentBudget } from "./budget.js";
import { wasm } from "./runtime.js";

/**
 * WebAssembly memory in use: `wasmBytes` reserved by the module (grows, never shrinks), `arenaBytes` of
 * per-call scratch (0 between calls), `residentBytes` held by resident tensors (`empty`, `zeros` and
 * their gradients) until they are disposed, and `savedBytes` held under the resident budget (src/budget.ts):
 * the gradients that results of resident tensors keep for `backward()`, and the results of ops on resident
 * tensors not yet disposed (bounded: see "Tensors, arguments and gradients" in the README).
 */
export function memoryStats(): { wasmBytes: number; arenaBytes: number; residentBytes: number; savedBytes: number } {
  const w = wasm();
  const savedBytes = residentBudget.bytes;
  return { wasmBytes: w.memoryBytes, arenaBytes: w.arenaBytes, residentBytes: w.heap.inUse - w.arenaBytes - savedBytes, savedBytes };
}
