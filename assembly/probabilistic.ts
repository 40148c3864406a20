// Probabilistic family: PoissonNLLLoss, GaussianNLLLoss and KLDivLoss, as elementwise op classes on
// the shared driver (driver.ts: the op contract). Op ids and the meaning of p0/p1 per op are declared
// in src/abi.ts.
//
// These mirror PyTorch's composite definitions op by op (same f32 rounding); their gradients are what
// autograd produces for those compositions, including where it yields NaN (0·log 0, 0/0).

import { expT, logT, negF32x4, expFullF32x4, logF32x4 } from "./math";
import { run, runScalar, Fast, General } from "./driver";
import { ProbabilisticOp } from "../src/abi";

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
    case ProbabilisticOp.POISSON_LOG: return run<T, PoissonLog>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case ProbabilisticOp.POISSON: return run<T, Poisson>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    // eps ≤ 0 (rare) takes the scalar loop rather than a second vector instantiation
    case ProbabilisticOp.GAUSSIAN: return p0 > 0 ? run<T, Gaussian<Fast>>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale)
      : runScalar<T, Gaussian<General>>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case ProbabilisticOp.KL_DIV: return run<T, KlDiv>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case ProbabilisticOp.KL_DIV_LOG: return run<T, KlDivLog>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
  }
  unreachable();
  return 0;
}

export function probabilistic_f32(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                                  out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f32>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}

export function probabilistic_f64(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                                  out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f64>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}
