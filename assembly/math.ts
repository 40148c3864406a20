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

// −x and |x| as one bitwise op with a constant sign mask: V8 rebuilds the mask of f32x4.neg / abs at
// every use (three instructions), while a v128 constant is hoisted out of the loop. Same bits.
// @ts-ignore: decorator
@inline export function negV<T>(x: v128): v128 {
  return v128.xor(x, sizeof<T>() == 4 ? i32x4.splat(i32.MIN_VALUE) : i64x2.splat(i64.MIN_VALUE));
}
// @ts-ignore: decorator
@inline export function absV<T>(x: v128): v128 {
  return v128.and(x, sizeof<T>() == 4 ? i32x4.splat(i32.MAX_VALUE) : i64x2.splat(i64.MAX_VALUE));
}
// @ts-ignore: decorator
@inline export function negF32x4(x: v128): v128 { return negV<f32>(x); }
// @ts-ignore: decorator
@inline export function absF32x4(x: v128): v128 { return absV<f32>(x); }

/** sign with sign(0) = sign(-0) = sign(NaN) = 0, as torch.sign in autograd of abs. */
// @ts-ignore: decorator
@inline export function signT<T>(x: T): T {
  return x > <T>0 ? <T>1 : x < <T>0 ? <T>-1 : <T>0;
}

// ---- a·b + c and c − a·b: fused (relaxed_madd / relaxed_nmadd) in the relaxed-SIMD build, whose
// results may then differ from the SIMD build's in the last bit (more exact, not less); separate
// multiply and add everywhere else.

// @ts-ignore: decorator
@inline export function maddF32x4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
// @ts-ignore: decorator
@inline export function nmaddF32x4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  return f32x4.sub(c, f32x4.mul(a, b));
}

// ---- f32x4 exp (Cody–Waite reduction + degree-5 Cephes polynomial; max error 1 ulp on [-87, 88]) ----
// Inputs below -87.34 return FLT_MIN-ish tiny values rather than 0; callers that need exact 0
// for masked lanes must mask them themselves. NaN propagates (the data operand comes first in pmax/pmin).

/** The f32x4 exp for x ≤ 0 or NaN (softmax's x − max): inputs are clamped below at −87.34 only, since
 *  nothing above 0 arrives. */
// @ts-ignore: decorator
@inline export function expNonPosF32x4(x: v128): v128 {
  x = clampNonPos(x);
  const fx = expRound(x);
  return f32x4.mul(expPoly(x, fx), pow2n(fx));
}

/** expNonPosF32x4 of four vectors into dst, dst + 16, dst + 32, dst + 48 (no multiple returns in
 *  AssemblyScript), one step at a time across the four: the same operations per vector, so the same bits.
 *  Four exps one after another, results kept for the caller, made Bun's top tier (JavaScriptCore's OMG)
 *  spill on the critical path: resident CE [4096,1000] forward 9.9 → 5.7 ms in Bun, 5.1 → 4.5 ms in
 *  Node 20 and 22. Every step is four-wide on purpose: four-wide clamps and roundings alone left Node 22
 *  at 5.8 ms. */
// @ts-ignore: decorator
@inline export function exp4NonPosF32x4(x0: v128, x1: v128, x2: v128, x3: v128, dst: usize): void {
  x0 = clampNonPos(x0); x1 = clampNonPos(x1); x2 = clampNonPos(x2); x3 = clampNonPos(x3);
  const f0 = expRound(x0), f1 = expRound(x1), f2 = expRound(x2), f3 = expRound(x3);
  const r0 = expReduce(x0, f0), r1 = expReduce(x1, f1), r2 = expReduce(x2, f2), r3 = expReduce(x3, f3);
  const c = v128.load(EXP_K, K_P0);
  let y0 = expPolyStep(c, r0, 1), y1 = expPolyStep(c, r1, 1), y2 = expPolyStep(c, r2, 1), y3 = expPolyStep(c, r3, 1);
  y0 = expPolyStep(y0, r0, 2); y1 = expPolyStep(y1, r1, 2); y2 = expPolyStep(y2, r2, 2); y3 = expPolyStep(y3, r3, 2);
  y0 = expPolyStep(y0, r0, 3); y1 = expPolyStep(y1, r1, 3); y2 = expPolyStep(y2, r2, 3); y3 = expPolyStep(y3, r3, 3);
  y0 = expPolyStep(y0, r0, 4); y1 = expPolyStep(y1, r1, 4); y2 = expPolyStep(y2, r2, 4); y3 = expPolyStep(y3, r3, 4);
  y0 = expPolyStep(y0, r0, 5); y1 = expPolyStep(y1, r1, 5); y2 = expPolyStep(y2, r2, 5); y3 = expPolyStep(y3, r3, 5);
  y0 = expPolyEnd(y0, r0); y1 = expPolyEnd(y1, r1); y2 = expPolyEnd(y2, r2); y3 = expPolyEnd(y3, r3);
  v128.store(dst, f32x4.mul(y0, pow2n(f0))); v128.store(dst, f32x4.mul(y1, pow2n(f1)), 16);
  v128.store(dst, f32x4.mul(y2, pow2n(f2)), 32); v128.store(dst, f32x4.mul(y3, pow2n(f3)), 48);
}

// ---- full-range f32x4 exp: same reduction and polynomial as expNonPosF32x4, but 2^n is applied as two
// factors 2^⌊n/2⌋·2^(n−⌊n/2⌋), so the input range is [−104, 89]: results below FLT_MIN come out as
// (correctly rounded) subnormals, exp(−inf) and anything below −103.97 give exactly 0, and anything
// above ln(FLT_MAX) gives +inf. NaN propagates.

// @ts-ignore: decorator
@inline export function expFullF32x4(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-104.0)), f32x4.splat(89.0));
  const fx = expRound(x);
  const ni = i32x4.sub(fx, v128.load(EXP_K, K_MAGIC)); // n as an integer, in [−150, 128]
  const n1 = i32x4.shr_s(ni, 1), n2 = i32x4.sub(ni, i32x4.shr_s(ni, 1));
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(expPoly(x, fx), s1), s2);
}

// The exp constants, each splatted to a vector: V8 rebuilds a v128.const in every loop iteration (three
// instructions) but keeps a load from memory to one (~10 % of a softmax loop).
const EXP_K = memory.data<f32>([
  -87.33654, -87.33654, -87.33654, -87.33654,                                  // K_LO: lower clamp
  1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341, // log2(e)
  12582912.0, 12582912.0, 12582912.0, 12582912.0,                              // K_MAGIC: 1.5·2^23
  0.693359375, 0.693359375, 0.693359375, 0.693359375,                          // ln 2, high part
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4,              // ln 2, low part
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4,          // K_P0: polynomial
  1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3,
  4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1,
  5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,
  1.0, 1.0, 1.0, 1.0,                                                          // K_ONE
], 16);
const K_LO: usize = 0, K_MAGIC: usize = 32, K_P0: usize = 80, K_ONE: usize = 176;

// @ts-ignore: decorator
@inline function clampNonPos(x: v128): v128 {
  return f32x4.pmax(x, v128.load(EXP_K, K_LO));
}

/** fx = x·log2(e) + 1.5·2^23: n = round(x / ln 2) as a float (fx − magic) and as bits (bits(fx) − bits(magic)). */
// @ts-ignore: decorator
@inline function expRound(x: v128): v128 {
  return f32x4.add(f32x4.mul(x, v128.load(EXP_K, 16)), v128.load(EXP_K, K_MAGIC));
}

/** 2^n from fx: bits(fx) = bits(1.5·2^23) + n, so (bits(fx) − (bits(1.5·2^23) − 127)) << 23 is 2^n. */
// @ts-ignore: decorator
@inline function pow2n(fx: v128): v128 {
  return i32x4.shl(i32x4.sub(fx, i32x4.splat(0x4b400000 - 127)), 23);
}

/** e^r for r = x − n·ln2: the steps below. */
// @ts-ignore: decorator
@inline function expPoly(x: v128, fx: v128): v128 {
  const r = expReduce(x, fx);
  let y = v128.load(EXP_K, K_P0);
  y = expPolyStep(y, r, 1);
  y = expPolyStep(y, r, 2);
  y = expPolyStep(y, r, 3);
  y = expPolyStep(y, r, 4);
  y = expPolyStep(y, r, 5);
  return expPolyEnd(y, r);
}

/** r = x − n·ln2 (ln2 split in two for exactness). */
// @ts-ignore: decorator
@inline function expReduce(x: v128, fx: v128): v128 {
  const n = f32x4.sub(fx, v128.load(EXP_K, K_MAGIC));
  let r = nmaddF32x4(n, v128.load(EXP_K, 48), x);
  r = nmaddF32x4(n, v128.load(EXP_K, 64), r);
  return r;
}

/** Horner step i (1..5) of the degree-5 Cephes expf polynomial in r: y·r + its coefficient i. */
// @ts-ignore: decorator
@inline function expPolyStep(y: v128, r: v128, i: usize): v128 {
  return maddF32x4(y, r, v128.load(EXP_K + K_P0 + (i << 4)));
}

/** e^r from the Horner sum y: y·r² + r + 1. */
// @ts-ignore: decorator
@inline function expPolyEnd(y: v128, r: v128): v128 {
  return f32x4.add(maddF32x4(y, f32x4.mul(r, r), r), v128.load(EXP_K, K_ONE));
}

// ---- f32x4 natural log: frexp by bit manipulation + the Cephes logf polynomial (≤ 2 ulp on positive
// normals). Subnormals are scaled by 2^23 first; +inf → +inf, ±0 → −inf, negative or NaN → NaN.
// Vectors whose lanes are all positive normal numbers (the usual case) take logPosF32x4, which skips the
// special-value handling (a third of the work) and gives the same bits.

/** All four lanes lie in [lo, hi) (so none is NaN). A mask test by movmskps: cheaper in V8 than all_true. */
// @ts-ignore: decorator
@inline export function allInF32x4(x: v128, lo: f32, hi: f32): bool {
  return i32x4.bitmask(v128.and(f32x4.ge(x, f32x4.splat(lo)), f32x4.lt(x, f32x4.splat(hi)))) == 15;
}

/** All four lanes are positive, normal and finite (not NaN): logPosF32x4's domain. */
// @ts-ignore: decorator
@inline export function allPosNormalF32x4(x: v128): bool {
  return allInF32x4(x, 1.17549435e-38, Infinity);
}

// @ts-ignore: decorator
@inline export function logF32x4(x: v128): v128 {
  if (allPosNormalF32x4(x)) return logPosF32x4(x);
  return logAnyF32x4(x);
}

/** log of positive normal finite lanes only (other lanes give garbage). Same bits as logAnyF32x4 there:
 *  subtracting bits(√½) splits x into 2^e·m with m in [√½, √2), so f = m − 1 is exact and no
 *  "m < √½" select is needed (Cephes' 2m − 1 branch is the same number). */
// @ts-ignore: decorator
@inline export function logPosF32x4(x: v128): v128 {
  const t = i32x4.sub(x, i32x4.splat(0x3f3504f3));
  const ef = f32x4.convert_i32x4_s(i32x4.shr_s(t, 23));
  const m = i32x4.add(v128.and(t, i32x4.splat(0x007fffff)), i32x4.splat(0x3f3504f3));
  return logPoly(f32x4.sub(m, f32x4.splat(1.0)), ef);
}

/** log(1 + f) + e·ln 2 for the reduced f in [√½ − 1, √2 − 1) (exact) and e as a float: Cephes logf. */
// @ts-ignore: decorator
@inline function logPoly(f: v128, ef: v128): v128 {
  const z = f32x4.mul(f, f);
  let y = f32x4.splat(7.0376836292e-2);
  y = maddF32x4(y, f, f32x4.splat(-1.1514610310e-1));
  y = maddF32x4(y, f, f32x4.splat(1.1676998740e-1));
  y = maddF32x4(y, f, f32x4.splat(-1.2420140846e-1));
  y = maddF32x4(y, f, f32x4.splat(1.4249322787e-1));
  y = maddF32x4(y, f, f32x4.splat(-1.6668057665e-1));
  y = maddF32x4(y, f, f32x4.splat(2.0000714765e-1));
  y = maddF32x4(y, f, f32x4.splat(-2.4999993993e-1));
  y = maddF32x4(y, f, f32x4.splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, f), z);
  y = maddF32x4(ef, f32x4.splat(-2.12194440e-4), y);
  y = nmaddF32x4(z, f32x4.splat(0.5), y);
  const r = f32x4.add(f, y);
  return maddF32x4(ef, f32x4.splat(0.693359375), r);
}

/** log for any lanes, special values included: the slow path of logF32x4. Inlined: were it a call, V8
 *  would spill the loop's live vectors around it on the hot path too. */
// @ts-ignore: decorator
@inline function logAnyF32x4(x: v128): v128 {
  const tiny = f32x4.lt(x, f32x4.splat(1.17549435e-38));          // subnormal, zero or negative
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, tiny);
  // exponent (for mantissa in [0.5, 1)) and mantissa; the sign bit only matters for lanes fixed below
  let e = i32x4.sub(i32x4.shr_u(xs, 23), i32x4.splat(126));
  e = i32x4.sub(e, v128.and(tiny, i32x4.splat(23)));
  const m = v128.or(v128.and(xs, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  // m < √½: use 2m − 1 and e − 1 (Cephes), else m − 1; both exact
  const lo = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  e = i32x4.add(e, lo);
  const f = f32x4.sub(f32x4.add(m, v128.and(m, lo)), f32x4.splat(1.0));
  let r = logPoly(f, f32x4.convert_i32x4_s(e));
  r = v128.bitselect(f32x4.splat(Infinity), r, f32x4.eq(x, f32x4.splat(Infinity)));
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, f32x4.splat(0)));
  return v128.or(r, v128.not(f32x4.ge(x, f32x4.splat(0))));          // negative or NaN → NaN (all ones)
}

/** f32x4 log1p: u = 1 + x, log(u) − ((u − 1) − x)/u (exact x where u rounds to 1); x = −1 → −inf,
 *  +inf → +inf, x < −1 or NaN → NaN. */
// @ts-ignore: decorator
@inline export function log1pF32x4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  const u = f32x4.add(one, x);
  const corr = f32x4.div(f32x4.sub(f32x4.sub(u, one), x), u);
  if (allPosNormalF32x4(u)) return f32x4.sub(logPosF32x4(u), corr);
  return log1pAnyF32x4(u, corr);
}

/** log1p(e) for e in [0, 1], where 1 + e is a positive normal: log1pF32x4 without the special-value
 *  check (same bits). A NaN e gives an unspecified number: only for callers whose result is NaN anyway. */
// @ts-ignore: decorator
@inline export function log1pUnitF32x4(e: v128): v128 {
  const one = f32x4.splat(1.0);
  const u = f32x4.add(one, e);
  return f32x4.sub(logPosF32x4(u), f32x4.div(f32x4.sub(f32x4.sub(u, one), e), u));
}

/** The special-value path of log1pF32x4. */
// @ts-ignore: decorator
@inline function log1pAnyF32x4(u: v128, corr: v128): v128 {
  const lu = logAnyF32x4(u);
  return v128.bitselect(lu, f32x4.sub(lu, corr), v128.or(f32x4.eq(u, f32x4.splat(0)), f32x4.eq(u, f32x4.splat(Infinity))));
}

/** f32x4 sigmoid from e = exp(−|x|) (pass it in): x ≥ 0 ? 1/(1 + e) : e/(1 + e), as sigmoidT. */
// @ts-ignore: decorator
@inline export function sigmoidFromF32x4(x: v128, e: v128): v128 {
  const d = f32x4.add(f32x4.splat(1.0), e);
  return v128.bitselect(f32x4.div(f32x4.splat(1.0), d), f32x4.div(e, d), f32x4.ge(x, f32x4.splat(0)));
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
