// Regression family: L1Loss, MSELoss, HuberLoss, SmoothL1Loss, as elementwise op classes on the
// shared driver (driver.ts: the op contract). ℓ_i = w_i · f(x_i, y_i; p0) over n dense (already
// broadcast) elements; the op ids and the meaning of p0 per op are declared in src/abi.ts.

import { negV, absV, signT } from "./math";
import { run, runScalar, Fast, General } from "./driver";
import { RegressionOp } from "../src/abi";

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
  @inline lossV<T>(a: v128, b: v128): v128 { return absV<T>(v128.sub<T>(a, b)); }
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

// ---------------------------------------------------------------- regression: Huber, SmoothL1
// Formulas and operation order follow ATen's CPU kernels (same f32 rounding):
//   Huber:    z = |x − y|; ℓ = z < δ ? 0.5·z·z : δ·(z − 0.5·δ);   ∂x = clamp(x − y, −δ, δ)
//   SmoothL1: z = |x − y|; ℓ = z < β ? 0.5·z·z/β : z − 0.5·β;   ∂x = x−y ≤ −β ? −1 : x−y ≥ β ? 1 : (x−y)/β
// ∂y is the same function of y − x (ATen calls the backward with the operands swapped). NaN
// differences fall through both comparisons, so loss and gradient are NaN. β = 0 never gets here:
// PyTorch 2.x routes it to L1 (gradient 0 at x = y), and so does src/losses/regression.ts.

/** clamp(d, −δ, δ) with NaN passing through. */
// @ts-ignore: decorator
@inline function clampSym<T>(d: T, delta: T): T {
  return d <= -delta ? -delta : d >= delta ? delta : d;
}

/** Lane-wise clampSym as max then min: pmax/pmin return their first operand (d) on NaN, and give ∓δ
 *  exactly at d = ∓δ, as the scalar form. One instruction each. */
// @ts-ignore: decorator
@inline function clampSymV<T>(d: v128, vd: v128): v128 {
  return v128.pmin<T>(v128.pmax<T>(d, negV<T>(vd)), vd);
}


/** q/β for the smooth-L1 formulas: q·(1/β) when 1/β is exact (the same correctly rounded quotient),
 *  else a division. */
// @ts-ignore: decorator
@inline function divBetaV<T, R>(q: v128, vb: v128, vr: v128): v128 {
  if (isInteger<R>()) return v128.mul<T>(q, vr);   // R = Fast
  return v128.div<T>(q, vb);
}

/** 1/β if that is exact in T, else 0: β (as T) a power of two, by its bits (a product test such as
 *  r·β == 1 can round to 1 in f64), with 1/β finite and normal in T. */
// @ts-ignore: decorator
@inline function exactRecip<T>(beta: f64): f64 {
  const b = <f64><T>beta;                     // exact in f64, so an f32 power of two has no mantissa bits here
  const r = <f64><T>(1 / b);
  const pow2 = (reinterpret<u64>(b) & 0x000FFFFFFFFFFFFF) == 0 && b > 0 && isFinite(b);
  return pow2 && isFinite(r) && r >= (sizeof<T>() == 4 ? 1.1754943508222875e-38 : 2.2250738585072014e-308) ? r : 0;
}

class Huber {
  @inline loss<T>(x: T, y: T, c: T, p0: f64, p1: f64): T {
    const delta = <T>p0;
    const z = abs<T>(x - y);
    return z < delta ? <T>0.5 * z * z : delta * (z - <T>0.5 * delta);
  }
  @inline da<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return clampSym<T>(x - y, <T>p0); }
  @inline db<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return clampSym<T>(y - x, <T>p0); }
  @inline dc<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  /** With m = min(z, δ), m·(z − ½m) is ½z·z below δ (z − ½z is exact) and δ·(z − ½δ) above: the
   *  scalar's two branches, bit for bit, without computing both. NaN z stays NaN (pmin keeps it). */
  @inline lossPV<T>(x: v128, y: v128, vd: v128, vq: v128): v128 {
    const z = absV<T>(v128.sub<T>(x, y));
    const m = v128.pmin<T>(z, vd);
    return v128.mul<T>(m, v128.sub<T>(z, v128.mul<T>(v128.splat<T>(<T>0.5), m)));
  }
  @inline daPV<T>(x: v128, y: v128, vd: v128, vq: v128): v128 { return clampSymV<T>(v128.sub<T>(x, y), vd); }
  @inline dbPV<T>(x: v128, y: v128, vd: v128, vq: v128): v128 { return clampSymV<T>(v128.sub<T>(y, x), vd); }
}

class SmoothL1<R> {
  @inline loss<T>(x: T, y: T, c: T, p0: f64, p1: f64): T {
    const beta = <T>p0;
    const z = abs<T>(x - y);
    return z < beta ? <T>0.5 * z * z / beta : z - <T>0.5 * beta;
  }
  @inline da<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return smoothSlope<T>(x - y, <T>p0); }
  @inline db<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return smoothSlope<T>(y - x, <T>p0); }
  @inline dc<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  /** R = Fast: β is a power of two and vr = splat(1/β) (see exactRecip). */
  @inline lossPV<T>(x: v128, y: v128, vb: v128, vr: v128): v128 {
    const half = v128.splat<T>(<T>0.5);
    const z = absV<T>(v128.sub<T>(x, y));
    const quad = divBetaV<T, R>(v128.mul<T>(v128.mul<T>(half, z), z), vb, vr);
    const lin = v128.sub<T>(z, v128.mul<T>(half, vb));
    return v128.bitselect(quad, lin, v128.lt<T>(z, vb));
  }
  @inline daPV<T>(x: v128, y: v128, vb: v128, vr: v128): v128 { return smoothSlopeV<T, R>(v128.sub<T>(x, y), vb, vr); }
  @inline dbPV<T>(x: v128, y: v128, vb: v128, vr: v128): v128 { return smoothSlopeV<T, R>(v128.sub<T>(y, x), vb, vr); }
}

/** Lane-wise smooth-L1 slope: d/β clamped to [−1, 1], which is −1 / +1 exactly where d ≤ −β / d ≥ β
 *  (the quotient is monotonic and correctly rounded; β is finite and > 0 here, see the dispatcher);
 *  NaN passes through the pmax/pmin. */
// @ts-ignore: decorator
@inline function smoothSlopeV<T, R>(d: v128, vb: v128, vr: v128): v128 {
  const one = v128.splat<T>(<T>1);
  return v128.pmin<T>(v128.pmax<T>(divBetaV<T, R>(d, vb, vr), negV<T>(one)), one);
}

// @ts-ignore: decorator
@inline function smoothSlope<T>(d: T, beta: T): T {
  return d <= -beta ? <T>-1 : d >= beta ? <T>1 : d / beta;
}

// @ts-ignore: decorator
@inline function dispatch<T>(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                             out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  switch (op) {
    case RegressionOp.MSE: return run<T, Mse>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case RegressionOp.L1: return run<T, L1>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case RegressionOp.HUBER:
      // δ not > 0 in T (src/ checks δ > 0; a tiny one can round to 0): the lane-wise clamp would give
      // +0 for −0 at d = +0
      if (!(<T>p0 > 0)) return runScalar<T, Huber>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
      return run<T, Huber>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case RegressionOp.SMOOTH_L1: {
      // β that rounds to 0 or inf in T: the clamped quotient would be 0/0 or inf/inf = NaN where the
      // scalar form gives ±1
      const bt = <T>p0;
      if (!(bt > 0 && bt < <T>Infinity)) return runScalar<T, SmoothL1<General>>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
      // β = 1 (the default) is Huber with δ = 1 bit for bit (q/1 and 1·q are exact), whose vector loss
      // needs no select
      if (bt == 1) return run<T, Huber>(n, a, b, c, w, 1, p1, out, ga, gb, gc, gscale);
      const r = exactRecip<T>(p0);
      return r != 0 ? run<T, SmoothL1<Fast>>(n, a, b, c, w, p0, r, out, ga, gb, gc, gscale)
                    : run<T, SmoothL1<General>>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    }
  }
  unreachable();
  return 0;
}

export function regression_f32(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                               out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f32>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}

export function regression_f64(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                               out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f64>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}
