// Arithmetic that loss code composes (add, sub, mul, div, neg, abs, pow, exp, log) as elementwise op
// classes on the shared driver (driver.ts: the op contract). `loss` is the op's value and da/db its
// local derivatives, which src/elementwise.ts saves for backward(). A number operand arrives as p0
// (the `_SCALAR` ops), so it is never broadcast into memory. Op ids and p0/p1 per op: src/abi.ts.
// Formulas follow PyTorch's CPU kernels and its derivatives (tools/autograd/derivatives.yaml,
// torch/csrc/autograd/FunctionsManual.cpp) where the order of operations shows in the last bit or at
// special values (division's ∂b, pow's exponents).

import { negV, absV, signT, expT, logT, expFullF32x4, logF32x4 } from "./math";
import { run } from "./driver";
import { ArithmeticOp } from "../src/abi";

// ---------------------------------------------------------------- two tensors

/** a + p0·b: add (p0 = 1) and sub (p0 = −1; a + (−b) is a − b exactly). */
class AddScaled {
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return a + b * <T>p0; }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>1; }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>p0; }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossPV<T>(a: v128, b: v128, vp: v128, vq: v128): v128 { return v128.add<T>(a, v128.mul<T>(b, vp)); }
  @inline daPV<T>(a: v128, b: v128, vp: v128, vq: v128): v128 { return v128.splat<T>(<T>1); }
  @inline dbPV<T>(a: v128, b: v128, vp: v128, vq: v128): v128 { return vp; }
}

class Mul {
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return a * b; }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return b; }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return a; }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossV<T>(a: v128, b: v128): v128 { return v128.mul<T>(a, b); }
  @inline daV<T>(a: v128, b: v128): v128 { return b; }
  @inline dbV<T>(a: v128, b: v128): v128 { return a; }
}

/** ∂/∂b = −((a/b)/b), as div_tensor_other_backward (FunctionsManual.cpp): no b·b to overflow or
 *  underflow first. */
class Div {
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return a / b; }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>1 / b; }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return -((a / b) / b); }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossV<T>(a: v128, b: v128): v128 { return v128.div<T>(a, b); }
  @inline daV<T>(a: v128, b: v128): v128 { return v128.div<T>(v128.splat<T>(<T>1), b); }
  @inline dbV<T>(a: v128, b: v128): v128 { return negV<T>(v128.div<T>(v128.div<T>(a, b), b)); }
}

// ---------------------------------------------------------------- a tensor and a number (p0)

/** a·p0 + p1, exact for what it stands for: a + s (p0 = 1), s − a (p0 = −1), a·s (p1 = −0, which
 *  leaves every sum unchanged, −0 included) and −a (p0 = −1, p1 = −0). */
class Affine {
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return a * <T>p0 + <T>p1; }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>p0; }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossPV<T>(a: v128, b: v128, vp: v128, vq: v128): v128 { return v128.add<T>(v128.mul<T>(a, vp), vq); }
  @inline daPV<T>(a: v128, b: v128, vp: v128, vq: v128): v128 { return vp; }
  @inline dbPV<T>(a: v128, b: v128, vp: v128, vq: v128): v128 { return v128.splat<T>(<T>0); }
}

class DivScalar {
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return a / <T>p0; }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>1 / <T>p0; }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossPV<T>(a: v128, b: v128, vp: v128, vq: v128): v128 { return v128.div<T>(a, vp); }
  @inline daPV<T>(a: v128, b: v128, vp: v128, vq: v128): v128 { return v128.div<T>(v128.splat<T>(<T>1), vp); }
  @inline dbPV<T>(a: v128, b: v128, vp: v128, vq: v128): v128 { return v128.splat<T>(<T>0); }
}

/** p0 / a as torch.div(number, tensor) computes it (true division); ∂a = −((p0/a)/a) as Div's ∂b. */
class RdivScalar {
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>p0 / a; }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return -((<T>p0 / a) / a); }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossPV<T>(a: v128, b: v128, vp: v128, vq: v128): v128 { return v128.div<T>(vp, a); }
  @inline daPV<T>(a: v128, b: v128, vp: v128, vq: v128): v128 { return negV<T>(v128.div<T>(v128.div<T>(vp, a), a)); }
  @inline dbPV<T>(a: v128, b: v128, vp: v128, vq: v128): v128 { return v128.splat<T>(<T>0); }
}

// ---------------------------------------------------------------- one tensor

/** ∂ = sign(a), 0 at ±0 and NaN (derivatives.yaml: abs is grad · sgn(a), and sgn(NaN) is 0 there). */
class Abs {
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return abs<T>(a); }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return signT<T>(a); }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossV<T>(a: v128, b: v128): v128 { return absV<T>(a); }
  /** ±1 carrying a's sign bit, kept only in lanes where a is non-zero and not NaN. */
  @inline daV<T>(a: v128, b: v128): v128 {
    const zero = v128.splat<T>(<T>0);
    const unit = v128.or(v128.and(a, negV<T>(zero)), v128.splat<T>(<T>1));
    return v128.and(unit, v128.or(v128.gt<T>(a, zero), v128.lt<T>(a, zero)));
  }
  @inline dbV<T>(a: v128, b: v128): v128 { return v128.splat<T>(<T>0); }
}

/** a^e as PyTorch's pow kernels compute it: e = 0 fills 1 and e = 1 copies (pow_Tensor_Scalar_out,
 *  aten/src/ATen/native/Pow.cpp); 0.5, −0.5, −1 are sqrt, 1/sqrt, 1/a and 2, 3, −2 products
 *  (aten/src/ATen/native/cpu/PowKernel.cpp); anything else is pow with e rounded to T. Those forms differ
 *  from pow() at −0 and in the last bit, which is why they are kept. A call, not inlined: pow is slow
 *  anyway, and each inlined copy would be large. */
function powT<T>(x: T, e: f64): T {
  if (e == 0) return <T>1;
  if (e == 1) return x;
  if (e == 2) return x * x;
  if (e == 3) return x * x * x;
  if (e == 0.5) return sqrt<T>(x);
  if (e == -0.5) return <T>1 / sqrt<T>(x);
  if (e == -1) return <T>1 / x;
  if (e == -2) return <T>1 / (x * x);
  // C's pow, which PyTorch calls, gives 1 for 1^y (y NaN too) and (−1)^±inf; AssemblyScript's follows JS: NaN
  if (x == <T>1 || (x == <T>-1 && !isFinite<f64>(e) && e == e)) return <T>1;
  if (sizeof<T>() == 4) return <T>Mathf.pow(<f32>x, <f32>e);
  return <T>Math.pow(<f64>x, e);
}

/** a^p0; ∂ = p0 · a^p1 with p1 = p0 − 1, and 0 everywhere for p0 = 0 (pow_backward, FunctionsManual.cpp). */
class Pow {
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return powT<T>(a, p0); }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return p0 == 0 ? <T>0 : <T>p0 * powT<T>(a, p1); }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
}

/** Pow at p0 = 2 (squared differences, the common case), vectorised: a·a, ∂ = 2·a^1 = a + a. */
class Square {
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return a * a; }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>2 * a; }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossV<T>(a: v128, b: v128): v128 { return v128.mul<T>(a, a); }
  @inline daV<T>(a: v128, b: v128): v128 { return v128.add<T>(a, a); }
  @inline dbV<T>(a: v128, b: v128): v128 { return v128.splat<T>(<T>0); }
}

/** e^a, ∂ = e^a. f32 vectors use math.ts's full-range exp (subnormals, 0 and inf as the scalar). */
class Exp {
  @inline heavy(): void {}
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return expT<T>(a); }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return expT<T>(a); }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossF4(a: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return expFullF32x4(a); }
  @inline daF4(a: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return expFullF32x4(a); }
  @inline dbF4(a: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return f32x4.splat(0); }
}

/** log a (−inf at ±0, NaN below 0), ∂ = 1/a (±inf at ±0; finite for negative a, as in PyTorch). */
class Log {
  @inline heavy(): void {}
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return logT<T>(a); }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>1 / a; }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossF4(a: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return logF32x4(a); }
  @inline daF4(a: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return f32x4.div(f32x4.splat(1), a); }
  @inline dbF4(a: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return f32x4.splat(0); }
}

// @ts-ignore: decorator
@inline function dispatch<T>(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                             out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  // several ids share a class (one instance of the driver's loops each) with the parameters set here
  switch (op) {
    case ArithmeticOp.ADD: return run<T, AddScaled>(n, a, b, c, w, 1, p1, out, ga, gb, gc, gscale);
    case ArithmeticOp.SUB: return run<T, AddScaled>(n, a, b, c, w, -1, p1, out, ga, gb, gc, gscale);
    case ArithmeticOp.MUL: return run<T, Mul>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case ArithmeticOp.DIV: return run<T, Div>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case ArithmeticOp.ADD_SCALAR: return run<T, Affine>(n, a, b, c, w, 1, p0, out, ga, gb, gc, gscale);
    case ArithmeticOp.RSUB_SCALAR: return run<T, Affine>(n, a, b, c, w, -1, p0, out, ga, gb, gc, gscale);
    case ArithmeticOp.MUL_SCALAR: return run<T, Affine>(n, a, b, c, w, p0, -0.0, out, ga, gb, gc, gscale);
    case ArithmeticOp.DIV_SCALAR: return run<T, DivScalar>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case ArithmeticOp.RDIV_SCALAR: return run<T, RdivScalar>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case ArithmeticOp.NEG: return run<T, Affine>(n, a, b, c, w, -1, -0.0, out, ga, gb, gc, gscale);
    case ArithmeticOp.ABS: return run<T, Abs>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case ArithmeticOp.POW:
      if (p0 == 2) return run<T, Square>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
      return run<T, Pow>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case ArithmeticOp.EXP: return run<T, Exp>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case ArithmeticOp.LOG: return run<T, Log>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
  }
  unreachable();
  return 0;
}

export function arithmetic_f32(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                               out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f32>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}

export function arithmetic_f64(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                               out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f64>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}
