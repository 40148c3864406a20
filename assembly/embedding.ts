// Embedding family: CosineEmbedding, TripletMargin and TripletMarginWithDistance (row-wise distances
// over the last dim and their gradients).
//
// Layout: operands arrive expanded to one broadcast shape [R, D] (rows contiguous, D = last dim).
// A pair whose own last dim was 1 (broadcast along D) is summed over `count` = 1 element instead of
// D: PyTorch reduces each pair over its own broadcast last dim, and the expanded copies are equal.
// Gradients are written in the same call, already scaled by the reduction's `gscale`, and follow
// the order of PyTorch's autograd formulas in T (f32 or f64) so f32 rounding matches; per-element
// terms are formed in T and summed in f64, then rounded to T, as a T-typed PyTorch sum would be.
// The backward chain is evaluated even where the upstream gradient is 0: PyTorch does, and
// 0·NaN / 0·inf there is what makes NaN inputs give NaN gradients (docs/semantics.md, "NaN in the
// embedding losses").

import { ld, st, shiftOf, lanesOf, hsum, signT, FLUSH_BLOCK } from "./math";
import { run } from "./driver";

// @ts-ignore: decorator
@inline function powT<T>(x: T, y: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.pow(<f32>x, <f32>y);
  return <T>Math.pow(<f64>x, <f64>y);
}

// ---------------------------------------------------------------- p-norm distance

// How ‖·‖_p is computed; PyTorch's norm and norm_backward special-case the same values.
const enum Kind { TWO = 0, ONE = 1, INF = 2, NEG_INF = 3, ZERO = 4, GENERAL = 5 }

function kindOf(p: f64): i32 {
  if (p == 2) return Kind.TWO;
  if (p == 1) return Kind.ONE;
  if (p == Infinity) return Kind.INF;
  if (p == -Infinity) return Kind.NEG_INF;
  if (p == 0) return Kind.ZERO;
  return Kind.GENERAL;
}

/** Lane-wise sign with sign(0) = sign(NaN) = 0. */
// @ts-ignore: decorator
@inline function signV<T>(u: v128): v128 {
  const zero = v128.splat<T>(<T>0);
  const one = v128.splat<T>(<T>1);
  return v128.sub<T>(v128.and(v128.gt<T>(u, zero), one), v128.and(v128.lt<T>(u, zero), one));
}

/** Σ (x − y + e)² (kind TWO) or Σ |x − y + e| (ONE) over n contiguous elements, terms in T, total in f64. */
function sumTerms<T>(x: usize, y: usize, n: i32, e: T, squares: bool): f64 {
  let total: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const L = lanesOf<T>();
    const ve = v128.splat<T>(e);
    while (i + L <= n) {
      const end = min<i32>(n - L + 1, i + FLUSH_BLOCK);
      let acc = v128.splat<T>(<T>0);
      for (; i < end; i += L) {
        const off = <usize>i << shiftOf<T>();
        const u = v128.add<T>(v128.sub<T>(v128.load(x + off), v128.load(y + off)), ve);
        acc = v128.add<T>(acc, squares ? v128.mul<T>(u, u) : v128.abs<T>(u));
      }
      total += hsum<T>(acc);
    }
  }
  for (; i < n; i++) {
    const u = (ld<T>(x, i) - ld<T>(y, i)) + e;
    total += <f64>(squares ? u * u : abs<T>(u));
  }
  return total;
}

/** ‖x − y + e‖_p over n contiguous elements (e is added to every component, as pairwise_distance does). */
function pdist<T>(x: usize, y: usize, n: i32, e: T, p: f64, kind: i32): T {
  if (n == 0) return <T>0;
  if (kind == Kind.TWO) return sqrt<T>(<T>sumTerms<T>(x, y, n, e, true));
  if (kind == Kind.ONE) return <T>sumTerms<T>(x, y, n, e, false);
  if (kind == Kind.INF || kind == Kind.NEG_INF) {
    // max / min of |u|, NaN-propagating like PyTorch's norm
    let m: T = kind == Kind.INF ? <T>0 : <T>Infinity;
    for (let i = 0; i < n; i++) {
      const a = abs<T>((ld<T>(x, i) - ld<T>(y, i)) + e);
      m = kind == Kind.INF ? max<T>(m, a) : min<T>(m, a);
    }
    return m;
  }
  if (kind == Kind.ZERO) {
    let c = 0;
    for (let i = 0; i < n; i++) if ((ld<T>(x, i) - ld<T>(y, i)) + e != <T>0) c++;
    return <T>c;
  }
  const pt = <T>p;
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s += <f64>powT<T>(abs<T>((ld<T>(x, i) - ld<T>(y, i)) + e), pt);
  return powT<T>(<T>s, <T>1 / pt);
}

/**
 * Adds g·∂‖u‖_p/∂u_k to gx[k] and subtracts it from gy[k] (u = x − y + e; either pointer may be 0),
 * with PyTorch's norm_backward: p=2 u·(g/‖u‖); p=1 sign(u)·g; p=±∞ sign(u_k)·g/#ties on the
 * components where |u_k| = ‖u‖; otherwise sign(u)|u|^(p−1)·g/‖u‖^(p−1) (u·|u|^(p−2) for p > 2,
 * g·‖u‖^(1−p) for p < 1 with 0 where u_k = 0); a zero norm gives 0 for p ≥ 1; p = 0 has no gradient.
 */
function pdistGrad<T>(x: usize, y: usize, n: i32, e: T, p: f64, kind: i32, nv: T, g: T, gx: usize, gy: usize): void {
  if (n == 0 || kind == Kind.ZERO || (gx == 0 && gy == 0)) return;
  if (kind == Kind.TWO || kind == Kind.ONE) {
    const s: T = kind == Kind.ONE ? g : nv == <T>0 ? <T>0 : g / nv;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const L = lanesOf<T>();
      const ve = v128.splat<T>(e), vs = v128.splat<T>(s);
      for (; i + L <= n; i += L) {
        const off = <usize>i << shiftOf<T>();
        const u = v128.add<T>(v128.sub<T>(v128.load(x + off), v128.load(y + off)), ve);
        const gk = v128.mul<T>(kind == Kind.ONE ? signV<T>(u) : u, vs);
        if (gx) v128.store(gx + off, v128.add<T>(v128.load(gx + off), gk));
        if (gy) v128.store(gy + off, v128.sub<T>(v128.load(gy + off), gk));
      }
    }
    for (; i < n; i++) {
      const u = (ld<T>(x, i) - ld<T>(y, i)) + e;
      const gk = (kind == Kind.ONE ? signT<T>(u) : u) * s;
      if (gx) st<T>(gx, i, ld<T>(gx, i) + gk);
      if (gy) st<T>(gy, i, ld<T>(gy, i) - gk);
    }
    return;
  }
  if (kind == Kind.INF || kind == Kind.NEG_INF) {
    // the arg-max (arg-min) set: |u_k| == ‖u‖, or both NaN
    const nanNorm = isNaN<T>(nv);
    let ties = 0;
    for (let i = 0; i < n; i++) {
      const u = (ld<T>(x, i) - ld<T>(y, i)) + e;
      if (abs<T>(u) == nv || (nanNorm && isNaN<T>(u))) ties++;
    }
    const s = g / <T>ties;
    for (let i = 0; i < n; i++) {
      const u = (ld<T>(x, i) - ld<T>(y, i)) + e;
      const hit = abs<T>(u) == nv || (nanNorm && isNaN<T>(u));
      const gk = (hit ? signT<T>(u) : <T>0) * s;
      if (gx) st<T>(gx, i, ld<T>(gx, i) + gk);
      if (gy) st<T>(gy, i, ld<T>(gy, i) - gk);
    }
    return;
  }
  const below1 = p < 1;
  let sv: T;
  if (below1) sv = g * powT<T>(nv, <T>(1 - p));
  else sv = nv == <T>0 ? <T>0 : g / powT<T>(nv, <T>(p - 1));
  const e1 = <T>(p - 1), e2 = <T>(p - 2);
  for (let i = 0; i < n; i++) {
    const u = (ld<T>(x, i) - ld<T>(y, i)) + e;
    let scaled: T;
    if (below1) scaled = signT<T>(u) * (u == <T>0 ? <T>0 : powT<T>(abs<T>(u), e1));
    else if (p < 2) scaled = signT<T>(u) * powT<T>(abs<T>(u), e1);
    else scaled = u * powT<T>(abs<T>(u), e2);
    const gk = scaled * sv;
    if (gx) st<T>(gx, i, ld<T>(gx, i) + gk);
    if (gy) st<T>(gy, i, ld<T>(gy, i) - gk);
  }
}

// @ts-ignore: decorator
@inline function rowPtr<T>(base: usize, r: i32, D: i32): usize {
  return base ? base + (<usize>r * <usize>D << shiftOf<T>()) : 0;
}

// ---------------------------------------------------------------- pairwise distance

/** out[r] = ‖x1_r − x2_r + eps‖_p; g1 = ∂out/∂x1 (g2 = −g1) per row, for an upstream gradient of 1. */
function pairwise<T>(R: i32, D: i32, x1: usize, x2: usize, p: f64, eps: f64, out: usize, g1: usize, g2: usize): void {
  const kind = kindOf(p);
  const e = <T>eps;
  const bytes = <usize>R * <usize>D << shiftOf<T>();
  if (g1) memory.fill(g1, 0, bytes);
  if (g2) memory.fill(g2, 0, bytes);
  for (let r = 0; r < R; r++) {
    const a = rowPtr<T>(x1, r, D), b = rowPtr<T>(x2, r, D);
    const d = pdist<T>(a, b, D, e, p, kind);
    st<T>(out, r, d);
    pdistGrad<T>(a, b, D, e, p, kind, d, <T>1, rowPtr<T>(g1, r, D), rowPtr<T>(g2, r, D));
  }
}
export function pairwiseDistance_f32(R: i32, D: i32, x1: usize, x2: usize, p: f64, eps: f64, out: usize, g1: usize, g2: usize): void {
  pairwise<f32>(R, D, x1, x2, p, eps, out, g1, g2);
}
export function pairwiseDistance_f64(R: i32, D: i32, x1: usize, x2: usize, p: f64, eps: f64, out: usize, g1: usize, g2: usize): void {
  pairwise<f64>(R, D, x1, x2, p, eps, out, g1, g2);
}

// ---------------------------------------------------------------- triplet margin

/** The ½/½ split of torch.min's backward on ties; NaN (no order) passes the full gradient to both. */
// @ts-ignore: decorator
@inline function minShare<T>(self: T, other: T): T {
  return self < other ? <T>1 : self > other ? <T>0 : self == other ? <T>0.5 : <T>1;
}

/**
 * ℓ_r = max(0, margin + d(a,p) − d_neg) with d_neg = min(d(a,n), d(p,n)) if swap else d(a,n);
 * flags: 1 = swap, 2 = the with-distance form (d(a,p) − d_neg) + margin (same value, other rounding).
 * cap/can/cpn: elements each pair's distance runs over (D, or 1 for a pair broadcast along D).
 * Gradient: act = [z ≥ 0]·gscale through each distance's norm backward. Returns Σℓ.
 */
function triplet<T>(R: i32, D: i32, a: usize, p: usize, n: usize, cap: i32, can: i32, cpn: i32,
                    pnorm: f64, eps: f64, margin: f64, flags: i32, gscale: f64,
                    out: usize, ga: usize, gp: usize, gn: usize): f64 {
  const kind = kindOf(pnorm);
  const e = <T>eps, m = <T>margin, G = <T>gscale;
  const swap = (flags & 1) != 0, marginLast = (flags & 2) != 0;
  const bytes = <usize>R * <usize>D << shiftOf<T>();
  if (ga) memory.fill(ga, 0, bytes);
  if (gp) memory.fill(gp, 0, bytes);
  if (gn) memory.fill(gn, 0, bytes);
  const grads = ga != 0 || gp != 0 || gn != 0;
  let total: f64 = 0;
  for (let r = 0; r < R; r++) {
    const ar = rowPtr<T>(a, r, D), pr = rowPtr<T>(p, r, D), nr = rowPtr<T>(n, r, D);
    const dap = pdist<T>(ar, pr, cap, e, pnorm, kind);
    const dan = pdist<T>(ar, nr, can, e, pnorm, kind);
    let dpn: T = 0, dneg = dan;
    if (swap) {
      dpn = pdist<T>(pr, nr, cpn, e, pnorm, kind);
      dneg = min<T>(dan, dpn);
    }
    const z: T = marginLast ? (dap - dneg) + m : (m + dap) - dneg;
    const l = max<T>(z, <T>0);
    total += <f64>l;
    if (out) st<T>(out, r, l);
    if (!grads) continue;
    const act: T = z >= <T>0 ? G : <T>0;
    const gar = rowPtr<T>(ga, r, D), gpr = rowPtr<T>(gp, r, D), gnr = rowPtr<T>(gn, r, D);
    pdistGrad<T>(ar, pr, cap, e, pnorm, kind, dap, act, gar, gpr);
    const wan = swap ? act * minShare<T>(dan, dpn) : act;
    pdistGrad<T>(ar, nr, can, e, pnorm, kind, dan, -wan, gar, gnr);
    if (swap) pdistGrad<T>(pr, nr, cpn, e, pnorm, kind, dpn, -(act * minShare<T>(dpn, dan)), gpr, gnr);
  }
  return total;
}
export function triplet_f32(R: i32, D: i32, a: usize, p: usize, n: usize, cap: i32, can: i32, cpn: i32,
                            pnorm: f64, eps: f64, margin: f64, flags: i32, gscale: f64,
                            out: usize, ga: usize, gp: usize, gn: usize): f64 {
  return triplet<f32>(R, D, a, p, n, cap, can, cpn, pnorm, eps, margin, flags, gscale, out, ga, gp, gn);
}
export function triplet_f64(R: i32, D: i32, a: usize, p: usize, n: usize, cap: i32, can: i32, cpn: i32,
                            pnorm: f64, eps: f64, margin: f64, flags: i32, gscale: f64,
                            out: usize, ga: usize, gp: usize, gn: usize): f64 {
  return triplet<f64>(R, D, a, p, n, cap, can, cpn, pnorm, eps, margin, flags, gscale, out, ga, gp, gn);
}

// ---------------------------------------------------------------- triplet hinge on given distances

// TripletMarginWithDistance with a user distance function: the distances d(a,p), d(a,n), d(p,n)
// arrive as tensors (broadcast to one shape) and only the hinge runs here, on the shared elementwise
// driver: a = d(a,p), b = d(a,n), c = d(p,n) (unused unless p1 = 1: swap), p0 = margin.
// ℓ = max(0, (a − min(b, c)) + margin), PyTorch 1.13's operation order for this loss.
// @ts-ignore: decorator
@inline function hingeZ<T>(a: T, b: T, c: T, m: f64, swap: f64): T {
  return (a - (swap != 0 ? min<T>(b, c) : b)) + <T>m;
}

class DistanceHinge {
  @inline loss<T>(a: T, b: T, c: T, m: f64, swap: f64): T { return max<T>(hingeZ<T>(a, b, c, m, swap), <T>0); }
  @inline da<T>(a: T, b: T, c: T, m: f64, swap: f64): T { return hingeZ<T>(a, b, c, m, swap) >= <T>0 ? <T>1 : <T>0; }
  @inline db<T>(a: T, b: T, c: T, m: f64, swap: f64): T {
    const act: T = hingeZ<T>(a, b, c, m, swap) >= <T>0 ? <T>1 : <T>0;
    return -(act * (swap != 0 ? minShare<T>(b, c) : <T>1));
  }
  @inline dc<T>(a: T, b: T, c: T, m: f64, swap: f64): T {
    const act: T = hingeZ<T>(a, b, c, m, swap) >= <T>0 ? <T>1 : <T>0;
    return swap != 0 ? -(act * minShare<T>(c, b)) : <T>0;
  }
}
export function distanceHinge_f32(n: i32, dp: usize, dn: usize, ds: usize, margin: f64, swap: i32,
                                  out: usize, gdp: usize, gdn: usize, gds: usize, gscale: f64): f64 {
  return run<f32, DistanceHinge>(n, dp, dn, ds, 0, margin, <f64>swap, out, gdp, gdn, gds, gscale);
}
export function distanceHinge_f64(n: i32, dp: usize, dn: usize, ds: usize, margin: f64, swap: i32,
                                  out: usize, gdp: usize, gdn: usize, gds: usize, gscale: f64): f64 {
  return run<f64, DistanceHinge>(n, dp, dn, ds, 0, margin, <f64>swap, out, gdp, gdn, gds, gscale);
}

// ---------------------------------------------------------------- cosine embedding

// Results of rowSums (AssemblyScript has no multiple returns).
let sumAB: f64 = 0;
let sumAA: f64 = 0;
let sumBB: f64 = 0;

/** Σ a·b over n elements, Σ a² over the first na, Σ b² over the first nb (terms in T, sums in f64). */
function rowSums<T>(a: usize, b: usize, n: i32, na: i32, nb: i32): void {
  let ab: f64 = 0, aa: f64 = 0, bb: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD && na == n && nb == n) {
    const L = lanesOf<T>();
    while (i + L <= n) {
      const end = min<i32>(n - L + 1, i + FLUSH_BLOCK);
      let vab = v128.splat<T>(<T>0), vaa = v128.splat<T>(<T>0), vbb = v128.splat<T>(<T>0);
      for (; i < end; i += L) {
        const off = <usize>i << shiftOf<T>();
        const u = v128.load(a + off), v = v128.load(b + off);
        vab = v128.add<T>(vab, v128.mul<T>(u, v));
        vaa = v128.add<T>(vaa, v128.mul<T>(u, u));
        vbb = v128.add<T>(vbb, v128.mul<T>(v, v));
      }
      ab += hsum<T>(vab); aa += hsum<T>(vaa); bb += hsum<T>(vbb);
    }
  }
  for (; i < n; i++) {
    const u = ld<T>(a, i), v = ld<T>(b, i);
    ab += <f64>(u * v);
    if (i < na) aa += <f64>(u * u);
    if (i < nb) bb += <f64>(v * v);
  }
  sumAB = ab; sumAA = aa; sumBB = bb;
}

// EPSILON of ATen's cosine_embedding_loss is a float literal (docs/semantics.md, "EPSILON is a float
// literal"): 9.99999996e-13 in f64.
const EPSILON: f32 = 1e-12;

/**
 * cos_r = Σx1·x2 / sqrt((Σx1² + ε)(Σx2² + ε)) over the row (the magnitudes over n1 / n2 elements);
 * ℓ = 1 − cos (y = 1), max(0, cos − margin) (y = −1), 0 otherwise. The gradient follows autograd's
 * chain through prod_sum / denom, sqrt and the magnitudes:
 *   g_ps = dcos/den, g_den = −dcos·(cos/den), g_M = g_den/(2·den), g_m1 = g_M·m2, g_m2 = g_M·m1,
 *   ∂x1 = (g_m1·x1 + g_m1·x1) + g_ps·x2, ∂x2 = (g_m2·x2 + g_m2·x2) + g_ps·x1.
 */
function cosineEmbedding<T>(R: i32, D: i32, x1: usize, x2: usize, y: usize, n1: i32, n2: i32, margin: f64,
                            gscale: f64, out: usize, g1: usize, g2: usize): f64 {
  const m = <T>margin, G = <T>gscale, eps = <T>EPSILON;
  let total: f64 = 0;
  for (let r = 0; r < R; r++) {
    const a = rowPtr<T>(x1, r, D), b = rowPtr<T>(x2, r, D);
    rowSums<T>(a, b, D, n1, n2);
    const ps = sumAB, s1 = sumAA, s2 = sumBB;
    const m1 = <T>s1 + eps, m2 = <T>s2 + eps;
    const den = sqrt<T>(m1 * m2);
    const cos = <T>ps / den;
    const yv = ld<T>(y, r);
    let l: T = 0, dcos: T = 0;
    if (yv == <T>1) {
      l = <T>1 - cos;
      dcos = -G;
    } else if (yv == <T>-1) {
      const zz = cos - m;
      l = max<T>(zz, <T>0);
      dcos = zz >= <T>0 ? G : <T>0;
    }
    total += <f64>l;
    if (out) st<T>(out, r, l);
    if (g1 == 0 && g2 == 0) continue;
    const gps = dcos / den;
    const gden = -dcos * (cos / den);
    const gM = gden / (den + den);
    const gm1 = gM * m2, gm2 = gM * m1;
    const o1 = rowPtr<T>(g1, r, D), o2 = rowPtr<T>(g2, r, D);
    for (let k = 0; k < D; k++) {
      const u = ld<T>(a, k), v = ld<T>(b, k);
      if (o1) {
        const t = gm1 * u;
        st<T>(o1, k, (k < n1 ? t + t : <T>0) + gps * v);
      }
      if (o2) {
        const t = gm2 * v;
        st<T>(o2, k, (k < n2 ? t + t : <T>0) + gps * u);
      }
    }
  }
  return total;
}
export function cosineEmbedding_f32(R: i32, D: i32, x1: usize, x2: usize, y: usize, n1: i32, n2: i32, margin: f64,
                                    gscale: f64, out: usize, g1: usize, g2: usize): f64 {
  return cosineEmbedding<f32>(R, D, x1, x2, y, n1, n2, margin, gscale, out, g1, g2);
}
export function cosineEmbedding_f64(R: i32, D: i32, x1: usize, x2: usize, y: usize, n1: i32, n2: i32, margin: f64,
                                    gscale: f64, out: usize, g1: usize, g2: usize): f64 {
  return cosineEmbedding<f64>(R, D, x1, x2, y, n1, n2, margin, gscale, out, g1, g2);
}

// ---------------------------------------------------------------- cosine similarity

/**
 * cosine_similarity over D elements at stride K (layout [O, D, K]), as ATen computes it: each input
 * divided by its norm clamped to eps, then Σ (x1/n1c)·(x2/n2c). out = sign·cos, or 1 − cos for
 * sign = −1 (the "cosine" distance). Local gradient for an upstream gradient of sign:
 *   g_u1 = G·u2, ∂x1 = g_u1/n1c + x1·(Σ −g_u1·(u1/n1c)) / n1c (PyTorch's norm backward sees the
 *   clamped norm; 0 when it is 0, i.e. eps = 0), and symmetrically for x2.
 */
function cosineSim<T>(O: i32, D: i32, K: i32, x1: usize, x2: usize, eps: f64, sign: f64,
                      out: usize, g1: usize, g2: usize): void {
  const e = <T>eps, G = <T>sign;
  const sh = shiftOf<T>();
  for (let o = 0; o < O; o++) {
    for (let k = 0; k < K; k++) {
      const base = (<usize>o * <usize>D * <usize>K + <usize>k) << sh;
      const a = x1 + base, b = x2 + base;
      let s1: f64 = 0, s2: f64 = 0;
      if (K == 1) {
        rowSums<T>(a, b, D, D, D);
        s1 = sumAA; s2 = sumBB;
      } else {
        for (let d = 0; d < D; d++) {
          const u = ld<T>(a, <usize>d * <usize>K), v = ld<T>(b, <usize>d * <usize>K);
          s1 += <f64>(u * u);
          s2 += <f64>(v * v);
        }
      }
      const n1 = sqrt<T>(<T>s1), n2 = sqrt<T>(<T>s2);
      const n1c = max<T>(n1, e), n2c = max<T>(n2, e);
      const grads = g1 != 0 || g2 != 0;
      let c: f64 = 0, gn1: f64 = 0, gn2: f64 = 0;
      let d = 0;
      if (ASC_FEATURE_SIMD && K == 1) {
        const L = lanesOf<T>();
        const vn1 = v128.splat<T>(n1c), vn2 = v128.splat<T>(n2c), vG = v128.splat<T>(G);
        while (d + L <= D) {
          const end = min<i32>(D - L + 1, d + FLUSH_BLOCK);
          let vc = v128.splat<T>(<T>0), v1 = v128.splat<T>(<T>0), v2 = v128.splat<T>(<T>0);
          for (; d < end; d += L) {
            const off = <usize>d << sh;
            const u1 = v128.div<T>(v128.load(a + off), vn1), u2 = v128.div<T>(v128.load(b + off), vn2);
            vc = v128.add<T>(vc, v128.mul<T>(u1, u2));
            if (grads) {
              v1 = v128.sub<T>(v1, v128.mul<T>(v128.mul<T>(vG, u2), v128.div<T>(u1, vn1)));
              v2 = v128.sub<T>(v2, v128.mul<T>(v128.mul<T>(vG, u1), v128.div<T>(u2, vn2)));
            }
          }
          c += hsum<T>(vc); gn1 += hsum<T>(v1); gn2 += hsum<T>(v2);
        }
      }
      for (; d < D; d++) {
        const u1 = ld<T>(a, <usize>d * <usize>K) / n1c, u2 = ld<T>(b, <usize>d * <usize>K) / n2c;
        c += <f64>(u1 * u2);
        if (grads) {
          gn1 += <f64>(-(G * u2) * (u1 / n1c));
          gn2 += <f64>(-(G * u1) * (u2 / n2c));
        }
      }
      const cos = <T>c;
      const pos = <usize>o * <usize>K + <usize>k;
      st<T>(out, pos, sign < 0 ? <T>1 - cos : cos);
      if (!grads) continue;
      const s1n: T = n1c == <T>0 ? <T>0 : <T>gn1 / n1c;
      const s2n: T = n2c == <T>0 ? <T>0 : <T>gn2 / n2c;
      d = 0;
      if (ASC_FEATURE_SIMD && K == 1) {
        const L = lanesOf<T>();
        const vn1 = v128.splat<T>(n1c), vn2 = v128.splat<T>(n2c), vG = v128.splat<T>(G);
        const vs1 = v128.splat<T>(s1n), vs2 = v128.splat<T>(s2n);
        for (; d + L <= D; d += L) {
          const off = <usize>d << sh;
          const u = v128.load(a + off), v = v128.load(b + off);
          const u1 = v128.div<T>(u, vn1), u2 = v128.div<T>(v, vn2);
          if (g1) v128.store(g1 + base + off, v128.add<T>(v128.div<T>(v128.mul<T>(vG, u2), vn1), v128.mul<T>(u, vs1)));
          if (g2) v128.store(g2 + base + off, v128.add<T>(v128.div<T>(v128.mul<T>(vG, u1), vn2), v128.mul<T>(v, vs2)));
        }
      }
      for (; d < D; d++) {
        const at = <usize>d * <usize>K;
        const u = ld<T>(a, at), v = ld<T>(b, at);
        const u1 = u / n1c, u2 = v / n2c;
        if (g1) st<T>(g1 + base, at, (G * u2) / n1c + u * s1n);
        if (g2) st<T>(g2 + base, at, (G * u1) / n2c + v * s2n);
      }
    }
  }
}
export function cosineSimilarity_f32(O: i32, D: i32, K: i32, x1: usize, x2: usize, eps: f64, sign: f64,
                                     out: usize, g1: usize, g2: usize): void {
  cosineSim<f32>(O, D, K, x1, x2, eps, sign, out, g1, g2);
}
export function cosineSimilarity_f64(O: i32, D: i32, K: i32, x1: usize, x2: usize, eps: f64, sign: f64,
                                     out: usize, g1: usize, g2: usize): void {
  cosineSim<f64>(O, D, K, x1, x2, eps, sign, out, g1, g2);
}
