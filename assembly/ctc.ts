// CTC: log-space alpha/beta recursions per sample and the gradient w.r.t. log_probs.
//
// Layout: log_probs [T, N, C] row-major, so lp[t, b, c] sits at (t·N + b)·C + c. Sample b's labels
// are labels[offsets[b] .. offsets[b] + L_b) (i32, already checked to lie in [0, C) by ctcTargets_*);
// lengths arrive validated (0 ≤ T_b ≤ T, L_b ≥ 0). Scratch comes from the TS arena: `alpha` holds
// T × S_max values when the gradient is wanted (2 rolling rows otherwise), `beta` 2 × S_max,
// `ext` S_max i32 for the extended label sequence l' (S_max = 2·max L + 1).
//
// The recursions run in T (the input dtype) with PyTorch's CPU kernel's exact operation order and
// libm-equivalent exp/log (AssemblyScript's expf/logf are the same table-driven algorithms as glibc's).
// That is deliberate: for float32 the gradient exp(lp) − exp(lcab + nll − lp) cancels two numbers of
// size ~T, so any other rounding (even a more accurate f64 one) differs from PyTorch's float32 result
// by far more than 1e-5 on sequences of a few dozen frames. Per-sample losses are summed in f64.
//
// No SIMD: the three-term log-sum-exp per state needs the scalar exp/log to reproduce PyTorch's values.

import { ld, st, shiftOf, expT, logT } from "./math";

// ---------------------------------------------------------------- targets

/**
 * Copy the labels each sample uses (labels[offsets[b] + j], j < lengths[b]) to i32 at the same index,
 * truncating float targets toward zero as PyTorch's `.to(kLong)` does. Returns the index of the first
 * label outside [0, C) (NaN included), or −1. Padding beyond a sample's length is never read.
 */
function ctcTargets<I>(src: usize, offsets: usize, lengths: usize, N: i32, C: i32, dst: usize): i32 {
  for (let b = 0; b < N; b++) {
    const off = ld<i32>(offsets, b);
    const L = ld<i32>(lengths, b);
    for (let j = 0; j < L; j++) {
      const i = off + j;
      let v = <f64>ld<I>(src, i);
      if (isFloat<I>()) v = Math.trunc(v);
      if (!(v >= 0 && v < <f64>C)) return i;
      st<i32>(dst, i, <i32>v);
    }
  }
  return -1;
}
export function ctcTargets_i32(src: usize, offsets: usize, lengths: usize, N: i32, C: i32, dst: usize): i32 { return ctcTargets<i32>(src, offsets, lengths, N, C, dst); }
export function ctcTargets_i64(src: usize, offsets: usize, lengths: usize, N: i32, C: i32, dst: usize): i32 { return ctcTargets<i64>(src, offsets, lengths, N, C, dst); }
export function ctcTargets_f32(src: usize, offsets: usize, lengths: usize, N: i32, C: i32, dst: usize): i32 { return ctcTargets<f32>(src, offsets, lengths, N, C, dst); }
export function ctcTargets_f64(src: usize, offsets: usize, lengths: usize, N: i32, C: i32, dst: usize): i32 { return ctcTargets<f64>(src, offsets, lengths, N, C, dst); }

// ---------------------------------------------------------------- log-sum-exp, PyTorch's way

/** C++ std::max(a, b) = (a < b) ? b : a — not wasm's f.max, which differs on NaN. */
// @ts-ignore: decorator
@inline function cmax<T>(a: T, b: T): T { return a < b ? b : a; }

/**
 * log(e^x + e^y [+ e^z]) + m for the one-step recursions, m = the largest present term (0 if all are
 * −inf). `hasY`/`hasZ` say which terms are present. PyTorch adds exp(−inf − m) = 0 for absent and
 * unreachable (−inf) terms; adding that exact 0 changes nothing, so those exps are skipped.
 */
// @ts-ignore: decorator
@inline function lse3<T>(x: T, y: T, hasY: bool, z: T, hasZ: bool): T {
  let m = x;
  if (hasY && y > m) m = y;
  if (hasZ && z > m) m = z;
  if (m == <T>-Infinity) m = <T>0;
  let s: T = x != <T>-Infinity ? expT<T>(x - m) : <T>0;
  if (hasY && y != <T>-Infinity) s += expT<T>(y - m);
  if (hasZ && z != <T>-Infinity) s += expT<T>(z - m);
  return logT<T>(s) + m;
}

// ---------------------------------------------------------------- loss and gradient

/**
 * Per-sample negative log-likelihood into `out` (N values of T; +inf → 0 under zero_infinity) and,
 * if `grad` is non-zero, the gradient w.r.t. log_probs ([T, N, C]) for an upstream gradient of 1 on
 * the reduced result: G_b·(exp(lp) − exp(lcab + nll − lp)) for t < T_b, 0 for t ≥ T_b, where G_b is
 * `gscale` (1, or 1/N for mean), divided by max(L_b, 1) if `perLength` (mean). Returns Σ_b nll_b, each
 * divided by max(L_b, 1) if `perLength`.
 */
function ctcLoss<T>(Tmax: i32, N: i32, C: i32, lp: usize, labels: usize, offsets: usize, inLens: usize,
                    tgLens: usize, blank: i32, zeroInf: bool, perLength: bool, gscale: f64, out: usize, grad: usize,
                    alpha: usize, beta: usize, ext: usize): f64 {
  const NC = N * C;
  const sh = shiftOf<T>();
  const scale = <T>gscale; // 1/N rounds to the same T either way: <T>1 / <T>N == <T>(1 / N)
  let total: f64 = 0;
  for (let b = 0; b < N; b++) {
    const Tb = ld<i32>(inLens, b);
    const L = ld<i32>(tgLens, b);
    const S = 2 * L + 1;
    const lab = labels + (<usize>ld<i32>(offsets, b) << 2);
    // extended labels l': blank at even s, target (s − 1) / 2 at odd s
    for (let s = 0; s < S; s++) st<i32>(ext, s, s & 1 ? ld<i32>(lab, s >> 1) : blank);
    const lpb = lp + (<usize>(b * C) << sh);         // lp[0, b, 0]; rows are NC apart
    const rowStride = <usize>NC << sh;
    // alpha rows: all T_b rows are kept for the backward pass, two rolling rows otherwise
    const keep = grad != 0;

    let nll: T;
    if (Tb == 0) {
      // PyTorch 2.x: an empty input explains only an empty target
      nll = L == 0 ? -<T>0 : <T>Infinity;
    } else {
      let prev = alpha;
      for (let s = 0; s < S; s++) st<T>(prev, s, <T>-Infinity);
      st<T>(prev, 0, ld<T>(lpb, blank));
      if (L > 0) st<T>(prev, 1, ld<T>(lpb, ld<i32>(ext, 1)));
      for (let t = 1; t < Tb; t++) {
        const cur = alpha + (<usize>((keep ? t : t & 1) * S) << sh);
        const row = lpb + <usize>t * rowStride;
        for (let s = 0; s < S; s++) {
          const c = ld<i32>(ext, s);
          const skip = s > 1 && ld<i32>(ext, s - 2) != c;
          const v = lse3<T>(ld<T>(prev, s), s > 0 ? ld<T>(prev, s - 1) : <T>0, s > 0, skip ? ld<T>(prev, s - 2) : <T>0, skip);
          st<T>(cur, s, v + ld<T>(row, c));
        }
        prev = cur;
      }
      if (L == 0) {
        nll = -ld<T>(prev, 0);
      } else {
        const l1 = ld<T>(prev, S - 1), l2 = ld<T>(prev, S - 2);
        let m = cmax<T>(l1, l2);
        if (m == <T>-Infinity) m = <T>0;
        nll = -(logT<T>(expT<T>(l1 - m) + expT<T>(l2 - m)) + m);
      }
    }

    const zeroed = zeroInf && nll == <T>Infinity;
    const loss: T = zeroed ? <T>0 : nll;
    st<T>(out, b, loss);
    const Lc = L > 1 ? L : 1;
    total += perLength ? <f64>loss / <f64>Lc : <f64>loss;

    if (!keep) continue;
    const gb = grad + (<usize>(b * C) << sh);
    if (zeroed) {
      for (let t = 0; t < Tmax; t++) memory.fill(gb + <usize>t * rowStride, 0, <usize>C << sh);
      continue;
    }
    if (Tb > 0) ctcGradSample<T>(Tb, C, S, lpb, gb, rowStride, alpha, beta, ext, blank, nll,
                                 perLength ? scale / <T>Lc : scale);
    for (let t = Tb; t < Tmax; t++) memory.fill(gb + <usize>t * rowStride, 0, <usize>C << sh);
  }
  return total;
}

/**
 * One sample's gradient rows t < T_b (lp rows at lpb, grad rows at gb, both rowStride bytes apart),
 * given its alpha (T_b × S at `alpha`) and nll. The grad rows first collect
 * lcab[t, c] = log Σ_{s: l'_s = c} e^{α_t(s) + β_t(s)} (−inf = empty), then become
 * gr·(exp(lp) − exp(lcab + nll − lp)).
 */
function ctcGradSample<T>(Tb: i32, C: i32, S: i32, lpb: usize, gb: usize, rowStride: usize, alpha: usize,
                          beta: usize, ext: usize, blank: i32, nll: T, gr: T): void {
  const sh = shiftOf<T>();
  for (let t = 0; t < Tb; t++) {
    const g = gb + <usize>t * rowStride;
    for (let c = 0; c < C; c++) st<T>(g, c, <T>-Infinity);
  }
  // t = T_b − 1: beta starts at the last blank and the last label; their α+β are assigned, not
  // log-added (as PyTorch does: they are different classes unless a label equals blank)
  const last = Tb - 1;
  const aLast = alpha + (<usize>(last * S) << sh);
  const lpLast = lpb + <usize>last * rowStride;
  const gLast = gb + <usize>last * rowStride;
  let next = beta + (<usize>((last & 1) * S) << sh);
  for (let s = 0; s < S; s++) st<T>(next, s, <T>-Infinity);
  st<T>(next, S - 1, ld<T>(lpLast, blank));
  st<T>(gLast, blank, ld<T>(aLast, S - 1) + ld<T>(next, S - 1));
  if (S > 1) {
    const c = ld<i32>(ext, S - 2);
    st<T>(next, S - 2, ld<T>(lpLast, c));
    st<T>(gLast, c, ld<T>(aLast, S - 2) + ld<T>(next, S - 2));
  }
  for (let t = last - 1; t >= 0; t--) {
    const cur = beta + (<usize>((t & 1) * S) << sh);
    const a = alpha + (<usize>(t * S) << sh);
    const row = lpb + <usize>t * rowStride;
    const g = gb + <usize>t * rowStride;
    for (let s = S - 1; s >= 0; s--) {
      const c = ld<i32>(ext, s);
      const skip = s < S - 2 && ld<i32>(ext, s + 2) != c;
      const v = lse3<T>(ld<T>(next, s), s < S - 1 ? ld<T>(next, s + 1) : <T>0, s < S - 1, skip ? ld<T>(next, s + 2) : <T>0, skip);
      const bv = v + ld<T>(row, c);
      st<T>(cur, s, bv);
      // lcab[t, c] "log+=" α_t(s) + β_t(s)
      const ab = ld<T>(a, s) + bv;
      const p = g + (<usize>c << sh);
      const acc = load<T>(p);
      if (acc == <T>-Infinity) {
        store<T>(p, ab);
      } else if (ab != <T>-Infinity || acc - acc != <T>0) {
        // (log-adding −inf to a finite acc gives log(1) + acc = acc exactly: skipped)
        const m = cmax<T>(acc, ab);
        store<T>(p, logT<T>(expT<T>(acc - m) + expT<T>(ab - m)) + m);
      }
    }
    next = cur;
  }
  for (let t = 0; t < Tb; t++) {
    const row = lpb + <usize>t * rowStride;
    const g = gb + <usize>t * rowStride;
    for (let c = 0; c < C; c++) {
      const l = ld<T>(row, c);
      st<T>(g, c, (expT<T>(l) - expT<T>(ld<T>(g, c) + nll - l)) * gr);
    }
  }
}

export function ctcLoss_f32(Tmax: i32, N: i32, C: i32, lp: usize, labels: usize, offsets: usize, inLens: usize,
                            tgLens: usize, blank: i32, zeroInf: bool, perLength: bool, gscale: f64, out: usize, grad: usize,
                            alpha: usize, beta: usize, ext: usize): f64 {
  return ctcLoss<f32>(Tmax, N, C, lp, labels, offsets, inLens, tgLens, blank, zeroInf, perLength, gscale, out, grad, alpha, beta, ext);
}
export function ctcLoss_f64(Tmax: i32, N: i32, C: i32, lp: usize, labels: usize, offsets: usize, inLens: usize,
                            tgLens: usize, blank: i32, zeroInf: bool, perLength: bool, gscale: f64, out: usize, grad: usize,
                            alpha: usize, beta: usize, ext: usize): f64 {
  return ctcLoss<f64>(Tmax, N, C, lp, labels, offsets, inLens, tgLens, blank, zeroInf, perLength, gscale, out, grad, alpha, beta, ext);
}
