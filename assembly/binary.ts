// Binary family: BCELoss and BCEWithLogitsLoss, as elementwise op classes on the shared driver
// (driver.ts: the op contract). Op ids and the meaning of p0 per op are declared in src/abi.ts.

import {
  logT, log1pT, softplusT, sigmoidT, negF32x4, absF32x4, expFullF32x4, logF32x4, logPosF32x4, log1pF32x4,
  log1pUnitF32x4, sigmoidFromF32x4, allInF32x4,
} from "./math";
import { run } from "./driver";
import { BinaryOp } from "../src/abi";

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

// @ts-ignore: decorator
@inline function dispatch<T>(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                             out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  switch (op) {
    case BinaryOp.BCE: return run<T, Bce>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case BinaryOp.BCE_LOGITS: return run<T, BceLogits>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
  }
  unreachable();
  return 0;
}

export function binary_f32(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                           out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f32>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}

export function binary_f64(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                           out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f64>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}
