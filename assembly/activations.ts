// Activations that feed losses.
//
// Softmax and log-softmax: row kernels over the layout [outer, C, inner] (row-major), the softmax dim
// of size C strided by `inner`; element (n, c, k) sits at (n·C + c)·inner + k. Contiguous rows
// (inner = 1) take rows.ts's log-sum-exp, f32x4 for float32; strided rows run `CHUNK` neighbouring
// positions k at a time, one vector holding class c of several positions (as classification.ts's
// K-dim path does). Operation order follows ATen's CPU kernels (aten/src/ATen/native/cpu/SoftMaxKernel.cpp):
//   log_softmax: y = (x − max) − log Σ exp(x − max)      backward: gx = g − exp(y)·Σg
//   softmax:     y = exp(x − max) · (1 / Σ exp(x − max))  backward: gx = (g − Σ g·y)·y
// with the sums in f64. A row holding NaN or +inf, or only −inf, gives NaN throughout, as in PyTorch
// (x − max is NaN somewhere, and so is the sum).
//
// Sigmoid and log-sigmoid: elementwise op classes on the shared driver (driver.ts), dispatched by
// activations_f32/_f64; op ids in src/abi.ts (ActivationOp).

import {
  ld, st, shiftOf, lanesOf, hsum, expT, sigmoidT, softplusT, negF32x4, absF32x4, expNonPosF32x4, expFullF32x4, log1pUnitF32x4,
  sigmoidFromF32x4, FLUSH_BLOCK,
} from "./math";
import { run } from "./driver";
import { rowMax, rowSum, rowLogSum, rowLogSumExp, ExpNonPos, ExpFull } from "./rows";
import { ActivationOp } from "../src/abi";

// The variant a kernel is instantiated with (isInteger<M>() is read at compile time, so each loop is
// specialised rather than branching per element).
type Log = i32;     // log_softmax
type Plain = f64;   // softmax

// ---------------------------------------------------------------- vector helpers

/** exp of each lane: f32x4 with the exp E; f64x2 lane by lane (no vector exp for f64). */
// @ts-ignore: decorator
@inline function expV<T, E>(v: v128): v128 {
  if (sizeof<T>() == 4) return changetype<E>(0).exp(v);
  return f64x2.replace_lane(f64x2.splat(Math.exp(f64x2.extract_lane(v, 0))), 1, Math.exp(f64x2.extract_lane(v, 1)));
}

/** Adds the lanes of v (T) to the f64 values at p (as many as v has lanes). */
// @ts-ignore: decorator
@inline function addToF64<T>(p: usize, v: v128): void {
  if (sizeof<T>() == 4) {
    v128.store(p, f64x2.add(v128.load(p), f64x2.promote_low_f32x4(v)));
    v128.store(p, f64x2.add(v128.load(p, 16), f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 2, 3))), 16);
  } else {
    v128.store(p, f64x2.add(v128.load(p), v));
  }
}

/** Σ a_c (b = 0) or Σ a_c·b_c over a contiguous row, in f64: lanes of T flushed every FLUSH_BLOCK. */
function rowDot<T>(a: usize, b: usize, C: i32): f64 {
  const sh = shiftOf<T>(), L = lanesOf<T>();
  let total: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    while (i + L <= C) {
      const end = min<i32>(C - L + 1, i + FLUSH_BLOCK);
      let acc0 = v128.splat<T>(<T>0), acc1 = acc0;
      for (; i + L < end; i += 2 * L) {
        const off = <usize>i << sh;
        acc0 = v128.add<T>(acc0, b ? v128.mul<T>(v128.load(a + off), v128.load(b + off)) : v128.load(a + off));
        acc1 = v128.add<T>(acc1, b ? v128.mul<T>(v128.load(a + off, 16), v128.load(b + off, 16)) : v128.load(a + off, 16));
      }
      for (; i < end; i += L) {
        const off = <usize>i << sh;
        acc0 = v128.add<T>(acc0, b ? v128.mul<T>(v128.load(a + off), v128.load(b + off)) : v128.load(a + off));
      }
      total += hsum<T>(v128.add<T>(acc0, acc1));
    }
  }
  for (; i < C; i++) total += b ? <f64>(ld<T>(a, i) * ld<T>(b, i)) : <f64>ld<T>(a, i);
  return total;
}

// One output element from its operands and the row's (or the position's) two constants m, k:
//   forward  log: y = (x − m) − k (m = max, k = log Σ)    plain: y = e·k (e parked in y, k = 1/Σ)
//   backward log: gx = g − exp(y)·k (k = Σg)               plain: gx = (g − k)·y (k = Σ g·y)
// @ts-ignore: decorator
@inline function fwdS<T, M>(x: T, e: T, m: T, k: T): T { return isInteger<M>() ? (x - m) - k : e * k; }
// @ts-ignore: decorator
@inline function fwdV<T, M>(x: v128, e: v128, m: v128, k: v128): v128 {
  return isInteger<M>() ? v128.sub<T>(v128.sub<T>(x, m), k) : v128.mul<T>(e, k);
}
/** exp(y) of log-probabilities y ≤ 0 or NaN (log_softmax's backward): expNonPosF32x4 with the −inf lanes
 *  set to exactly 0 (it gives FLT_MIN there), so that a masked class passes g through as in PyTorch. In
 *  V8 this is much cheaper than expFullF32x4 (measured: the backward of [4096, 1000] 17.8 → 10.6 ms). */
// @ts-ignore: decorator
@inline function expLogProbV<T>(y: v128): v128 {
  if (sizeof<T>() == 8) return expV<T, ExpFull>(y);
  return v128.and(expNonPosF32x4(y), f32x4.ne(y, v128.load(NEG_INF)));
}
const NEG_INF = memory.data<f32>([-Infinity, -Infinity, -Infinity, -Infinity], 16);

// @ts-ignore: decorator
@inline function bwdS<T, M>(y: T, g: T, k: T): T { return isInteger<M>() ? g - expT<T>(y) * k : (g - k) * y; }
// @ts-ignore: decorator
@inline function bwdV<T, M>(y: v128, g: v128, k: v128): v128 {
  return isInteger<M>() ? v128.sub<T>(g, v128.mul<T>(expLogProbV<T>(y), k)) : v128.mul<T>(v128.sub<T>(g, k), y);
}

// ---------------------------------------------------------------- one row (any stride)

/** Forward over one row of C values at stride s (elements): x in, y out. */
function rowForward<T, M>(x: usize, y: usize, C: i32, s: i32): void {
  let m: T, k: T;
  if (isInteger<M>()) {
    rowLogSumExp<T, ExpNonPos>(x, C, s, 0);
    m = <T>rowMax;
    k = <T>rowLogSum;
  } else {
    // the exps are the result here: exactly 0 at −inf, subnormal where they underflow
    rowLogSumExp<T, ExpFull>(x, C, s, y);
    m = 0;
    k = <T>(1 / rowSum);
  }
  let c = 0;
  if (ASC_FEATURE_SIMD && s == 1) {
    const L = lanesOf<T>(), sh = shiftOf<T>();
    const vm = v128.splat<T>(m), vk = v128.splat<T>(k);
    for (; c + L <= C; c += L) {
      const off = <usize>c << sh;
      v128.store(y + off, fwdV<T, M>(v128.load(x + off), v128.load(y + off), vm, vk));
    }
  }
  for (; c < C; c++) {
    const i = <usize>(c * s);
    st<T>(y, i, fwdS<T, M>(ld<T>(x, i), isInteger<M>() ? <T>0 : ld<T>(y, i), m, k));
  }
}

/** Backward over one row at stride s: the forward's output y and upstream g in, gx out. */
function rowBackward<T, M>(y: usize, g: usize, gx: usize, C: i32, s: i32): void {
  let sum: f64 = 0;
  if (ASC_FEATURE_SIMD && s == 1) {
    sum = rowDot<T>(g, isInteger<M>() ? 0 : y, C);
  } else {
    for (let c = 0; c < C; c++) {
      const i = <usize>(c * s);
      sum += isInteger<M>() ? <f64>ld<T>(g, i) : <f64>(ld<T>(g, i) * ld<T>(y, i));
    }
  }
  const k = <T>sum;
  let c = 0;
  if (ASC_FEATURE_SIMD && s == 1) {
    const L = lanesOf<T>(), sh = shiftOf<T>();
    const vk = v128.splat<T>(k);
    for (; c + L <= C; c += L) {
      const off = <usize>c << sh;
      v128.store(gx + off, bwdV<T, M>(v128.load(y + off), v128.load(g + off), vk));
    }
  }
  for (; c < C; c++) {
    const i = <usize>(c * s);
    st<T>(gx, i, bwdS<T, M>(ld<T>(y, i), ld<T>(g, i), k));
  }
}

// ---------------------------------------------------------------- a chunk of strided positions (SIMD)

/** Positions per chunk, and the per-position scratch: max, the f64 sums, and the constant k as T. Wide
 *  chunks pay off when classes are far apart (measured, [4096, 1000] over dim 0, class rows 4000 B apart,
 *  fwd+bwd: 16 positions 69 ms, 64: 51 ms, 128: 42 ms, 256: 44 ms). */
const CHUNK: i32 = 128;
const chunkMax = memory.data(CHUNK * 8, 16);
const chunkSum = memory.data(CHUNK * 8, 16);
const chunkK = memory.data(CHUNK * 8, 16);

/** Zero the f64 sums of `lanes` positions. */
// @ts-ignore: decorator
@inline function clearSums(lanes: i32): void {
  memory.fill(chunkSum, 0, <usize>lanes << 3);
}

/** Forward for `lanes` (a multiple of the vector width, ≤ CHUNK) neighbouring positions from x/y, their
 *  classes `stride` bytes apart. */
function chunkForward<T, M>(x: usize, y: usize, C: i32, stride: usize, lanes: i32): void {
  const sh = shiftOf<T>();
  const bytes = <usize>lanes << sh;
  memory.copy(chunkMax, x, bytes);
  for (let c = 1; c < C; c++) {
    const row = x + <usize>c * stride;
    // pmax may drop a NaN lane's NaN, but that NaN still reaches the sum through its own exp
    for (let v: usize = 0; v < bytes; v += 16) v128.store(chunkMax + v, v128.pmax<T>(v128.load(row + v), v128.load(chunkMax + v)));
  }
  clearSums(lanes);
  for (let c = 0; c < C; c++) {
    const off = <usize>c * stride;
    for (let v: usize = 0; v < bytes; v += 16) {
      const d = v128.sub<T>(v128.load(x + off + v), v128.load(chunkMax + v));
      let e: v128;
      if (isInteger<M>()) e = expV<T, ExpNonPos>(d);
      else {
        e = expV<T, ExpFull>(d);
        v128.store(y + off + v, e);
      }
      addToF64<T>(chunkSum + (v << (3 - sh)), e);
    }
  }
  for (let j = 0; j < lanes; j++) {
    const sum = ld<f64>(chunkSum, <usize>j);
    st<T>(chunkK, <usize>j, isInteger<M>() ? <T>Math.log(sum) : <T>(1 / sum));
  }
  for (let c = 0; c < C; c++) {
    const off = <usize>c * stride;
    for (let v: usize = 0; v < bytes; v += 16) {
      v128.store(y + off + v, fwdV<T, M>(v128.load(x + off + v), v128.load(y + off + v), v128.load(chunkMax + v), v128.load(chunkK + v)));
    }
  }
}

/** Backward for `lanes` neighbouring positions, as chunkForward. */
function chunkBackward<T, M>(y: usize, g: usize, gx: usize, C: i32, stride: usize, lanes: i32): void {
  const sh = shiftOf<T>();
  const bytes = <usize>lanes << sh;
  clearSums(lanes);
  for (let c = 0; c < C; c++) {
    const off = <usize>c * stride;
    for (let v: usize = 0; v < bytes; v += 16) {
      const gv = v128.load(g + off + v);
      addToF64<T>(chunkSum + (v << (3 - sh)), isInteger<M>() ? gv : v128.mul<T>(gv, v128.load(y + off + v)));
    }
  }
  for (let j = 0; j < lanes; j++) st<T>(chunkK, <usize>j, <T>ld<f64>(chunkSum, <usize>j));
  for (let c = 0; c < C; c++) {
    const off = <usize>c * stride;
    for (let v: usize = 0; v < bytes; v += 16) {
      v128.store(gx + off + v, bwdV<T, M>(v128.load(y + off + v), v128.load(g + off + v), v128.load(chunkK + v)));
    }
  }
}

// ---------------------------------------------------------------- over [outer, C, inner]

function forward<T, M>(outer: i32, C: i32, inner: i32, x: usize, y: usize): void {
  if (C == 0) return;
  const sh = shiftOf<T>();
  const slice = <usize>C * <usize>inner << sh, stride = <usize>inner << sh;
  for (let n = 0; n < outer; n++) {
    const xs = x + <usize>n * slice, ys = y + <usize>n * slice;
    let k = 0;
    if (ASC_FEATURE_SIMD) {
      const L = lanesOf<T>();
      while (k + L <= inner) {
        const lanes = min<i32>(CHUNK, (inner - k) & ~(L - 1));
        chunkForward<T, M>(xs + (<usize>k << sh), ys + (<usize>k << sh), C, stride, lanes);
        k += lanes;
      }
    }
    for (; k < inner; k++) rowForward<T, M>(xs + (<usize>k << sh), ys + (<usize>k << sh), C, inner);
  }
}

function backward<T, M>(outer: i32, C: i32, inner: i32, y: usize, g: usize, gx: usize): void {
  if (C == 0) return;
  const sh = shiftOf<T>();
  const slice = <usize>C * <usize>inner << sh, stride = <usize>inner << sh;
  for (let n = 0; n < outer; n++) {
    const o = <usize>n * slice;
    let k = 0;
    if (ASC_FEATURE_SIMD) {
      const L = lanesOf<T>();
      while (k + L <= inner) {
        const lanes = min<i32>(CHUNK, (inner - k) & ~(L - 1));
        const p = o + (<usize>k << sh);
        chunkBackward<T, M>(y + p, g + p, gx + p, C, stride, lanes);
        k += lanes;
      }
    }
    for (; k < inner; k++) {
      const p = o + (<usize>k << sh);
      rowBackward<T, M>(y + p, g + p, gx + p, C, inner);
    }
  }
}

/** log_softmax (log ≠ 0) or softmax of x over C for `outer` slices [C, inner], into y. */
export function softmax_f32(outer: i32, C: i32, inner: i32, x: usize, y: usize, log: i32): void {
  if (log) forward<f32, Log>(outer, C, inner, x, y);
  else forward<f32, Plain>(outer, C, inner, x, y);
}
export function softmax_f64(outer: i32, C: i32, inner: i32, x: usize, y: usize, log: i32): void {
  if (log) forward<f64, Log>(outer, C, inner, x, y);
  else forward<f64, Plain>(outer, C, inner, x, y);
}

/** The gradient gx of (log_)softmax given its output y and the upstream gradient g (gx may be g). */
export function softmaxBackward_f32(outer: i32, C: i32, inner: i32, y: usize, g: usize, gx: usize, log: i32): void {
  if (log) backward<f32, Log>(outer, C, inner, y, g, gx);
  else backward<f32, Plain>(outer, C, inner, y, g, gx);
}
export function softmaxBackward_f64(outer: i32, C: i32, inner: i32, y: usize, g: usize, gx: usize, log: i32): void {
  if (log) backward<f64, Log>(outer, C, inner, y, g, gx);
  else backward<f64, Plain>(outer, C, inner, y, g, gx);
}

// ---------------------------------------------------------------- sigmoid, log-sigmoid (elementwise)

/** σ(x) = x ≥ 0 ? 1/(1 + e^−x) : e^x/(1 + e^x): exact 0 and 1 at ∓inf, never overflows. */
// @ts-ignore: decorator
@inline function sigmoidF4(x: v128): v128 {
  return sigmoidFromF32x4(x, expFullF32x4(negF32x4(absF32x4(x))));
}

/** σ(x); ∂ = σ(1 − σ) from the rounded σ, as PyTorch's backward computes it from its output. */
class Sigmoid {
  @inline heavy(): void {}
  @inline loss<T>(x: T, b: T, c: T, p0: f64, p1: f64): T { return sigmoidT<T>(x); }
  @inline da<T>(x: T, b: T, c: T, p0: f64, p1: f64): T { const s = sigmoidT<T>(x); return s * (<T>1 - s); }
  @inline db<T>(x: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline dc<T>(x: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline lossF4(x: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return sigmoidF4(x); }
  @inline daF4(x: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    const s = sigmoidF4(x);
    return f32x4.mul(s, f32x4.sub(f32x4.splat(1), s));
  }
  @inline dbF4(x: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return f32x4.splat(0); }
}

/** logσ(x) = −softplus(−x) = min(x, 0) − log1p(e^−|x|) (exactly x far below 0, −inf at −inf, NaN for
 *  NaN); ∂ = σ(−x), computed stably. */
class LogSigmoid {
  @inline heavy(): void {}
  @inline loss<T>(x: T, b: T, c: T, p0: f64, p1: f64): T { return -softplusT<T>(-x); }
  @inline da<T>(x: T, b: T, c: T, p0: f64, p1: f64): T { return sigmoidT<T>(-x); }
  @inline db<T>(x: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  @inline dc<T>(x: T, b: T, c: T, p0: f64, p1: f64): T { return <T>0; }
  /** e^−|x| is in [0, 1]: log1pUnitF32x4's domain (a NaN x is NaN through the min). */
  @inline lossF4(x: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 {
    return f32x4.sub(f32x4.min(x, f32x4.splat(0)), log1pUnitF32x4(expFullF32x4(negF32x4(absF32x4(x)))));
  }
  @inline daF4(x: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return sigmoidF4(negF32x4(x)); }
  @inline dbF4(x: v128, b: v128, c: v128, vp: v128, p0: f64, p1: f64): v128 { return f32x4.splat(0); }
}

// @ts-ignore: decorator
@inline function dispatch<T>(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                             out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  // unary ops: the driver reads an operand b, which is absent (0); it reads a again instead (in cache)
  if (b == 0) b = a;
  switch (op) {
    case ActivationOp.SIGMOID: return run<T, Sigmoid>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
    case ActivationOp.LOG_SIGMOID: return run<T, LogSigmoid>(n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
  }
  unreachable();
  return 0;
}

export function activations_f32(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                                out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f32>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}

export function activations_f64(op: i32, n: i32, a: usize, b: usize, c: usize, w: usize, p0: f64, p1: f64,
                                out: usize, ga: usize, gb: usize, gc: usize, gscale: f64): f64 {
  return dispatch<f64>(op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale);
}
