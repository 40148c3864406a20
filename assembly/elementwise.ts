// Elementwise losses: ℓ_i = w_i · f(a_i, b_i, c_i; p0, p1) over n dense (already broadcast) elements,
// as op classes on the shared driver of driver.ts (see there for the op contract): MSE, L1, BCE,
// BCEWithLogits, Huber, SmoothL1, PoissonNLL, GaussianNLL, KLDiv, and the range checks BCE and
// GaussianNLL need.

import {
  ld, lanesOf, shiftOf, negV, absV, negF32x4, absF32x4, expT, logT, log1pT, softplusT, sigmoidT, signT,
  expFullF32x4, logF32x4, logPosF32x4, log1pF32x4, log1pUnitF32x4, sigmoidFromF32x4, allInF32x4,
} from "./math";
import { run, runScalar } from "./driver";

// Op ids; src/losses/elementwise.ts mirrors them.
const enum Op {
  MSE = 0, L1 = 1, BCE = 2, BCE_LOGITS = 3,
  HUBER = 4, SMOOTH_L1 = 5, POISSON_LOG = 6, POISSON = 7, GAUSSIAN = 8, KL_DIV = 9, KL_DIV_LOG = 10,
}

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

// BCE (2.x form): ℓ = −[y·max(log x, −100) + (1−y)·max(log1p(−x), −100)];
// ∂x = (x − y) / max(x(1−x), EPS) with EPS the float32 literal 1e−12; ∂y = log1p(−x) − log x.
class Bce {
  @inline heavy(): void {}
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
  @inline lossF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    const one = f32x4.splat(1);
    if (allInF32x4(x, 1.17549435e-38, 1)) {
      // x and 1 − x (≥ 2^−24) are positive normals: both logs without special cases, both above −100
      // (the clamp is a no-op), and log1p(−x) spelled as log1pF32x4 does (same bits)
      const u = f32x4.sub(one, x);
      const l1x = f32x4.sub(logPosF32x4(u), f32x4.div(f32x4.add(f32x4.sub(u, one), x), u));
      return negF32x4(f32x4.add(f32x4.mul(y, logPosF32x4(x)), f32x4.mul(f32x4.sub(one, y), l1x)));
    }
    return bceAnyF32x4(x, y);
  }
  @inline daF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    return f32x4.div(f32x4.sub(x, y), f32x4.pmax(f32x4.mul(x, f32x4.sub(f32x4.splat(1), x)), f32x4.splat(<f32>1e-12)));
  }
  @inline dbF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    return f32x4.sub(log1pF32x4(negF32x4(x)), logF32x4(x));
  }
}

/** BCE's vector loss for any x (special values, clamps at −100): Bce.lossF4's rare path. */
// @ts-ignore: decorator
@inline function bceAnyF32x4(x: v128, y: v128): v128 {
  const lx = f32x4.pmax(logF32x4(x), f32x4.splat(-100));
  const l1x = f32x4.pmax(log1pF32x4(negF32x4(x)), f32x4.splat(-100));
  return negF32x4(f32x4.add(f32x4.mul(y, lx), f32x4.mul(f32x4.sub(f32x4.splat(1), y), l1x)));
}

/** log1p(e^−|x|), the shared part of softplus(x) and softplus(−x). Every hook spells it (and
 *  e^−|x|) from |x| the same way, so the engine computes it once per element when several hooks run.
 *  e^−|x| is in [0, 1], so no special-value check: a NaN x, the one exception, reaches every result
 *  through the pmax(±x, 0) term added to this. */
// @ts-ignore: decorator
@inline function softplusTailF32x4(x: v128): v128 {
  return log1pUnitF32x4(expFullF32x4(negF32x4(absF32x4(x))));
}

// BCEWithLogits with pos_weight pw (c): L = 1 + (pw − 1)·y; ℓ = (1 − y)·x + L·softplus(−x);
// ∂x = (pw·y + 1 − y)·σ(x) − pw·y; ∂y = −x, or logσ(−x) − pw·logσ(x) with a pos_weight (PyTorch's forms).
class BceLogits {
  @inline heavy(): void {}
  @inline loss<T>(x: T, y: T, pw: T, p0: f64, p1: f64): T {
    return (<T>1 - y) * x + (<T>1 + (pw - <T>1) * y) * softplusT<T>(-x);
  }
  @inline da<T>(x: T, y: T, pw: T, p0: f64, p1: f64): T {
    return (pw * y + <T>1 - y) * sigmoidT<T>(x) - pw * y;
  }
  /** PyTorch's target backward: logσ(−x) − pw·logσ(x) with a pos_weight (p0 = 1), else −x. (The
   *  algebraically equal −x + (pw − 1)·softplus(−x) would give 0·∞ = NaN at x = −∞.) */
  @inline db<T>(x: T, y: T, pw: T, p0: f64, p1: f64): T {
    return p0 != 0 ? pw * softplusT<T>(-x) - softplusT<T>(x) : -x;
  }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossF4(x: v128, y: v128, pw: v128, vp: v128, p0: f64, p1: f64): v128 {
    const one = f32x4.splat(1);
    const L = f32x4.add(one, f32x4.mul(f32x4.sub(pw, one), y));
    // softplus(−x) = max(−x, 0) + log1p(e^−|x|)
    const sp = f32x4.add(f32x4.pmax(negF32x4(x), f32x4.splat(0)), softplusTailF32x4(x));
    return f32x4.add(f32x4.mul(f32x4.sub(one, y), x), f32x4.mul(L, sp));
  }
  @inline daF4(x: v128, y: v128, pw: v128, vp: v128, p0: f64, p1: f64): v128 {
    const pwy = f32x4.mul(pw, y);
    const k = f32x4.sub(f32x4.add(pwy, f32x4.splat(1)), y);
    return f32x4.sub(f32x4.mul(k, sigmoidFromF32x4(x, expFullF32x4(negF32x4(absF32x4(x))))), pwy);
  }
  @inline dbF4(x: v128, y: v128, pw: v128, vp: v128, p0: f64, p1: f64): v128 {
    if (p0 == 0) return negF32x4(x);
    const t = softplusTailF32x4(x), zero = f32x4.splat(0);
    return f32x4.sub(f32x4.mul(pw, f32x4.add(f32x4.pmax(negF32x4(x), zero), t)), f32x4.add(f32x4.pmax(x, zero), t));
  }
  @inline dcF4(x: v128, y: v128, pw: v128, vp: v128, p0: f64, p1: f64): v128 { return f32x4.splat(0); }
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

// Variants an op class is instantiated with, chosen per call by the dispatcher from its parameters (a
// branch inside the loop would become a select computing both sides). Only isInteger<> of them is read.
type Fast = i32;     // the parameter allows a cheaper vector form (see SmoothL1, Gaussian)
type General = f64;

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

// ---------------------------------------------------------------- probabilistic: Poisson, Gaussian, KLDiv
// These mirror PyTorch's composite definitions op by op (same f32 rounding); their gradients are what
// autograd produces for those compositions, including where it yields NaN (0·log 0, 0/0).

/** Poisson `full` Stirling term y·log y − y + ½·log(2π·y), applied only where y > 1 (NaN y included,
 *  as masked_fill(y <= 1, 0) does). */
// @ts-ignore: decorator
@inline function stirling<T>(y: T): T {
  if (y <= <T>1) return <T>0;
  return y * logT<T>(y) - y + <T>0.5 * logT<T>(<T>(2 * Math.PI) * y);
}

/** ∂(masked Stirling term)/∂y as autograd computes it: log y + y/y − 1 + ½/y where y > 1; for masked
 *  positions the zero gradient still meets 0·log y and 0/y, which are NaN for y ≤ 0. */
// @ts-ignore: decorator
@inline function stirlingGrad<T>(y: T): T {
  if (y <= <T>1) return y > <T>0 ? <T>0 : <T>NaN;
  return logT<T>(y) + (y / y - <T>1) + <T>0.5 / y;
}

/** Lane-wise stirling (f32). */
// @ts-ignore: decorator
@inline function stirlingF32x4(y: v128): v128 {
  // one log: ½·log(2π·y) as ½·(log 2π + log y) (within an ulp of the scalar form)
  const ly = logF32x4(y);
  const v = f32x4.add(f32x4.sub(f32x4.mul(y, ly), y),
    f32x4.mul(f32x4.splat(0.5), f32x4.add(f32x4.splat(<f32>1.8378770664093453), ly)));
  return v128.andnot(v, f32x4.le(y, f32x4.splat(1)));
}

/** Lane-wise stirlingGrad (f32). */
// @ts-ignore: decorator
@inline function stirlingGradF32x4(y: v128): v128 {
  const v = f32x4.add(f32x4.add(logF32x4(y), f32x4.sub(f32x4.div(y, y), f32x4.splat(1))), f32x4.div(f32x4.splat(0.5), y));
  const masked = v128.andnot(f32x4.splat(NaN), f32x4.gt(y, f32x4.splat(0)));   // 0 where y > 0, else NaN
  return v128.bitselect(masked, v, f32x4.le(y, f32x4.splat(1)));
}

// PoissonNLL, log_input=True: ℓ = exp(x) − y·x (+ Stirling if p1 ≠ 0); ∂x = exp(x) − y; ∂y = −x (+ ...).
class PoissonLog {
  @inline heavy(): void {}
  @inline loss<T>(x: T, y: T, c: T, p0: f64, p1: f64): T {
    const l = expT<T>(x) - y * x;
    return p1 != 0 ? l + stirling<T>(y) : l;
  }
  @inline da<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return expT<T>(x) - y; }
  @inline db<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return p1 != 0 ? -x + stirlingGrad<T>(y) : -x; }
  @inline dc<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    const l = f32x4.sub(expFullF32x4(x), f32x4.mul(y, x));
    return p1 != 0 ? f32x4.add(l, stirlingF32x4(y)) : l;
  }
  @inline daF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return f32x4.sub(expFullF32x4(x), y); }
  @inline dbF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    return p1 != 0 ? f32x4.add(negF32x4(x), stirlingGradF32x4(y)) : negF32x4(x);
  }
}

// PoissonNLL, log_input=False: ℓ = x − y·log(x + eps) (+ Stirling); ∂x = 1 − y/(x + eps); ∂y = −log(x + eps).
class Poisson {
  @inline heavy(): void {}
  @inline loss<T>(x: T, y: T, c: T, p0: f64, p1: f64): T {
    const l = x - y * logT<T>(x + <T>p0);
    return p1 != 0 ? l + stirling<T>(y) : l;
  }
  @inline da<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return <T>1 + -y / (x + <T>p0); }
  @inline db<T>(x: T, y: T, c: T, p0: f64, p1: f64): T {
    const g = -logT<T>(x + <T>p0);
    return p1 != 0 ? g + stirlingGrad<T>(y) : g;
  }
  @inline dc<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    const l = f32x4.sub(x, f32x4.mul(y, logF32x4(f32x4.add(x, vp))));
    return p1 != 0 ? f32x4.add(l, stirlingF32x4(y)) : l;
  }
  @inline daF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    return f32x4.add(f32x4.splat(1), f32x4.div(negF32x4(y), f32x4.add(x, vp)));
  }
  @inline dbF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    const g = negF32x4(logF32x4(f32x4.add(x, vp)));
    return p1 != 0 ? f32x4.add(g, stirlingGradF32x4(y)) : g;
  }
}

/** max(var, eps) as the scalar max; R = Fast (eps > 0): pmax is the same there (a NaN var, first, stays
 *  NaN; ±0 var gives eps) and one instruction instead of V8's NaN- and ±0-exact max sequence. */
// @ts-ignore: decorator
@inline function clampVarF32x4<R>(vr: v128, vp: v128): v128 {
  if (isInteger<R>()) return f32x4.pmax(vr, vp);
  return f32x4.max(vr, vp);
}

// GaussianNLL with c = var (already broadcast), p0 = eps, p1 = full:
//   v = max(var, eps) (clamped outside autograd); ℓ = 0.5·(log v + (x − y)²/v) (+ ½·log 2π);
//   ∂x = (0.5/v)·2(x − y) = −∂y;  ∂var = 0.5/v − 0.5·((x − y)²/v)/v, evaluated at the clamped v.
class Gaussian<R> {
  @inline heavy(): void {}
  @inline loss<T>(x: T, y: T, vr: T, p0: f64, p1: f64): T {
    const v = max<T>(vr, <T>p0);
    const d = x - y;
    const l = <T>0.5 * (logT<T>(v) + d * d / v);
    return p1 != 0 ? l + <T>0.9189385332046727 : l;
  }
  @inline da<T>(x: T, y: T, vr: T, p0: f64, p1: f64): T {
    const v = max<T>(vr, <T>p0);
    return (<T>0.5 / v) * (<T>2 * (x - y));
  }
  @inline db<T>(x: T, y: T, vr: T, p0: f64, p1: f64): T {
    const v = max<T>(vr, <T>p0);
    return -((<T>0.5 / v) * (<T>2 * (x - y)));
  }
  @inline dc<T>(x: T, y: T, vr: T, p0: f64, p1: f64): T {
    const v = max<T>(vr, <T>p0);
    const d = x - y;
    return <T>0.5 / v + -(<T>0.5 * (d * d / v / v));
  }
  @inline lossF4(x: v128, y: v128, vr: v128, vp: v128, p0: f64, p1: f64): v128 {
    const v = clampVarF32x4<R>(vr, vp);
    const d = f32x4.sub(x, y);
    const l = f32x4.mul(f32x4.splat(0.5), f32x4.add(logF32x4(v), f32x4.div(f32x4.mul(d, d), v)));
    return p1 != 0 ? f32x4.add(l, f32x4.splat(<f32>0.9189385332046727)) : l;
  }
  @inline daF4(x: v128, y: v128, vr: v128, vp: v128, p0: f64, p1: f64): v128 {
    const d = f32x4.sub(x, y);
    return f32x4.mul(f32x4.div(f32x4.splat(0.5), clampVarF32x4<R>(vr, vp)), f32x4.add(d, d));
  }
  @inline dbF4(x: v128, y: v128, vr: v128, vp: v128, p0: f64, p1: f64): v128 {
    const d = f32x4.sub(x, y);
    return negF32x4(f32x4.mul(f32x4.div(f32x4.splat(0.5), clampVarF32x4<R>(vr, vp)), f32x4.add(d, d)));
  }
  @inline dcF4(x: v128, y: v128, vr: v128, vp: v128, p0: f64, p1: f64): v128 {
    const v = clampVarF32x4<R>(vr, vp);
    const d = f32x4.sub(x, y);
    const half = f32x4.splat(0.5);
    return f32x4.add(f32x4.div(half, v), negF32x4(f32x4.mul(half, f32x4.div(f32x4.div(f32x4.mul(d, d), v), v))));
  }
}

// KLDiv, log_target=False: ℓ = xlogy(y, y) − y·x with xlogy(0, ·) = 0; ∂x = −y;
// ∂y = xlogy(y ≠ 0, y) + y/y − x (NaN at y = 0, from autograd's 0/0).
class KlDiv {
  @inline heavy(): void {}
  @inline loss<T>(x: T, y: T, c: T, p0: f64, p1: f64): T {
    const xl: T = y == <T>0 ? <T>0 : y * logT<T>(y);
    return xl - y * x;
  }
  @inline da<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return -y; }
  @inline db<T>(x: T, y: T, c: T, p0: f64, p1: f64): T {
    const l: T = y == <T>0 ? <T>0 : logT<T>(y);
    return l + y / y - x;
  }
  @inline dc<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    const xl = v128.andnot(f32x4.mul(y, logF32x4(y)), f32x4.eq(y, f32x4.splat(0)));
    return f32x4.sub(xl, f32x4.mul(y, x));
  }
  @inline daF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return negF32x4(y); }
  @inline dbF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    const l = v128.andnot(logF32x4(y), f32x4.eq(y, f32x4.splat(0)));
    return f32x4.sub(f32x4.add(l, f32x4.div(y, y)), x);
  }
}

// KLDiv, log_target=True (t = log-probabilities): ℓ = exp(t)·(t − x); ∂x = −exp(t); ∂t = exp(t)·(t − x) + exp(t).
class KlDivLog {
  @inline heavy(): void {}
  @inline loss<T>(x: T, t: T, c: T, p0: f64, p1: f64): T { return expT<T>(t) * (t - x); }
  @inline da<T>(x: T, t: T, c: T, p0: f64, p1: f64): T { return -expT<T>(t); }
  @inline db<T>(x: T, t: T, c: T, p0: f64, p1: f64): T { const e = expT<T>(t); return (t - x) * e + e; }
  @inline dc<T>(x: T, t: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossF4(x: v128, t: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    return f32x4.mul(expFullF32x4(t), f32x4.sub(t, x));
  }
  @inline daF4(x: v128, t: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return negF32x4(expFullF32x4(t)); }
  @inline dbF4(x: v128, t: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    const e = expFullF32x4(t);
    return f32x4.add(f32x4.mul(f32x4.sub(t, x), e), e);
  }
}

// @ts-ignore: decorator
@inline function dispatch<T>(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                             out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  switch (op) {
    case Op.MSE: return run<T, Mse>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case Op.L1: return run<T, L1>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case Op.BCE: return run<T, Bce>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case Op.BCE_LOGITS: return run<T, BceLogits>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case Op.HUBER:
      // δ not > 0 in T (src/ checks δ > 0; a tiny one can round to 0): the lane-wise clamp would give
      // +0 for −0 at d = +0
      if (!(<T>p0 > 0)) return runScalar<T, Huber>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
      return run<T, Huber>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case Op.SMOOTH_L1: {
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
    case Op.POISSON_LOG: return run<T, PoissonLog>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case Op.POISSON: return run<T, Poisson>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    // eps ≤ 0 (rare) takes the scalar loop rather than a second vector instantiation
    case Op.GAUSSIAN: return p0 > 0 ? run<T, Gaussian<Fast>>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale)
      : runScalar<T, Gaussian<General>>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case Op.KL_DIV: return run<T, KlDiv>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case Op.KL_DIV_LOG: return run<T, KlDivLog>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
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
