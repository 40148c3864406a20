// The elementwise driver shared by every family with elementwise ops (regression.ts, binary.ts,
// probabilistic.ts, margin.ts, embedding.ts): each family file has its own op classes and its own exported dispatcher.
//
// An op is a class whose methods are called on `changetype<Op>(0)` — a null reference used only for
// static dispatch: the methods never touch `this`, and after inlining each (op, dtype) pair becomes its
// own tight loop. An op provides
//   loss(a, b, c, p0, p1): T          the unweighted loss term
//   da / db / dc(a, b, c, p0, p1): T  its partial derivatives (only called when that gradient is wanted)
// and, optionally, v128 versions used by the SIMD build, one of:
//   `lossV`, `daV`, `dbV` (a, b)                generic over T, two operands, no parameter;
//   `lossPV`, `daPV`, `dbPV` (a, b, vp, vq)     generic over T, p0 and p1 splatted into vp and vq;
//   `lossF4`, `daF4`, `dbF4` [, `dcF4`] (a, b, c, vp, p0, p1)   f32x4 only (f64 stays scalar), with the
//                                               third operand c (splat(1) when absent); ops that read c
//                                               (or want ∂c) must have this form.
// Each vector form must reproduce the scalar op lane by lane, IEEE special cases included. An op whose
// vector loss is long (exp, log) declares `heavy() {}`: the forward sum loop is then unrolled less.
// p0, p1 are per-call scalar parameters (delta, beta, margin, eps, flags, ...).
// Absent operands: `c` reads as 1 when its pointer is 0 (BCEWithLogits' pos_weight); `w` as 1.
// The weight is applied by the driver, in both paths, as ℓ = w·f and ∂ = (gscale·w)·∂f.

import { ld, st, shiftOf, lanesOf, hsum, FLUSH_BLOCK } from "./math";

// Variants an op class is instantiated with, chosen per call by the dispatcher from its parameters (a
// branch inside the loop would become a select computing both sides). Only isInteger<> of them is read.
export type Fast = i32;     // the parameter allows a cheaper vector form (regression's SmoothL1, probabilistic's Gaussian)
export type General = f64;

/**
 * Returns Σ w·ℓ in f64. Writes w·ℓ per element to `out` (if non-zero) and gscale·w·∂ℓ/∂operand to
 * ga/gb/gc (each if non-zero).
 */
export function run<T, OP>(n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                    out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  const op = changetype<OP>(0);
  if (ASC_FEATURE_SIMD) {
    if (isDefined(op.lossF4) ? sizeof<T>() == 4 : (isDefined(op.lossV) || isDefined(op.lossPV))) {
      // a c operand (or its gradient) needs the three-operand form
      if ((c == 0 || isDefined(op.lossF4)) && (gc == 0 || isDefined(op.dcF4))) {
        return runSimd<T, OP>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
      }
    }
  }
  return runScalar<T, OP>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}

/** One element of the general scalar loop: stores its outputs, returns w·ℓ. */
// @ts-ignore: decorator
@inline function scalarElem<T, OP>(i: usize, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                                   out: usize, ga: usize, gb: usize, gc: usize, g: T): T {
  const op = changetype<OP>(0);
  const x = ld<T>(a, i);
  const y = ld<T>(b, i);
  const z: T = c ? ld<T>(c, i) : <T>1;
  const wi: T = w ? ld<T>(w, i) : <T>1;
  const l = wi * op.loss<T>(x, y, z, p0, p1);
  if (out) st<T>(out, i, l);
  if (ga) st<T>(ga, i, g * wi * op.da<T>(x, y, z, p0, p1));
  if (gb) st<T>(gb, i, g * wi * op.db<T>(x, y, z, p0, p1));
  if (gc) st<T>(gc, i, g * wi * op.dc<T>(x, y, z, p0, p1));
  return l;
}

export function runScalar<T, OP>(n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                          out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  if ((c | w | out | ga | gb | gc) == 0) return sumScalar<T, OP>(n, a, b, p0, p1);
  const g = <T>gscale;
  // two independent f64 accumulators (even / odd elements), so the sum is not one latency chain
  let s0: f64 = 0, s1: f64 = 0;
  let i: usize = 0;
  for (; i + 2 <= <usize>n; i += 2) {
    s0 += <f64>scalarElem<T, OP>(i, a, b, c, w, p0, p1, out, ga, gb, gc, g);
    s1 += <f64>scalarElem<T, OP>(i + 1, a, b, c, w, p0, p1, out, ga, gb, gc, g);
  }
  if (i < <usize>n) s0 += <f64>scalarElem<T, OP>(i, a, b, c, w, p0, p1, out, ga, gb, gc, g);
  return s0 + s1;
}

/** Forward-only, two operands: the plain sum, with two independent f64 accumulators. */
function sumScalar<T, OP>(n: i32, a: usize, b: usize, p0: f64, p1: f64): f64 {
  const op = changetype<OP>(0);
  let s0: f64 = 0, s1: f64 = 0;
  let i: usize = 0;
  for (; i + 2 <= <usize>n; i += 2) {
    s0 += <f64>op.loss<T>(ld<T>(a, i), ld<T>(b, i), <T>1, p0, p1);
    s1 += <f64>op.loss<T>(ld<T>(a, i + 1), ld<T>(b, i + 1), <T>1, p0, p1);
  }
  if (i < <usize>n) s0 += <f64>op.loss<T>(ld<T>(a, i), ld<T>(b, i), <T>1, p0, p1);
  return s0 + s1;
}

// The v128 hooks of an op: `…F4(a, b, c, vp, p0, p1)` if it has one, else the parametric
// `…PV(a, b, vp, vq)`, else `…V(a, b)`.
// @ts-ignore: decorator
@inline function lossVec<T, OP>(x: v128, y: v128, z: v128, vp: v128, vq: v128, p0: f64, p1: f64): v128 {
  const op = changetype<OP>(0);
  if (isDefined(op.lossF4)) { return op.lossF4(x, y, z, vp, p0, p1); }
  else if (isDefined(op.lossPV)) { return op.lossPV<T>(x, y, vp, vq); } else { return op.lossV<T>(x, y); }
}
// @ts-ignore: decorator
@inline function daVec<T, OP>(x: v128, y: v128, z: v128, vp: v128, vq: v128, p0: f64, p1: f64): v128 {
  const op = changetype<OP>(0);
  if (isDefined(op.daF4)) { return op.daF4(x, y, z, vp, p0, p1); }
  else if (isDefined(op.daPV)) { return op.daPV<T>(x, y, vp, vq); } else { return op.daV<T>(x, y); }
}
// @ts-ignore: decorator
@inline function dbVec<T, OP>(x: v128, y: v128, z: v128, vp: v128, vq: v128, p0: f64, p1: f64): v128 {
  const op = changetype<OP>(0);
  if (isDefined(op.dbF4)) { return op.dbF4(x, y, z, vp, p0, p1); }
  else if (isDefined(op.dbPV)) { return op.dbPV<T>(x, y, vp, vq); } else { return op.dbV<T>(x, y); }
}
// @ts-ignore: decorator
@inline function dcVec<T, OP>(x: v128, y: v128, z: v128, vp: v128, vq: v128, p0: f64, p1: f64): v128 {
  const op = changetype<OP>(0);
  if (isDefined(op.dcF4)) { return op.dcF4(x, y, z, vp, p0, p1); } else { return v128.splat<T>(<T>0); }
}

/** SIMD path: lanes summed in T, flushed to f64 every FLUSH_BLOCK. c and w are optional (0 = absent:
 *  c reads as splat(1), w as 1). The tail goes to the scalar loop. */
function runSimd<T, OP>(n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                        out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  // forward only, unweighted: the unrolled sum loop, specialised on whether c is read (only the
  // three-operand F4 ops read it; run() sends the others here only without one)
  if ((w | out | ga | gb | gc) == 0) {
    const op = changetype<OP>(0);
    if (isDefined(op.lossF4) && c != 0) return sumSimd<T, OP>(n, a, b, c, p0, p1, true);
    return sumSimd<T, OP>(n, a, b, 0, p0, p1, false);
  }
  const L = lanesOf<T>();
  const vp = v128.splat<T>(<T>p0), vq = v128.splat<T>(<T>p1);
  const vg = v128.splat<T>(<T>gscale);
  const one = v128.splat<T>(<T>1);
  const sh = shiftOf<T>();
  let total: f64 = 0;
  let i = 0;
  const wantsOut = out != 0, wantsGa = ga != 0, wantsGb = gb != 0, wantsGc = gc != 0;
  const hasC = c != 0, hasW = w != 0;
  while (i + L <= n) {
    const end = min<i32>(n - L + 1, i + FLUSH_BLOCK);
    let acc = v128.splat<T>(<T>0);
    for (; i < end; i += L) {
      const off = <usize>i << sh;
      const x = v128.load(a + off), y = v128.load(b + off);
      const z = hasC ? v128.load(c + off) : one;
      let l = lossVec<T, OP>(x, y, z, vp, vq, p0, p1);
      let sc = vg;
      if (hasW) {
        const wv = v128.load(w + off);
        l = v128.mul<T>(wv, l);
        sc = v128.mul<T>(vg, wv);
      }
      acc = v128.add<T>(acc, l);
      if (wantsOut) v128.store(out + off, l);
      if (wantsGa) v128.store(ga + off, v128.mul<T>(sc, daVec<T, OP>(x, y, z, vp, vq, p0, p1)));
      if (wantsGb) v128.store(gb + off, v128.mul<T>(sc, dbVec<T, OP>(x, y, z, vp, vq, p0, p1)));
      if (wantsGc) v128.store(gc + off, v128.mul<T>(sc, dcVec<T, OP>(x, y, z, vp, vq, p0, p1)));
    }
    total += hsum<T>(acc);
  }
  return total + simdTail<T, OP>(i, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}

/** Forward-only, unweighted Σℓ: four vectors per step into four accumulators (the cheap losses are
 *  issue-bound, so fewer loop instructions per element count), one for ops marked `heavy` (exp/log:
 *  the loop overhead is noise there, and every unrolled copy would inline the polynomial and its
 *  special-value path again — 60 KB of wasm for no measurable speed). `withC` is a constant at each
 *  (inlined) call, so the c load, or splat(1), is decided at compile time, not per vector. */
// @ts-ignore: decorator
@inline function sumSimd<T, OP>(n: i32, a: usize, b: usize, c: usize, p0: f64, p1: f64, withC: bool): f64 {
  const four = !isDefined(changetype<OP>(0).heavy);
  const L = lanesOf<T>(), U = four ? 4 : 1;
  const vp = v128.splat<T>(<T>p0), vq = v128.splat<T>(<T>p1);
  const sh = shiftOf<T>();
  let total: f64 = 0;
  let i = 0;
  while (i + L <= n) {
    const end = min<i32>(n - L + 1, i + FLUSH_BLOCK);
    let acc0 = v128.splat<T>(<T>0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    if (U > 1) for (; i + (U - 1) * L < end; i += U * L) {
      const pa = a + (<usize>i << sh), pb = b + (<usize>i << sh), pc = c + (<usize>i << sh);
      acc0 = v128.add<T>(acc0, sumTerm<T, OP>(pa, pb, pc, 0, vp, vq, p0, p1, withC));
      acc1 = v128.add<T>(acc1, sumTerm<T, OP>(pa, pb, pc, 16, vp, vq, p0, p1, withC));
      if (four) {
        acc2 = v128.add<T>(acc2, sumTerm<T, OP>(pa, pb, pc, 32, vp, vq, p0, p1, withC));
        acc3 = v128.add<T>(acc3, sumTerm<T, OP>(pa, pb, pc, 48, vp, vq, p0, p1, withC));
      }
    }
    for (; i < end; i += L) {
      const off = <usize>i << sh;
      acc0 = v128.add<T>(acc0, sumTerm<T, OP>(a + off, b + off, c + off, 0, vp, vq, p0, p1, withC));
    }
    total += (hsum<T>(acc0) + hsum<T>(acc1)) + (hsum<T>(acc2) + hsum<T>(acc3));
  }
  return total + simdTail<T, OP>(i, n, a, b, c, 0, p0, p1, 0, 0, 0, 0, 0);
}

/** ℓ of the vector at byte offset `k` (a constant) from pa, pb (and pc if withC). */
// @ts-ignore: decorator
@inline function sumTerm<T, OP>(pa: usize, pb: usize, pc: usize, k: usize, vp: v128, vq: v128, p0: f64, p1: f64,
                                withC: bool): v128 {
  const z = withC ? v128.load(pc + k) : v128.splat<T>(<T>1);
  return lossVec<T, OP>(v128.load(pa + k), v128.load(pb + k), z, vp, vq, p0, p1);
}

/** Elements [i, n) (fewer than a vector) through the scalar loop. */
// @ts-ignore: decorator
@inline function simdTail<T, OP>(i: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                                 out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  if (i >= n) return 0;
  const o = <usize>i << shiftOf<T>();
  return runScalar<T, OP>(n - i, a + o, b + o, c ? c + o : 0, w ? w + o : 0, p0, p1,
    out ? out + o : 0, ga ? ga + o : 0, gb ? gb + o : 0, gc ? gc + o : 0, gscale);
}
