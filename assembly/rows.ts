// Row log-sum-exp, shared by the cross-entropy kernels (classification.ts) and the softmax
// activations (activations.ts): one row of C values at stride s, its max, Σ exp(x − max) and the log
// of that sum, optionally parking each exp(x − max) at the same offsets of another buffer.

import { ld, st, expT, expNonPosF32x4, exp4NonPosF32x4, expFullF32x4, hsumF32x4, hmaxF32x4, FLUSH_BLOCK } from "./math";

// Per-row results (AssemblyScript has no multiple returns): the row's max, Σ exp(x − max) and its log.
// −log_softmax(x)_c is then (rowMax − x_c) + rowLogSum, computed in f64 so that large logits lose
// nothing to the rounding of max + log(sum).
export let rowMax: f64 = 0;
export let rowSum: f64 = 0;
export let rowLogSum: f64 = 0;

// @ts-ignore: decorator
@inline export function negLogSoftmax(xc: f64): f64 { return (rowMax - xc) + rowLogSum; }

// The f32x4 exp a row uses, as a type argument. NonPos (math.ts's expNonPosF32x4) where the exps only
// feed the sum (≥ 1, so a tiny value in place of an underflowed 0 is lost in it); Full where the parked
// exps are results (softmax), which must be exactly 0 at −inf and subnormal where they underflow.
// `exp4`, where defined, does four at once into memory.
export class ExpNonPos {
  @inline exp(x: v128): v128 { return expNonPosF32x4(x); }
  @inline exp4(x0: v128, x1: v128, x2: v128, x3: v128, dst: usize): void { exp4NonPosF32x4(x0, x1, x2, x3, dst); }
}
// No exp4: done that way, softmax [256, 1000] measured 15 % faster in Bun but 4–8 % slower in Node 22's
// relaxed-SIMD build.
export class ExpFull { @inline exp(x: v128): v128 { return expFullF32x4(x); } }

/** Strided log-sum-exp over C classes at stride s; if `park` is non-zero, exp(x − max) is stored there. */
export function lseStrided<T>(x: usize, C: i32, s: i32, park: usize): void {
  let m = ld<T>(x, 0);
  for (let c = 1; c < C; c++) m = max<T>(m, ld<T>(x, <usize>(c * s)));
  let sum: f64 = 0;
  for (let c = 0; c < C; c++) {
    const e = expT<T>(ld<T>(x, <usize>(c * s)) - m);
    if (park) st<T>(park, <usize>(c * s), e);
    sum += <f64>e;
  }
  rowMax = <f64>m;
  rowSum = sum;
  rowLogSum = Math.log(sum);
}

/** Where lseF32Simd's four-at-once exps go when they are not parked. */
const scratch = memory.data(64, 16);

/** Contiguous f32 log-sum-exp with f32x4 max and the exp E; same contract as lseStrided. */
function lseF32Simd<E>(x: usize, C: i32, park: usize): void {
  const ex = changetype<E>(0);
  let i = 0;
  let m: f32 = load<f32>(x);
  if (C >= 16) {
    let m0 = v128.load(x), m1 = v128.load(x, 16), m2 = v128.load(x, 32), m3 = v128.load(x, 48);
    for (i = 16; i + 16 <= C; i += 16) {
      const p = x + (<usize>i << 2);
      m0 = f32x4.pmax(v128.load(p), m0); m1 = f32x4.pmax(v128.load(p, 16), m1);
      m2 = f32x4.pmax(v128.load(p, 32), m2); m3 = f32x4.pmax(v128.load(p, 48), m3);
    }
    m = hmaxF32x4(f32x4.pmax(f32x4.pmax(m0, m1), f32x4.pmax(m2, m3)));
  }
  for (; i < C; i++) m = max<f32>(m, load<f32>(x + (<usize>i << 2)));

  const vm = f32x4.splat(m);
  let sum: f64 = 0;
  i = 0;
  while (i + 4 <= C) {
    const end = min<i32>(C - 3, i + FLUSH_BLOCK);
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
    // four independent exps per step: the polynomial is a long dependency chain, so more chains in flight
    for (; i + 12 < end; i += 16) {
      const off = <usize>i << 2;
      const x0 = f32x4.sub(v128.load(x + off), vm), x1 = f32x4.sub(v128.load(x + off, 16), vm);
      const x2 = f32x4.sub(v128.load(x + off, 32), vm), x3 = f32x4.sub(v128.load(x + off, 48), vm);
      if (isDefined(ex.exp4)) {
        const e = park ? park + off : scratch;
        ex.exp4(x0, x1, x2, x3, e);
        a0 = f32x4.add(a0, f32x4.add(v128.load(e), v128.load(e, 32)));
        a1 = f32x4.add(a1, f32x4.add(v128.load(e, 16), v128.load(e, 48)));
        continue;
      }
      const e0 = ex.exp(x0), e1 = ex.exp(x1), e2 = ex.exp(x2), e3 = ex.exp(x3);
      if (park) {
        v128.store(park + off, e0); v128.store(park + off, e1, 16);
        v128.store(park + off, e2, 32); v128.store(park + off, e3, 48);
      }
      a0 = f32x4.add(a0, f32x4.add(e0, e2)); a1 = f32x4.add(a1, f32x4.add(e1, e3));
    }
    for (; i < end; i += 4) {
      const off = <usize>i << 2;
      const e0 = ex.exp(f32x4.sub(v128.load(x + off), vm));
      if (park) v128.store(park + off, e0);
      a0 = f32x4.add(a0, e0);
    }
    sum += hsumF32x4(f32x4.add(a0, a1));
  }
  for (; i < C; i++) {
    const e = Mathf.exp(load<f32>(x + (<usize>i << 2)) - m);
    if (park) store<f32>(park + (<usize>i << 2), e);
    sum += <f64>e;
  }
  rowMax = <f64>m;
  rowSum = sum;
  rowLogSum = Math.log(sum);
}

/** Log-sum-exp of the row at x (C values at stride s) into rowMax, rowSum, rowLogSum; exps parked at
 *  `park` if non-zero. Contiguous f32 rows take the f32x4 path with the exp E. */
// @ts-ignore: decorator
@inline export function rowLogSumExp<T, E>(x: usize, C: i32, s: i32, park: usize): void {
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4 && s == 1) lseF32Simd<E>(x, C, park);
  else lseStrided<T>(x, C, s, park);
}
