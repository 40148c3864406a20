// Shared numerics for every kernel family: generic scalar transcendental functions that pick the
// f32 or f64 implementation at compile time, the vectorised f32x4 exp, and small helpers.
//
// Kernels are written once as generics over T (f32 | f64) and instantiated per dtype by the
// exported wrappers in each family file.

/** Element size shift: byte offset of element i is i << shiftOf<T>(). */
// @ts-ignore: decorator
@inline export function shiftOf<T>(): usize {
  return sizeof<T>() == 8 ? 3 : 2;
}

// @ts-ignore: decorator
@inline export function ld<T>(base: usize, i: usize): T {
  return load<T>(base + (i << shiftOf<T>()));
}

// @ts-ignore: decorator
@inline export function st<T>(base: usize, i: usize, v: T): void {
  store<T>(base + (i << shiftOf<T>()), v);
}

// @ts-ignore: decorator
@inline export function expT<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.exp(<f32>x);
  return <T>Math.exp(<f64>x);
}

// @ts-ignore: decorator
@inline export function logT<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.log(<f32>x);
  return <T>Math.log(<f64>x);
}

// @ts-ignore: decorator
@inline export function log1pT<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.log1p(<f32>x);
  return <T>Math.log1p(<f64>x);
}

/** softplus(x) = log(1 + e^x), overflow-free: max(x, 0) + log1p(e^-|x|). */
// @ts-ignore: decorator
@inline export function softplusT<T>(x: T): T {
  return max<T>(x, <T>0) + log1pT<T>(expT<T>(-abs<T>(x)));
}

/** Logistic sigmoid that is exact at ±inf (0 and 1) and never overflows. */
// @ts-ignore: decorator
@inline export function sigmoidT<T>(x: T): T {
  if (x >= <T>0) return <T>1 / (<T>1 + expT<T>(-x));
  const e = expT<T>(x);
  return e / (<T>1 + e);
}

/** sign with sign(0) = sign(-0) = sign(NaN) = 0, as torch.sign in autograd of abs. */
// @ts-ignore: decorator
@inline export function signT<T>(x: T): T {
  return x > <T>0 ? <T>1 : x < <T>0 ? <T>-1 : <T>0;
}

// ---- f32x4 exp (Cody–Waite reduction + degree-5 Cephes polynomial; max error 1 ulp on [-87, 88]) ----
// Inputs below -87.34 return FLT_MIN-ish tiny values rather than 0; callers that need exact 0
// for masked lanes must mask them themselves. NaN propagates (the data operand comes first in pmax/pmin).

// @ts-ignore: decorator
@inline export function expF32x4(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.33654)), f32x4.splat(88.3762626647949));
  // n = round(x / ln2) via the 1.5·2^23 magic number: after the add, the integer n sits in the low
  // mantissa bits of fx, so 2^n is built from fx's bits below (no float→int conversion needed).
  const magic = f32x4.splat(12582912.0);
  const fx = f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), magic);
  const n = f32x4.sub(fx, magic);
  // r = x - n·ln2 with ln2 split in two for exactness
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  const r2 = f32x4.mul(r, r);
  y = f32x4.add(f32x4.add(f32x4.mul(y, r2), r), f32x4.splat(1.0));
  // 2^n: (bits(fx) − bits(magic)) = n as an integer; shift n + 127 into the exponent field
  const pow2n = i32x4.shl(i32x4.add(i32x4.sub(fx, magic), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

// @ts-ignore: decorator
@inline export function hsumF32x4(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) +
         <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

// @ts-ignore: decorator
@inline export function hmaxF32x4(v: v128): f32 {
  return max<f32>(max<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)),
                  max<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

/** Lane count of a v128 of T. */
// @ts-ignore: decorator
@inline export function lanesOf<T>(): i32 {
  return 16 / sizeof<T>();
}

/** Horizontal sum of a v128 of T, widened to f64. */
// @ts-ignore: decorator
@inline export function hsum<T>(v: v128): f64 {
  if (sizeof<T>() == 4) return hsumF32x4(v);
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Elements summed in T lanes before the partial sum is flushed into an f64 total: keeps SIMD speed
 *  with a relative error near 1e-9 for f32 at 10^7 elements. */
export const FLUSH_BLOCK: i32 = 4096;
