// Generic tensor plumbing used by every loss: broadcast expansion, reduction of a gradient back to a
// broadcast operand's shape, the small vector ops autograd needs (multiply, accumulate, scale), an
// accurate total, and range checks. Shapes arrive as i32 arrays in wasm memory: `shape` is the dense (output) shape,
// `strides` the element strides of the other side, 0 along broadcast dimensions.

import { ld, st, shiftOf, lanesOf, hsum, FLUSH_BLOCK } from "./math";

const MAX_RANK: i32 = 32;
// Odometer counters for the strided walks (rank ≤ MAX_RANK, checked in TS).
const counters = memory.data(MAX_RANK * 4);

/** dst (dense, `shape`) = src read with `strides` (0 = broadcast). */
function expand<T>(src: usize, dst: usize, rank: i32, shape: usize, strides: usize): void {
  if (!beginWalk(rank, shape)) return;
  if (rank == 0) { st<T>(dst, 0, ld<T>(src, 0)); return; }
  const inner = load<i32>(shape + (<usize>(rank - 1) << 2));
  const innerStride = load<i32>(strides + (<usize>(rank - 1) << 2));
  let out: usize = 0;
  let off: i32 = 0;
  while (true) {
    const s = src + (<usize>off << shiftOf<T>());
    const o = dst + (out << shiftOf<T>());
    if (innerStride == 1) {
      memory.copy(o, s, <usize>inner << shiftOf<T>());
    } else {
      for (let i = 0; i < inner; i++) st<T>(o, i, load<T>(s + (<usize>(i * innerStride) << shiftOf<T>())));
    }
    out += inner;
    if (!advance(rank - 1, shape, strides, off)) break;
    off = lastOffset;
  }
}

/** Reset the odometer for a walk over `shape`; false when the shape is empty (nothing to walk). */
function beginWalk(rank: i32, shape: usize): bool {
  for (let d = 0; d < rank; d++) {
    if (load<i32>(shape + (<usize>d << 2)) == 0) return false;
    store<i32>(counters + (<usize>d << 2), 0);
  }
  return true;
}

// Result slot of `advance` (AssemblyScript has no multiple returns).
let lastOffset: i32 = 0;

/** Step the odometer over dimensions [0, upTo) (the innermost is walked by the caller).
 *  Returns false when the walk is complete; the new source offset is left in `lastOffset`. */
function advance(upTo: i32, shape: usize, strides: usize, off: i32): bool {
  for (let d = upTo - 1; d >= 0; d--) {
    const c = counters + (<usize>d << 2);
    const n = load<i32>(shape + (<usize>d << 2));
    const s = load<i32>(strides + (<usize>d << 2));
    const v = load<i32>(c) + 1;
    if (v < n) { store<i32>(c, v); lastOffset = off + s; return true; }
    store<i32>(c, 0);
    off -= (n - 1) * s;
  }
  return false;
}

/** dst (`strides`, zeroed here) = sum of dense src (`shape`) over the dimensions where strides is 0. */
function sumTo<T>(src: usize, dst: usize, dstLen: i32, rank: i32, shape: usize, strides: usize): void {
  memory.fill(dst, 0, <usize>dstLen << shiftOf<T>());
  if (!beginWalk(rank, shape)) return;
  if (rank == 0) { st<T>(dst, 0, ld<T>(src, 0)); return; }
  const inner = load<i32>(shape + (<usize>(rank - 1) << 2));
  const innerStride = load<i32>(strides + (<usize>(rank - 1) << 2));
  let pos: usize = 0;
  let off: i32 = 0;
  while (true) {
    const o = dst + (<usize>off << shiftOf<T>());
    if (innerStride == 0) {
      let acc: f64 = 0;
      for (let i = 0; i < inner; i++) acc += <f64>ld<T>(src, pos + i);
      st<T>(o, 0, <T>(<f64>ld<T>(o, 0) + acc));
    } else {
      for (let i = 0; i < inner; i++) {
        const p = o + (<usize>(i * innerStride) << shiftOf<T>());
        store<T>(p, load<T>(p) + ld<T>(src, pos + i));
      }
    }
    pos += inner;
    if (!advance(rank - 1, shape, strides, off)) break;
    off = lastOffset;
  }
}

/** a[i] *= b[i] */
function mulInPlace<T>(a: usize, b: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const L = lanesOf<T>();
    for (; i + L <= n; i += L) {
      const p = a + (<usize>i << shiftOf<T>());
      v128.store(p, v128.mul<T>(v128.load(p), v128.load(b + (<usize>i << shiftOf<T>()))));
    }
  }
  for (; i < n; i++) st<T>(a, i, ld<T>(a, i) * ld<T>(b, i));
}

/** dst[i] += alpha * src[i] */
function axpy<T>(dst: usize, src: usize, alpha: f64, n: i32): void {
  const a = <T>alpha;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const L = lanesOf<T>();
    const va = v128.splat<T>(a);
    for (; i + L <= n; i += L) {
      const p = dst + (<usize>i << shiftOf<T>());
      v128.store(p, v128.add<T>(v128.load(p), v128.mul<T>(va, v128.load(src + (<usize>i << shiftOf<T>())))));
    }
  }
  for (; i < n; i++) st<T>(dst, i, ld<T>(dst, i) + a * ld<T>(src, i));
}

/** a[i] *= alpha */
function scale<T>(a: usize, alpha: f64, n: i32): void {
  const s = <T>alpha;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const L = lanesOf<T>();
    const vs = v128.splat<T>(s);
    for (; i + L <= n; i += L) {
      const p = a + (<usize>i << shiftOf<T>());
      v128.store(p, v128.mul<T>(v128.load(p), vs));
    }
  }
  for (; i < n; i++) st<T>(a, i, ld<T>(a, i) * s);
}

/** Σ of n elements, accumulated in f64 (vector partial sums flushed every FLUSH_BLOCK elements). */
function total<T>(p: usize, n: i32): f64 {
  let sum: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const L = lanesOf<T>();
    while (i + L <= n) {
      const end = min(n, i + FLUSH_BLOCK);
      let acc = v128.splat<T>(<T>0);
      for (; i + L <= end; i += L) acc = v128.add<T>(acc, v128.load(p + (<usize>i << shiftOf<T>())));
      sum += hsum<T>(acc);
    }
  }
  for (; i < n; i++) sum += <f64>ld<T>(p, i);
  return sum;
}

export function expand_f32(src: usize, dst: usize, rank: i32, shape: usize, strides: usize): void { expand<f32>(src, dst, rank, shape, strides); }
export function expand_f64(src: usize, dst: usize, rank: i32, shape: usize, strides: usize): void { expand<f64>(src, dst, rank, shape, strides); }
export function sumTo_f32(src: usize, dst: usize, dstLen: i32, rank: i32, shape: usize, strides: usize): void { sumTo<f32>(src, dst, dstLen, rank, shape, strides); }
export function sumTo_f64(src: usize, dst: usize, dstLen: i32, rank: i32, shape: usize, strides: usize): void { sumTo<f64>(src, dst, dstLen, rank, shape, strides); }
export function mul_f32(a: usize, b: usize, n: i32): void { mulInPlace<f32>(a, b, n); }
export function mul_f64(a: usize, b: usize, n: i32): void { mulInPlace<f64>(a, b, n); }
export function axpy_f32(dst: usize, src: usize, alpha: f64, n: i32): void { axpy<f32>(dst, src, alpha, n); }
export function axpy_f64(dst: usize, src: usize, alpha: f64, n: i32): void { axpy<f64>(dst, src, alpha, n); }
export function scale_f32(a: usize, alpha: f64, n: i32): void { scale<f32>(a, alpha, n); }
export function scale_f64(a: usize, alpha: f64, n: i32): void { scale<f64>(a, alpha, n); }
export function total_f32(p: usize, n: i32): f64 { return total<f32>(p, n); }
export function total_f64(p: usize, n: i32): f64 { return total<f64>(p, n); }

// ---------------------------------------------------------------- range checks

/** Index of the first element outside [lo, hi] (NaN counts as outside), or −1. BCE's [0, 1] checks, MultiLabelMargin's float targets. */
function firstOutside<T>(p: usize, n: i32, lo: f64, hi: f64): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // whole vectors while every lane is inside; the first vector with a bad lane is rescanned below
    const L = lanesOf<T>();
    const vlo = v128.splat<T>(<T>lo), vhi = v128.splat<T>(<T>hi);
    for (; i + L <= n; i += L) {
      const v = v128.load(p + (<usize>i << shiftOf<T>()));
      const inside = v128.and(v128.ge<T>(v, vlo), v128.le<T>(v, vhi));
      if (!(sizeof<T>() == 4 ? i32x4.all_true(inside) : i64x2.all_true(inside))) break;
    }
  }
  for (; i < n; i++) {
    const v = <f64>ld<T>(p, i);
    if (!(v >= lo && v <= hi)) return i;
  }
  return -1;
}
export function firstOutside_f32(p: usize, n: i32, lo: f64, hi: f64): i32 { return firstOutside<f32>(p, n, lo, hi); }
export function firstOutside_f64(p: usize, n: i32, lo: f64, hi: f64): i32 { return firstOutside<f64>(p, n, lo, hi); }

/** Index of the first element < lo (NaN is not below anything), or −1. GaussianNLL's `var < 0` check. */
function firstBelow<T>(p: usize, n: i32, lo: f64): i32 {
  for (let i = 0; i < n; i++) {
    if (<f64>ld<T>(p, i) < lo) return i;
  }
  return -1;
}
export function firstBelow_f32(p: usize, n: i32, lo: f64): i32 { return firstBelow<f32>(p, n, lo); }
export function firstBelow_f64(p: usize, n: i32, lo: f64): i32 { return firstBelow<f64>(p, n, lo); }
