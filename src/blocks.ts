// Blocked execution: how a loss call runs its kernel over its operands.
//
// Copying a whole JS operand into wasm memory, letting the kernel read it back and copying its output
// out again costs three trips through main memory per array. Instead the work is cut into blocks of
// units (elements, or rows of a row kernel) small enough to stay in cache: each block's slice of every
// JS operand is copied into a small scratch buffer, the kernel runs on that block, and each per-unit
// output is copied straight from its scratch buffer into its JS array. Operands already in wasm memory
// (resident tensors, broadcast expansions, prepared targets) are simply read at the block's offset.
//
// Block sizes depend only on the call's shapes (every per-unit lane counts, wherever it lives) and are
// multiples of the caller's `align` units (16 elements; 16 rows for the short-row CE path, which groups
// rows four at a time), so a call gives bitwise the same answer whether its tensors are resident or not.

import { Wasm } from "./runtime.js";
import { FloatArray } from "./tensor.js";

type Ptr = number;
type BlockArray = FloatArray | Int32Array;

/** A per-unit operand or output of `perUnit` elements of `bytes` each: a JS array (`js`), or wasm
 *  memory at `ptr` (ptr 0 = absent: passed as 0 to every block). */
export interface Lane {
  js: BlockArray | null;
  ptr: Ptr;
  bytes: number;
  perUnit: number;
}

/** Bytes of per-unit data (inputs and outputs together) one block touches: well inside L2. */
const BLOCK_BYTES = 128 << 10;

export const jsLane = (js: BlockArray, perUnit = 1): Lane => ({ js, ptr: 0, bytes: js.BYTES_PER_ELEMENT, perUnit });
export const wasmLane = (ptr: Ptr, bytes: number, perUnit = 1): Lane => ({ js: null, ptr, bytes, perUnit });

/**
 * Run `kernel(count, inPtrs, outPtrs)` over `units` units in blocks; returns the sum of its results.
 * Inputs are copied in before each block, outputs copied out after it; blocks are multiples of `align`
 * units. Allocates its scratch buffers in the caller's arena scope.
 */
export function runBlocks(w: Wasm, units: number, align: number, inputs: Lane[], outputs: Lane[],
                          kernel: (count: number, ins: Ptr[], outs: Ptr[]) => number): number {
  const lanes = [...inputs, ...outputs];
  let unitBytes = 0;
  for (const l of lanes) if (l.js || l.ptr) unitBytes += l.perUnit * l.bytes;
  let block = units;
  if (unitBytes * units > BLOCK_BYTES) {
    block = Math.min(units, Math.max(align, Math.floor(BLOCK_BYTES / unitBytes / align) * align));
  }
  // Scratch for every JS lane, allocated before any view is taken (an allocation may grow the memory
  // and detach earlier views); nothing allocates inside the loop, so the views stay valid.
  const scratchPtr = lanes.map((l) => (l.js ? w.alloc(Math.max(1, block * l.perUnit) * l.bytes) : 0));
  const scratch = lanes.map((l, i) => (l.js ? w.view(l.js.constructor as never, scratchPtr[i], block * l.perUnit) as BlockArray : null));

  let total = 0;
  const ptrs: Ptr[] = lanes.map(() => 0);
  const ins = ptrs.slice(0, inputs.length), outs = ptrs.slice(inputs.length);
  for (let u0 = 0; u0 < units; u0 += block) {
    const count = Math.min(block, units - u0);
    lanes.forEach((l, i) => {
      const p = l.js ? scratchPtr[i] : l.ptr === 0 ? 0 : l.ptr + u0 * l.perUnit * l.bytes;
      if (i < inputs.length) {
        ins[i] = p;
        if (l.js) scratch[i]!.set(l.js.subarray(u0 * l.perUnit, (u0 + count) * l.perUnit) as never);
      } else outs[i - inputs.length] = p;
    });
    total += kernel(count, ins, outs);
    outputs.forEach((l, j) => {
      const buf = scratch[inputs.length + j];
      if (l.js) l.js.set(buf!.subarray(0, count * l.perUnit) as never, u0 * l.perUnit);
    });
  }
  return total;
}
