// sum / mean / amax / amin over contiguous rows: src/ops/reductions.ts first brings the reduced dims
// to the end (tensorops.ts's strided expand), so every reduction is one over rows of `len` elements.
// Sums are the elementwise driver's forward sum of the identity, so they accumulate exactly as the
// losses do (f64, SIMD lanes flushed every FLUSH_BLOCK). Op ids: src/abi.ts (ReductionOp).

import { ld, st, shiftOf, lanesOf } from "./math";
import { run } from "./driver";
import { ReductionOp } from "../src/abi";

/** The identity as a driver op: run<T, Value> with no outputs returns Σ a. */
class Value {
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return a; }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>1; }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossV<T>(a: v128, b: v128): v128 { return a; }
  @inline daV<T>(a: v128, b: v128): v128 { return v128.splat<T>(<T>1); }
  @inline dbV<T>(a: v128, b: v128): v128 { return v128.splat<T>(<T>0); }
}

// The larger / smaller of two, NaN-propagating (wasm's max/min, as torch.amax/amin propagate NaN).
class Max {
  @inline pick<T>(a: T, b: T): T { return max<T>(a, b); }
  @inline pickV<T>(a: v128, b: v128): v128 { return v128.max<T>(a, b); }
}
class Min {
  @inline pick<T>(a: T, b: T): T { return min<T>(a, b); }
  @inline pickV<T>(a: v128, b: v128): v128 { return v128.min<T>(a, b); }
}

/** The extremum of len ≥ 1 elements at p. */
function extreme<T, OP>(p: usize, len: i32): T {
  const op = changetype<OP>(0);
  let m = ld<T>(p, 0);
  let i = 1;
  if (ASC_FEATURE_SIMD) {
    const L = lanesOf<T>();
    if (len >= 2 * L) {
      let acc = v128.load(p);
      for (i = L; i + L <= len; i += L) acc = op.pickV<T>(acc, v128.load(p + (<usize>i << shiftOf<T>())));
      if (sizeof<T>() == 4) {
        m = op.pick<T>(op.pick<T>(<T>f32x4.extract_lane(acc, 0), <T>f32x4.extract_lane(acc, 1)),
                       op.pick<T>(<T>f32x4.extract_lane(acc, 2), <T>f32x4.extract_lane(acc, 3)));
      } else {
        m = op.pick<T>(<T>f64x2.extract_lane(acc, 0), <T>f64x2.extract_lane(acc, 1));
      }
    }
  }
  for (; i < len; i++) m = op.pick<T>(m, ld<T>(p, i));
  return m;
}

/** local = (x == m) / count(x == m) over the row: the gradient of amax/amin for an upstream 1, spread
 *  evenly over tied extrema (PyTorch's amax backward). A NaN extremum matches nothing: 0/0 = NaN, as
 *  PyTorch's grad / count · mask gives for that row. */
function spread<T>(p: usize, len: i32, m: T, local: usize): void {
  let count = 0;
  for (let i = 0; i < len; i++) count += i32(ld<T>(p, i) == m);
  const c = <T>count;
  for (let i = 0; i < len; i++) st<T>(local, i, (ld<T>(p, i) == m ? <T>1 : <T>0) / c);
}

function reduceRows<T>(op: i32, rows: i32, len: i32, src: usize, out: usize, local: usize): void {
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * <usize>len) << shiftOf<T>();
    const p = src + off;
    if (op == ReductionOp.SUM || op == ReductionOp.MEAN) {
      const s = run<T, Value>(len, p, p, 0, 0, 0, 0, 0, 0, 0, 0, 0);
      st<T>(out, r, <T>(op == ReductionOp.MEAN ? s / <f64>len : s));
      continue;
    }
    const m = op == ReductionOp.AMAX ? extreme<T, Max>(p, len) : extreme<T, Min>(p, len);
    st<T>(out, r, m);
    if (local) spread<T>(p, len, m, local + off);
  }
}

export function reduceRows_f32(op: i32, rows: i32, len: i32, src: usize, out: usize, local: usize): void {
  reduceRows<f32>(op, rows, len, src, out, local);
}
export function reduceRows_f64(op: i32, rows: i32, len: i32, src: usize, out: usize, local: usize): void {
  reduceRows<f64>(op, rows, len, src, out, local);
}
