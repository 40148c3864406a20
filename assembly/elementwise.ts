// Elementwise losses: ℓ_i = w_i · f(a_i, b_i, c_i; p0, p1) over n dense (already broadcast) elements.
//
// One driver, many ops. An op is a class whose methods are called on `changetype<Op>(0)` — a null
// reference used only for static dispatch: the methods never touch `this`, and after inlining each
// (op, dtype) pair becomes its own tight loop. An op provides
//   loss(a, b, c, p0, p1): T          the unweighted loss term
//   da / db / dc(a, b, c, p0, p1): T  its partial derivatives (only called when that gradient is wanted)
// and, optionally, v128 versions (`lossV`, `daV`, `dbV`) used by the SIMD build.
// p0, p1 are per-call scalar parameters (delta, beta, margin, eps, flags, ...).
// Absent operands: `c` reads as 1 when its pointer is 0 (BCEWithLogits' pos_weight); `w` as 1.

import { ld, st, shiftOf, lanesOf, hsum, logT, log1pT, softplusT, sigmoidT, signT, FLUSH_BLOCK } from "./math";

// Op ids; src/losses/elementwise.ts mirrors them.
const enum Op { MSE = 0, L1 = 1, BCE = 2, BCE_LOGITS = 3 }

class Mse {
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { const d = a - b; return d * d; }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>2 * (a - b); }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>2 * (b - a); }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossV<T>(a: v128, b: v128): v128 { const d = v128.sub<T>(a, b); return v128.mul<T>(d, d); }
  @inline daV<T>(a: v128, b: v128): v128 { const d = v128.sub<T>(a, b); return v128.add<T>(d, d); }
  @inline dbV<T>(a: v128, b: v128): v128 { const d = v128.sub<T>(b, a); return v128.add<T>(d, d); }
}

class L1 {
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return abs<T>(a - b); }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return signT<T>(a - b); }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return signT<T>(b - a); }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossV<T>(a: v128, b: v128): v128 { return v128.abs<T>(v128.sub<T>(a, b)); }
  @inline daV<T>(a: v128, b: v128): v128 { return signV<T>(v128.sub<T>(a, b)); }
  @inline dbV<T>(a: v128, b: v128): v128 { return signV<T>(v128.sub<T>(b, a)); }
}

/** Lane-wise sign with sign(0) = sign(NaN) = 0: (d > 0) − (d < 0) as ±1.0 masks. */
// @ts-ignore: decorator
@inline function signV<T>(d: v128): v128 {
  const zero = v128.splat<T>(<T>0);
  const one = v128.splat<T>(<T>1);
  return v128.sub<T>(v128.and(v128.gt<T>(d, zero), one), v128.and(v128.lt<T>(d, zero), one));
}

// BCE (2.x form): ℓ = −[y·max(log x, −100) + (1−y)·max(log1p(−x), −100)];
// ∂x = (x − y) / max(x(1−x), EPS) with EPS the float32 literal 1e−12; ∂y = log1p(−x) − log x.
class Bce {
  @inline loss<T>(x: T, y: T, c: T, p0: f64, p1: f64): T {
    const lx = max<T>(logT<T>(x), <T>-100);
    const l1x = max<T>(log1pT<T>(-x), <T>-100);
    return -(y * lx + (<T>1 - y) * l1x);
  }
  @inline da<T>(x: T, y: T, c: T, p0: f64, p1: f64): T {
    return (x - y) / max<T>(x * (<T>1 - x), <T><f32>1e-12);
  }
  @inline db<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return log1pT<T>(-x) - logT<T>(x); }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
}

// BCEWithLogits with pos_weight pw (c): L = 1 + (pw − 1)·y; ℓ = (1 − y)·x + L·softplus(−x);
// ∂x = (pw·y + 1 − y)·σ(x) − pw·y; ∂y = −x + (pw − 1)·softplus(−x).
class BceLogits {
  @inline loss<T>(x: T, y: T, pw: T, p0: f64, p1: f64): T {
    return (<T>1 - y) * x + (<T>1 + (pw - <T>1) * y) * softplusT<T>(-x);
  }
  @inline da<T>(x: T, y: T, pw: T, p0: f64, p1: f64): T {
    return (pw * y + <T>1 - y) * sigmoidT<T>(x) - pw * y;
  }
  @inline db<T>(x: T, y: T, pw: T, p0: f64, p1: f64): T { return -x + (pw - <T>1) * softplusT<T>(-x); }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
}

/**
 * The driver, shared by every family with elementwise ops (each family file has its own op classes
 * and its own exported dispatcher, like `elementwise_f32` below). Returns Σ w·ℓ in f64. Writes w·ℓ per element to `out` (if non-zero) and
 * gscale·w·∂ℓ/∂operand to ga/gb/gc (each if non-zero).
 */
export function run<T, OP>(n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                    out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  const op = changetype<OP>(0);
  if (ASC_FEATURE_SIMD && isDefined(op.lossV) && c == 0 && w == 0) {
    return runSimd<T, OP>(n, a, b, out, ga, gb, gscale);
  }
  return runScalar<T, OP>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}

function runScalar<T, OP>(n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                          out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  const op = changetype<OP>(0);
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

/** SIMD path for unweighted two-operand ops: lanes summed in T, flushed to f64 every FLUSH_BLOCK. */
function runSimd<T, OP>(n: i32, a: usize, b: usize, out: usize, ga: usize, gb: usize, gscale: f64): f64 {
  const op = changetype<OP>(0);
  const L = lanesOf<T>();
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
        acc0 = v128.add<T>(acc0, op.lossV<T>(v128.load(a + off), v128.load(b + off)));
        acc1 = v128.add<T>(acc1, op.lossV<T>(v128.load(a + off, 16), v128.load(b + off, 16)));
      }
    }
    for (; i < end; i += L) {
      const off = <usize>i << sh;
      const x = v128.load(a + off), y = v128.load(b + off);
      const l = op.lossV<T>(x, y);
      acc0 = v128.add<T>(acc0, l);
      if (wantsOut) v128.store(out + off, l);
      if (wantsGa) v128.store(ga + off, v128.mul<T>(vg, op.daV<T>(x, y)));
      if (wantsGb) v128.store(gb + off, v128.mul<T>(vg, op.dbV<T>(x, y)));
    }
    total += hsum<T>(acc0) + hsum<T>(acc1);
  }
  if (i < n) total += runScalar<T, OP>(n - i, a + (<usize>i << sh), b + (<usize>i << sh), 0, 0, 0, 0,
    out ? out + (<usize>i << sh) : 0, ga ? ga + (<usize>i << sh) : 0, gb ? gb + (<usize>i << sh) : 0, 0, gscale);
  return total;
}

// @ts-ignore: decorator
@inline function dispatch<T>(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                             out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  switch (op) {
    case Op.MSE: return run<T, Mse>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case Op.L1: return run<T, L1>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case Op.BCE: return run<T, Bce>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case Op.BCE_LOGITS: return run<T, BceLogits>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
  }
  unreachable();
  return 0;
}

export function elementwise_f32(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                                out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f32>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}

export function elementwise_f64(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                                out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f64>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}

/** Index of the first element outside [lo, hi] (NaN counts as outside), or −1. BCE's range checks. */
function firstOutside<T>(p: usize, n: i32, lo: f64, hi: f64): i32 {
  for (let i = 0; i < n; i++) {
    const v = <f64>ld<T>(p, i);
    if (!(v >= lo && v <= hi)) return i;
  }
  return -1;
}
export function firstOutside_f32(p: usize, n: i32, lo: f64, hi: f64): i32 { return firstOutside<f32>(p, n, lo, hi); }
export function firstOutside_f64(p: usize, n: i32, lo: f64, hi: f64): i32 { return firstOutside<f64>(p, n, lo, hi); }
