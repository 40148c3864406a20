// Margin family: MarginRanking, HingeEmbedding, SoftMargin (elementwise ops on the shared driver,
// driver.ts) and the row losses MultiMargin, MultiLabelMargin, MultiLabelSoftMargin.
//
// Hinge conventions (docs/semantics.md, "Hinge at zero"): MarginRanking and HingeEmbedding are
// clamp_min compositions in PyTorch, so their gradient passes where z >= 0 (also at z = 0) and a NaN z
// passes none. MultiMargin and MultiLabelMargin are dedicated kernels that count a term only where
// z > 0 (strict), which also drops NaN terms. Row kernels compute the gradient in the forward pass,
// already scaled by `gscale`.

import { run } from "./driver";
import { MarginOp } from "../src/abi";
import { ld, st, shiftOf, lanesOf, hsum, expT, log1pT, FLUSH_BLOCK } from "./math";
import { expFullF32x4, log1pF32x4, negF32x4 } from "./math";

// ---------------------------------------------------------------- elementwise ops


/** 1 where the clamp_min(z, 0) gradient passes (z >= 0; NaN → 0). */
// @ts-ignore: decorator
@inline function passes<T>(z: T): T { return z >= <T>0 ? <T>1 : <T>0; }
// @ts-ignore: decorator
@inline function passesF32x4(z: v128): v128 { return v128.and(f32x4.ge(z, f32x4.splat(0)), f32x4.splat(1)); }

// MarginRanking: a = x1, b = x2, c = y, p0 = margin. z = −y·(x1 − x2) + margin, ℓ = max(z, 0).
// The gradients multiply by the 0/1 pass mask (not select), so 0·inf gives NaN as in PyTorch's autograd.
class Ranking {
  @inline loss<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return max<T>(-c * (a - b) + <T>p0, <T>0); }
  @inline da<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return -c * passes<T>(-c * (a - b) + <T>p0); }
  @inline db<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return c * passes<T>(-c * (a - b) + <T>p0); }
  @inline dc<T>(a: T, b: T, c: T, p0: f64, p1: f64): T { return -(a - b) * passes<T>(-c * (a - b) + <T>p0); }
  @inline lossF4(a: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    // pmax with the data first: one instruction, and a NaN z stays NaN as with max
    return f32x4.pmax(f32x4.add(f32x4.mul(negF32x4(c), f32x4.sub(a, b)), vp), f32x4.splat(0));
  }
  @inline daF4(a: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    return f32x4.mul(negF32x4(c), passesF32x4(f32x4.add(f32x4.mul(negF32x4(c), f32x4.sub(a, b)), vp)));
  }
  @inline dbF4(a: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    return f32x4.mul(c, passesF32x4(f32x4.add(f32x4.mul(negF32x4(c), f32x4.sub(a, b)), vp)));
  }
  @inline dcF4(a: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    const d = f32x4.sub(a, b);
    return f32x4.mul(negF32x4(d), passesF32x4(f32x4.add(f32x4.mul(negF32x4(c), d), vp)));
  }
}

// HingeEmbedding: a = x, b = y, p0 = margin. ℓ = [y ≠ 1]·max(margin − x, 0) + [y ≠ −1]·x, as selects
// (PyTorch's `where`), so an inf in the unselected branch never leaks in.
class Hinge {
  @inline loss<T>(x: T, y: T, c: T, p0: f64, p1: f64): T {
    const m: T = y != <T>1 ? max<T>(<T>p0 - x, <T>0) : <T>0;
    return m + (y != <T>-1 ? x : <T>0);
  }
  @inline da<T>(x: T, y: T, c: T, p0: f64, p1: f64): T {
    const m: T = y != <T>1 ? -passes<T>(<T>p0 - x) : <T>0;
    return m + (y != <T>-1 ? <T>1 : <T>0);
  }
  @inline db<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline dc<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossPV<T>(x: v128, y: v128, vm: v128, vq: v128): v128 {
    const mc = v128.pmax<T>(v128.sub<T>(vm, x), v128.splat<T>(<T>0)); // NaN stays NaN
    return v128.add<T>(v128.andnot(mc, v128.eq<T>(y, v128.splat<T>(<T>1))),
                       v128.andnot(x, v128.eq<T>(y, v128.splat<T>(<T>-1))));
  }
  @inline daPV<T>(x: v128, y: v128, vm: v128, vq: v128): v128 {
    const one = v128.splat<T>(<T>1);
    const act = v128.and(one, v128.ge<T>(v128.sub<T>(vm, x), v128.splat<T>(<T>0)));
    return v128.sub<T>(v128.andnot(one, v128.eq<T>(y, v128.splat<T>(<T>-1))), v128.andnot(act, v128.eq<T>(y, one)));
  }
  @inline dbPV<T>(x: v128, y: v128, vm: v128, vq: v128): v128 { return v128.splat<T>(<T>0); }
}

// SoftMargin: a = x, b = y. ℓ = log1p(exp(−x·y)) with no overflow guard, as PyTorch: −x·y past the
// exp range gives ℓ = inf and ∂x = −y·e/(1 + e) = inf/inf = NaN.
class Soft {
  @inline heavy(): void {}
  @inline loss<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return log1pT<T>(expT<T>(-x * y)); }
  @inline da<T>(x: T, y: T, c: T, p0: f64, p1: f64): T {
    const e = expT<T>(-x * y);
    return -(y * e) / (e + <T>1);
  }
  @inline db<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline dc<T>(x: T, y: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    return log1pF32x4(expFullF32x4(f32x4.mul(negF32x4(x), y)));
  }
  @inline daF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    const e = expFullF32x4(f32x4.mul(negF32x4(x), y));
    return f32x4.div(negF32x4(f32x4.mul(y, e)), f32x4.add(e, f32x4.splat(1)));
  }
  @inline dbF4(x: v128, y: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return f32x4.splat(0); }
}

// @ts-ignore: decorator
@inline function dispatch<T>(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                             out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  switch (op) {
    case MarginOp.RANKING: return run<T, Ranking>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case MarginOp.HINGE: return run<T, Hinge>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case MarginOp.SOFT: return run<T, Soft>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
  }
  unreachable();
  return 0;
}

export function margin_f32(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                                      out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f32>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}

export function margin_f64(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                                      out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f64>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}

// ---------------------------------------------------------------- MultiMargin

// Second result of `mmSegment` (AssemblyScript has no multiple returns): the running ∂x_t.
let segGrad: f64 = 0;

/**
 * The hinge terms of one row over columns [from, to) (the target column is never inside):
 * z = (margin − x_t) + x_j; where z > 0: ℓ += w_t·z^p and ∂x_j = w_t·(p == 1 ? g : 2·g·z), else ∂x_j = 0.
 * `gt` is the target's gradient so far: PyTorch subtracts each ∂x_j from it in T, in column order, and
 * for p = 1 (identical terms) that rounding is systematic, so it is reproduced; the result is left in
 * `segGrad`. Returns Σℓ (in f64).
 */
function mmSegment<T>(row: usize, grow: usize, from: i32, to: i32, mt: T, wt: T, p2: bool, g: T, gt: T): f64 {
  let sum: f64 = 0;
  let j = from;
  if (ASC_FEATURE_SIMD) {
    const L = lanesOf<T>();
    const sh = shiftOf<T>();
    const vmt = v128.splat<T>(mt), vw = v128.splat<T>(wt), zero = v128.splat<T>(<T>0);
    const vg = v128.splat<T>(g), v2g = v128.splat<T>(<T>2 * g);
    while (j + L <= to) {
      const end = min<i32>(to - L + 1, j + FLUSH_BLOCK);
      let acc = zero;
      for (; j < end; j += L) {
        const off = <usize>j << sh;
        const z = v128.add<T>(vmt, v128.load(row + off));
        const on = v128.gt<T>(z, zero);
        acc = v128.add<T>(acc, v128.and(v128.mul<T>(p2 ? v128.mul<T>(z, z) : z, vw), on));
        if (grow) {
          const gj = v128.and(v128.mul<T>(p2 ? v128.mul<T>(v2g, z) : vg, vw), on);
          v128.store(grow + off, gj);
          if (sizeof<T>() == 4) {
            gt = gt - <T>f32x4.extract_lane(gj, 0) - <T>f32x4.extract_lane(gj, 1)
                    - <T>f32x4.extract_lane(gj, 2) - <T>f32x4.extract_lane(gj, 3);
          } else {
            gt = gt - <T>f64x2.extract_lane(gj, 0) - <T>f64x2.extract_lane(gj, 1);
          }
        }
      }
      sum += hsum<T>(acc);
    }
  }
  for (; j < to; j++) {
    const z = mt + ld<T>(row, j);
    let gj: T = 0;
    if (z > <T>0) {
      sum += <f64>((p2 ? z * z : z) * wt);
      gj = (p2 ? <T>2 * g * z : g) * wt;
    }
    if (grow) { st<T>(grow, j, gj); gt -= gj; }
  }
  segGrad = <f64>gt;
  return sum;
}

/**
 * ℓ_n = (1/C)·Σ_{j≠t} w[t]·max(0, margin − x_t + x_j)^p over rows of x [N, C] with targets t (i32,
 * validated). Writes ℓ_n to `out` and the gradient, scaled by `gscale` (which holds the 1/C), to
 * `grad`. Returns Σ_n ℓ_n.
 */
function multiMargin<T>(N: i32, C: i32, x: usize, t: usize, w: usize, p: i32, margin: f64,
                        gscale: f64, out: usize, grad: usize): f64 {
  const sh = shiftOf<T>();
  const g = <T>gscale;
  const p2 = p == 2;
  let total: f64 = 0;
  for (let n = 0; n < N; n++) {
    const row = x + (<usize>n * <usize>C << sh);
    const grow = grad ? grad + (<usize>n * <usize>C << sh) : 0;
    const tc = ld<i32>(t, n);
    const mt = <T>margin - ld<T>(row, tc);
    const wt: T = w ? ld<T>(w, tc) : <T>1;
    let s = mmSegment<T>(row, grow, 0, tc, mt, wt, p2, g, <T>0);
    s += mmSegment<T>(row, grow, tc + 1, C, mt, wt, p2, g, <T>segGrad);
    if (grow) st<T>(grow, tc, <T>segGrad);
    const l = s / <f64>C;
    if (out) st<T>(out, n, <T>l);
    total += l;
  }
  return total;
}

export function multiMargin_f32(N: i32, C: i32, x: usize, t: usize, w: usize, p: i32, margin: f64,
                                gscale: f64, out: usize, grad: usize): f64 {
  return multiMargin<f32>(N, C, x, t, w, p, margin, gscale, out, grad);
}
export function multiMargin_f64(N: i32, C: i32, x: usize, t: usize, w: usize, p: i32, margin: f64,
                                gscale: f64, out: usize, grad: usize): f64 {
  return multiMargin<f64>(N, C, x, t, w, p, margin, gscale, out, grad);
}

// ---------------------------------------------------------------- MultiLabelMargin

// Second result of `mlmInner`: how many of its terms were active.
let activeTerms: i32 = 0;

/**
 * Σ over columns k with isT[k] == 0 of max(0, a + x_k) (a = 1 − x_j for one target j); each active
 * term adds g to grow[k] (in T, like PyTorch). Returns the sum; the active count is left in `activeTerms`.
 */
function mlmInner<T>(row: usize, grow: usize, C: i32, a: T, g: T, isT: usize): f64 {
  let sum: f64 = 0;
  let active: i32 = 0;
  let k = 0;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    // f32x4 lanes line up with the i32 target mask
    const va = f32x4.splat(<f32>a), vg = f32x4.splat(<f32>g), zero = f32x4.splat(0);
    while (k + 4 <= C) {
      const end = min<i32>(C - 3, k + FLUSH_BLOCK);
      let acc = zero, nact = i32x4.splat(0);
      for (; k < end; k += 4) {
        const off = <usize>k << 2;
        const z = f32x4.add(va, v128.load(row + off));
        const on = v128.andnot(f32x4.gt(z, zero), v128.load(isT + off));
        acc = f32x4.add(acc, v128.and(z, on));
        nact = i32x4.sub(nact, on);
        if (grow) v128.store(grow + off, f32x4.add(v128.load(grow + off), v128.and(vg, on)));
      }
      sum += hsum<f32>(acc);
      active += i32x4.extract_lane(nact, 0) + i32x4.extract_lane(nact, 1) +
                i32x4.extract_lane(nact, 2) + i32x4.extract_lane(nact, 3);
    }
  }
  for (; k < C; k++) {
    if (ld<i32>(isT, k)) continue;
    const z = a + ld<T>(row, k);
    if (z > <T>0) {
      sum += <f64>z;
      active++;
      if (grow) st<T>(grow, k, ld<T>(grow, k) + g);
    }
  }
  activeTerms = active;
  return sum;
}

/**
 * ℓ_n = (1/C)·Σ_{j∈J} Σ_{k∉J} max(0, 1 − x_j + x_k), J = the labels of row n before its first −1
 * (duplicates kept). Targets are i32 in [−1, C). `scratch` holds C i32 (the target mask).
 * Each active (j, k) adds gscale to ∂x_k and subtracts it from ∂x_j, accumulated in T in PyTorch's
 * order (identical terms: the rounding is systematic on long rows). Returns Σ_n ℓ_n.
 */
function multilabelMargin<T>(N: i32, C: i32, x: usize, t: usize, scratch: usize, gscale: f64,
                             out: usize, grad: usize): f64 {
  const sh = shiftOf<T>();
  const isT = scratch;
  const g = <T>gscale;
  let total: f64 = 0;
  for (let n = 0; n < N; n++) {
    const row = x + (<usize>n * <usize>C << sh);
    const trow = t + (<usize>n * <usize>C << 2);
    const grow = grad ? grad + (<usize>n * <usize>C << sh) : 0;
    memory.fill(isT, 0, <usize>C << 2);
    if (grow) memory.fill(grow, 0, <usize>C << sh);
    for (let d = 0; d < C; d++) {
      const j = ld<i32>(trow, d);
      if (j < 0) break;
      st<i32>(isT, j, -1);
    }
    let s: f64 = 0;
    for (let d = 0; d < C; d++) {
      const j = ld<i32>(trow, d);
      if (j < 0) break;
      s += mlmInner<T>(row, grow, C, <T>1 - ld<T>(row, j), g, isT);
      if (grow) {
        let gj = ld<T>(grow, j);
        for (let c = 0; c < activeTerms; c++) gj -= g;
        st<T>(grow, j, gj);
      }
    }
    const l = s / <f64>C;
    if (out) st<T>(out, n, <T>l);
    total += l;
  }
  return total;
}

export function multilabelMargin_f32(N: i32, C: i32, x: usize, t: usize, scratch: usize, gscale: f64,
                                     out: usize, grad: usize): f64 {
  return multilabelMargin<f32>(N, C, x, t, scratch, gscale, out, grad);
}
export function multilabelMargin_f64(N: i32, C: i32, x: usize, t: usize, scratch: usize, gscale: f64,
                                     out: usize, grad: usize): f64 {
  return multilabelMargin<f64>(N, C, x, t, scratch, gscale, out, grad);
}

// ---------------------------------------------------------------- MultiLabelSoftMargin

// logσ(x) and logσ(−x), σ(x) and σ(−x) from one exp and one log1p (stable for any x); results in
// these globals (AssemblyScript has no multiple returns).
let lsPos: f64 = 0, lsNeg: f64 = 0, sgPos: f64 = 0, sgNeg: f64 = 0;

// @ts-ignore: decorator
@inline function logSigmoids<T>(x: T): void {
  const e = expT<T>(-abs<T>(x));
  const lp = log1pT<T>(e);
  lsPos = <f64>(min<T>(x, <T>0) - lp);
  lsNeg = <f64>(min<T>(-x, <T>0) - lp);
  const big = <T>1 / (<T>1 + e), small = e / (<T>1 + e);
  sgPos = <f64>(x >= <T>0 ? big : small);
  sgNeg = <f64>(x >= <T>0 ? small : big);
}

/**
 * multilabelSoftMargin for f32 with inner == 1 (each row contiguous), four classes per step with the
 * same per-element arithmetic as the scalar kernel; the row sum is accumulated in f64 lanes.
 */
function multilabelSoftMarginRowsF32x4(outer: i32, L: i32, x: usize, y: usize, w: usize, C: f64,
                                       gscale: f64, out: usize, gx: usize, gy: usize): f64 {
  const g = <f32>gscale;
  const vg = f32x4.splat(g), one = f32x4.splat(1), zero = f32x4.splat(0);
  const hasW = w != 0;
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    const r0 = <usize>o * <usize>L;
    let acc = f64x2.splat(0);
    let l = 0;
    for (; l + 4 <= L; l += 4) {
      const off = (r0 + <usize>l) << 2;
      const xv = v128.load(x + off), yv = v128.load(y + off);
      const e = expFullF32x4(f32x4.neg(f32x4.abs(xv)));
      const lp = log1pF32x4(e);
      const a = f32x4.sub(f32x4.pmin(xv, zero), lp);               // logσ(x)
      const b = f32x4.sub(f32x4.pmin(f32x4.neg(xv), zero), lp);    // logσ(−x)
      const omy = f32x4.sub(one, yv);
      let t = f32x4.neg(f32x4.add(f32x4.mul(yv, a), f32x4.mul(omy, b)));
      let sc = vg;
      if (hasW) {
        const wv = v128.load(w + off);
        t = f32x4.mul(t, wv);
        sc = f32x4.mul(vg, wv);
      }
      acc = f64x2.add(acc, f64x2.promote_low_f32x4(t));
      acc = f64x2.add(acc, f64x2.promote_low_f32x4(v128.shuffle<f32>(t, t, 2, 3, 0, 1)));
      if (gx) {
        const d = f32x4.add(one, e);
        const big = f32x4.div(one, d), small = f32x4.div(e, d);
        const pos = f32x4.ge(xv, zero);
        const sp = v128.bitselect(big, small, pos), sn = v128.bitselect(small, big, pos);
        v128.store(gx + off, f32x4.mul(sc, f32x4.sub(f32x4.mul(omy, sp), f32x4.mul(yv, sn))));
      }
      if (gy) v128.store(gy + off, f32x4.mul(sc, f32x4.sub(b, a)));
    }
    let s: f64 = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    for (; l < L; l++) {
      const idx = r0 + <usize>l;
      const xv = ld<f32>(x, idx), yv = ld<f32>(y, idx);
      const wv: f32 = w ? ld<f32>(w, idx) : 1;
      logSigmoids<f32>(xv);
      const a = <f32>lsPos, b = <f32>lsNeg;
      s += <f64>(-(yv * a + (1 - yv) * b) * wv);
      if (gx) st<f32>(gx, idx, g * wv * ((1 - yv) * <f32>sgPos - yv * <f32>sgNeg));
      if (gy) st<f32>(gy, idx, g * wv * (b - a));
    }
    const lo = s / C;
    if (out) st<f32>(out, o, <f32>lo);
    total += lo;
  }
  return total;
}

/**
 * Layout [outer, L, inner] (the class axis has length L and stride `inner`; all operands expanded to
 * it). e = −[y·logσ(x) + (1−y)·logσ(−x)]·w; ℓ = Σ_L e / C (C = the input's own class size, which
 * differs from L only when the input broadcasts along it). Gradients ×gscale (which holds the 1/C):
 * ∂x = w·[(1−y)·σ(x) − y·σ(−x)], ∂y = w·[logσ(−x) − logσ(x)]. Returns Σℓ.
 */
function multilabelSoftMargin<T>(outer: i32, L: i32, inner: i32, x: usize, y: usize, w: usize, C: f64,
                                 gscale: f64, out: usize, gx: usize, gy: usize): f64 {
  if (ASC_FEATURE_SIMD) {
    if (sizeof<T>() == 4) {
      if (inner == 1) return multilabelSoftMarginRowsF32x4(outer, L, x, y, w, C, gscale, out, gx, gy);
    }
  }
  const g = <T>gscale;
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s: f64 = 0;
      for (let l = 0; l < L; l++) {
        const idx = (<usize>o * <usize>L + <usize>l) * <usize>inner + <usize>i;
        const xv = ld<T>(x, idx), yv = ld<T>(y, idx);
        const wv: T = w ? ld<T>(w, idx) : <T>1;
        logSigmoids<T>(xv);
        const a = <T>lsPos, b = <T>lsNeg;
        s += <f64>(-(yv * a + (<T>1 - yv) * b) * wv);
        if (gx) st<T>(gx, idx, g * wv * ((<T>1 - yv) * <T>sgPos - yv * <T>sgNeg));
        if (gy) st<T>(gy, idx, g * wv * (b - a));
      }
      const l = s / C;
      if (out) st<T>(out, <usize>o * <usize>inner + <usize>i, <T>l);
      total += l;
    }
  }
  return total;
}

export function multilabelSoftMargin_f32(outer: i32, L: i32, inner: i32, x: usize, y: usize, w: usize, C: f64,
                                         gscale: f64, out: usize, gx: usize, gy: usize): f64 {
  return multilabelSoftMargin<f32>(outer, L, inner, x, y, w, C, gscale, out, gx, gy);
}
export function multilabelSoftMargin_f64(outer: i32, L: i32, inner: i32, x: usize, y: usize, w: usize, C: f64,
                                         gscale: f64, out: usize, gx: usize, gy: usize): f64 {
  return multilabelSoftMargin<f64>(outer, L, inner, x, y, w, C, gscale, out, gx, gy);
}
