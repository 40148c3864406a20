// The elementwise driver shared by every family with elementwise ops (elementwise.ts, margin.ts,
// embedding.ts): each family file has its own op classes and its own exported dispatcher.
//
// An op is a class whose methods are called on `changetype<Op>(0)` — a null reference used only for
// static dispatch: the methods never touch `this`, and after inlining each (op, dtype) pair becomes its
// own tight loop. An op provides
//   loss(a, b, c, p0, p1): T          the unweighted loss term
//   da / db / dc(a, b, c, p0, p1): T  its partial derivatives (only called when that gradient is wanted)
// and, optionally, v128 versions (`lossV`, `daV`, `dbV`) used by the SIMD build — or, for ops with a
// parameter, `lossPV`, `daPV`, `dbPV` taking p0 splatted into a v128 as a third argument.
// p0, p1 are per-call scalar parameters (delta, beta, margin, eps, flags, ...).
// Absent operands: `c` reads as 1 when its pointer is 0 (BCEWithLogits' pos_weight); `w` as 1.

import { ld, st, shiftOf, lanesOf, hsum, FLUSH_BLOCK } from "./math";

/**
 * Returns Σ w·ℓ in f64. Writes w·ℓ per element to `out` (if non-zero) and gscale·w·∂ℓ/∂operand to
 * ga/gb/gc (each if non-zero).
 */
export function run<T, OP>(n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                    out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  const op = changetype<OP>(0);
  if (ASC_FEATURE_SIMD && (isDefined(op.lossV) || isDefined(op.lossPV)) && c == 0 && w == 0) {
    return runSimd<T, OP>(n, a, b, p0, p1, out, ga, gb, gscale);
  }
  return runScalar<T, OP>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}

function runScalar<T, OP>(n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                          out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  const op = changetype<OP>(0);
  if ((c | w | out | ga | gb | gc) == 0) return sumScalar<T, OP>(n, a, b, p0, p1);
  const g = <T>gscale;
  let total: f64 = 0;
  for (let i: usize = 0; i < <usize>n; i++) {
    const x = ld<T>(a, i);
    const y = ld<T>(b, i);
    const z: T = c ? ld<T>(c, i) : <T>1;
    const wi: T = w ? ld<T>(w, i) : <T>1;
    const l = wi * op.loss<T>(x, y, z, p0, p1);
    total += <f64>l;
    if (out) st<T>(out, i, l);
    if (ga) st<T>(ga, i, g * wi * op.da<T>(x, y, z, p0, p1));
    if (gb) st<T>(gb, i, g * wi * op.db<T>(x, y, z, p0, p1));
    if (gc) st<T>(gc, i, g * wi * op.dc<T>(x, y, z, p0, p1));
  }
  return total;
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

// The v128 hooks of an op: the parametric `…PV(a, b, vp)` form if it has one, else `…V(a, b)`.
// @ts-ignore: decorator
@inline function lossVec<T, OP>(x: v128, y: v128, vp: v128): v128 {
  const op = changetype<OP>(0);
  if (isDefined(op.lossPV)) { return op.lossPV<T>(x, y, vp); } else { return op.lossV<T>(x, y); }
}
// @ts-ignore: decorator
@inline function daVec<T, OP>(x: v128, y: v128, vp: v128): v128 {
  const op = changetype<OP>(0);
  if (isDefined(op.daPV)) { return op.daPV<T>(x, y, vp); } else { return op.daV<T>(x, y); }
}
// @ts-ignore: decorator
@inline function dbVec<T, OP>(x: v128, y: v128, vp: v128): v128 {
  const op = changetype<OP>(0);
  if (isDefined(op.dbPV)) { return op.dbPV<T>(x, y, vp); } else { return op.dbV<T>(x, y); }
}

/** SIMD path for unweighted two-operand ops: lanes summed in T, flushed to f64 every FLUSH_BLOCK. */
function runSimd<T, OP>(n: i32, a: usize, b: usize, p0: f64, p1: f64, out: usize, ga: usize, gb: usize, gscale: f64): f64 {
  const L = lanesOf<T>();
  const vp = v128.splat<T>(<T>p0);
  const vg = v128.splat<T>(<T>gscale);
  const sh = shiftOf<T>();
  let total: f64 = 0;
  let i = 0;
  const wantsOut = out != 0, wantsGa = ga != 0, wantsGb = gb != 0;
  while (i + L <= n) {
    const end = min<i32>(n - L + 1, i + FLUSH_BLOCK);
    let acc0 = v128.splat<T>(<T>0), acc1 = v128.splat<T>(<T>0);
    if (!wantsOut && !wantsGa && !wantsGb) {
      // forward-only hot loop: two vectors per step, two independent accumulators
      for (; i + L < end; i += 2 * L) {
        const off = <usize>i << sh;
        acc0 = v128.add<T>(acc0, lossVec<T, OP>(v128.load(a + off), v128.load(b + off), vp));
        acc1 = v128.add<T>(acc1, lossVec<T, OP>(v128.load(a + off, 16), v128.load(b + off, 16), vp));
      }
    }
    for (; i < end; i += L) {
      const off = <usize>i << sh;
      const x = v128.load(a + off), y = v128.load(b + off);
      const l = lossVec<T, OP>(x, y, vp);
      acc0 = v128.add<T>(acc0, l);
      if (wantsOut) v128.store(out + off, l);
      if (wantsGa) v128.store(ga + off, v128.mul<T>(vg, daVec<T, OP>(x, y, vp)));
      if (wantsGb) v128.store(gb + off, v128.mul<T>(vg, dbVec<T, OP>(x, y, vp)));
    }
    total += hsum<T>(acc0) + hsum<T>(acc1);
  }
  if (i < n) total += runScalar<T, OP>(n - i, a + (<usize>i << sh), b + (<usize>i << sh), 0, 0, p0, p1,
    out ? out + (<usize>i << sh) : 0, ga ? ga + (<usize>i << sh) : 0, gb ? gb + (<usize>i << sh) : 0, 0, gscale);
  return total;
}

