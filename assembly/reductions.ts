// sum / mean / amax / amin of the middle dim of a contiguous [outer, len, inner] layout: src/ops/reductions.ts
// merges the reduced dims into `len` when they are adjacent (ignoring size-1 dims), and otherwise first
// gathers them to the end (tensorops.ts's strided expand, inner = 1). Rows (inner = 1) are summed by the
// elementwise driver's forward sum of the identity, so they accumulate exactly as the losses do (f64,
// SIMD lanes flushed every FLUSH_BLOCK); columns (inner > 1) are folded row by row, in order, into f64
// sums or T extrema. Op ids: src/abi.ts (ReductionOp).

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

/** Rows (inner = 1): each contiguous row of `len` elements at src is reduced to one result. */
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

/** Columns (inner > 1): the `len` rows of `inner` elements at p fold into the `inner` results at dst,
 *  reading memory in order. `acc` is f64 scratch for `inner` sums or counts. */
function reduceColumns<T>(op: i32, len: i32, inner: i32, p: usize, dst: usize, local: usize, acc: usize): void {
  const sh = shiftOf<T>();
  if (op == ReductionOp.SUM || op == ReductionOp.MEAN) {
    memory.fill(acc, 0, <usize>inner << 3);
    for (let r = 0; r < len; r++) {
      const row = p + ((<usize>r * <usize>inner) << sh);
      for (let k = 0; k < inner; k++) st<f64>(acc, k, ld<f64>(acc, k) + <f64>ld<T>(row, k));
    }
    for (let k = 0; k < inner; k++) st<T>(dst, k, <T>(op == ReductionOp.MEAN ? ld<f64>(acc, k) / <f64>len : ld<f64>(acc, k)));
    return;
  }
  memory.copy(dst, p, <usize>inner << sh);
  for (let r = 1; r < len; r++) {
    const row = p + ((<usize>r * <usize>inner) << sh);
    if (op == ReductionOp.AMAX) pickInto<T, Max>(dst, row, inner);
    else pickInto<T, Min>(dst, row, inner);
  }
  if (!local) return;
  // mask/count as `spread`, per column: count the matches, then write them
  memory.fill(acc, 0, <usize>inner << 3);
  for (let r = 0; r < len; r++) {
    const row = p + ((<usize>r * <usize>inner) << sh);
    for (let k = 0; k < inner; k++) st<f64>(acc, k, ld<f64>(acc, k) + f64(ld<T>(row, k) == ld<T>(dst, k)));
  }
  for (let r = 0; r < len; r++) {
    const o = (<usize>r * <usize>inner) << sh;
    for (let k = 0; k < inner; k++) {
      st<T>(local + o, k, (ld<T>(p + o, k) == ld<T>(dst, k) ? <T>1 : <T>0) / <T>ld<f64>(acc, k));
    }
  }
}

/** dst[k] = pick(dst[k], row[k]) for k < n. */
function pickInto<T, OP>(dst: usize, row: usize, n: i32): void {
  const op = changetype<OP>(0);
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const L = lanesOf<T>();
    for (; k + L <= n; k += L) {
      const o = <usize>k << shiftOf<T>();
      v128.store(dst + o, op.pickV<T>(v128.load(dst + o), v128.load(row + o)));
    }
  }
  for (; k < n; k++) st<T>(dst, k, op.pick<T>(ld<T>(dst, k), ld<T>(row, k)));
}

/** Reduces the middle dim of the contiguous [outer, len, inner] layout into out [outer, inner]; for
 *  AMAX/AMIN a non-zero `local` (at src's layout) receives mask/count. `acc`: f64 scratch of `inner`
 *  elements (unused when inner = 1). */
function reduce<T>(op: i32, outer: i32, len: i32, inner: i32, src: usize, out: usize, local: usize, acc: usize): void {
  if (inner == 1) {
    reduceRows<T>(op, outer, len, src, out, local);
    return;
  }
  const block = (<usize>len * <usize>inner) << shiftOf<T>();
  for (let o = 0; o < outer; o++) {
    reduceColumns<T>(op, len, inner, src + <usize>o * block, out + ((<usize>o * <usize>inner) << shiftOf<T>()),
      local ? local + <usize>o * block : 0, acc);
  }
}

export function reduce_f32(op: i32, outer: i32, len: i32, inner: i32, src: usize, out: usize, local: usize, acc: usize): void {
  reduce<f32>(op, outer, len, inner, src, out, local, acc);
}
export function reduce_f64(op: i32, outer: i32, len: i32, inner: i32, src: usize, out: usize, local: usize, acc: usize): void {
  reduce<f64>(op, outer, len, inner, src, out, local, acc);
}
