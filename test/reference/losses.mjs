// A plain-JS float64 reference of every nnloss loss, written from PyTorch's formulas (the non-obvious
// parts are in docs/semantics.md): one small function per loss giving the result and the gradient of
// every argument for an upstream gradient `g` (null = 1 for a reduced result; { data } for 'none').
// Arguments are { data, shape } (integer tensors as numbers), options as nnloss takes them (weight as
// { data, shape }), `dtype` the inputs' dtype (scalar options such as margin meet a float32 tensor as
// float32, as in PyTorch).
// Not fast, not clever: every formula is PyTorch's, evaluated in float64. Where a gradient is a
// difference of terms that can cancel (softmax, cosine, CTC), `scales` gives the size of those terms
// per element: the comparison's tolerance is relative to it; `slack` is an absolute allowance where a
// decision (a hinge, a min) is within rounding of flipping, which a float32 computation may take.
import {
  bshape, clampMin0, elementwise, expand, logSigmoid, lse, numel, reduce, rounder, sigmoid, sign, softplus, sumTo,
} from "./helpers.mjs";

const red = (o) => o.reduction ?? "mean";
// PyTorch's EPSILON is a float literal (docs/semantics.md, "EPSILON is a float literal")
const EPS12 = Math.fround(1e-12);

// ---------------------------------------------------------------- elementwise

export function l1Loss([x, y], o, g) {
  return elementwise([x, y], (a, b) => [Math.abs(a - b), sign(a - b), -sign(a - b)], { reduction: red(o), g });
}

export function mseLoss([x, y], o, g) {
  return elementwise([x, y], (a, b) => [(a - b) ** 2, 2 * (a - b), -2 * (a - b)], { reduction: red(o), g });
}

export function huberLoss([x, y], o, g, dtype) {
  const dl = rounder(dtype)(o.delta ?? 1);
  const slope = (d) => (d <= -dl ? -dl : d >= dl ? dl : d);
  return elementwise([x, y], (a, b) => {
    const d = a - b, z = Math.abs(d);
    return [z < dl ? 0.5 * z * z : dl * (z - 0.5 * dl), slope(d), -slope(d)];
  }, { reduction: red(o), g });
}

export function smoothL1Loss([x, y], o, g, dtype) {
  const beta = rounder(dtype)(o.beta ?? 1);
  if (beta === 0) return l1Loss([x, y], o, g);
  const slope = (d) => (d <= -beta ? -1 : d >= beta ? 1 : d / beta);
  return elementwise([x, y], (a, b) => {
    const d = a - b, z = Math.abs(d);
    return [z < beta ? 0.5 * z * z / beta : z - 0.5 * beta, slope(d), -slope(d)];
  }, { reduction: red(o), g });
}

/** Poisson's Stirling term (where y > 1) and its autograd derivative (NaN at masked y ≤ 0: 0·log y). */
const stirling = (y) => (y > 1 ? y * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI * y) : 0);
const stirlingGrad = (y) => (y > 1 ? Math.log(y) + (y / y - 1) + 0.5 / y : y > 0 ? 0 : NaN); // autograd's y·(1/y): NaN at y = ∞

export function poissonNllLoss([x, y], o, g, dtype) {
  const fr = rounder(dtype), eps = fr(o.eps ?? 1e-8), full = o.full ?? false;
  const logInput = o.logInput ?? true;
  return elementwise([x, y], (a, b) => {
    let l, da, db;
    let size; // of the terms ℓ is a sum of
    if (logInput) [l, da, db, size] = [Math.exp(a) - b * a, Math.exp(a) - b, -a, Math.exp(a) + Math.abs(b * a)];
    else [l, da, db, size] = [a - b * Math.log(fr(a + eps)), 1 - b / fr(a + eps), -Math.log(fr(a + eps)), Math.abs(a) + Math.abs(b * Math.log(fr(a + eps)))]; // x + eps in the dtype
    return full ? [l + stirling(b), da, db + stirlingGrad(b), 0, 0, 0, 0, size + Math.abs(stirling(b)) + 2 * Math.abs(b)] : [l, da, db, 0, 0, 0, 0, size];
  }, { reduction: red(o), g, shape: bshape(y.shape, x.shape) });
}

/** The shape GaussianNLL reads var at (2.x rules): same, input[:-1] (+ trailing 1), or one dim of size 1. */
function varShape(x, v) {
  if (v.shape.length === x.shape.length - 1 && v.shape.every((s, i) => s === x.shape[i])) return [...v.shape, 1];
  return v.shape;
}

export function gaussianNllLoss([x, y, v], o, g, dtype) {
  const eps = rounder(dtype)(o.eps ?? 1e-6), full = o.full ?? false;
  const vt = typeof v === "number" ? { data: [v], shape: [] } : { data: v.data, shape: varShape(x, v) };
  const r = elementwise([x, y, vt], (a, b, c) => {
    const vv = Number.isNaN(c) ? NaN : Math.max(c, eps), d = a - b;
    const l = 0.5 * (Math.log(vv) + d * d / vv) + (full ? 0.5 * Math.log(2 * Math.PI) : 0);
    return [l, d / vv, -d / vv, 0.5 * (1 / vv - d * d / (vv * vv)), 0, 0, 0.5 * (1 / vv + d * d / (vv * vv)),
      0.5 * (Math.abs(Math.log(vv)) + d * d / vv + (full ? Math.log(2 * Math.PI) : 0))];
  }, { reduction: red(o), g });
  if (typeof v === "number") r.grads[2] = null;
  return r;
}

export function klDiv([x, y], o, g) {
  const r = red(o);
  const batchmean = r === "batchmean";
  const divisor = batchmean && x.shape.length > 0 ? x.shape[0] : 1;
  // [ℓ, ∂x, ∂y, ·, ·, ·, ·, size of ℓ's two terms]
  const f = o.logTarget
    ? (a, t) => [Math.exp(t) * (t - a), -Math.exp(t), Math.exp(t) * (t - a) + Math.exp(t), 0, 0, 0, 0, Math.exp(t) * (Math.abs(t) + Math.abs(a))]
    : (a, b) => [(b === 0 ? 0 : b * Math.log(b)) - b * a, -b, (b === 0 ? NaN : Math.log(b) + 1) - a, 0, 0, 0, 0,
      Math.abs(b === 0 ? 0 : b * Math.log(b)) + Math.abs(b * a)];
  return elementwise([x, y], f, { reduction: batchmean ? "sum" : r, g, divisor, shape: bshape(y.shape, x.shape) });
}

export function binaryCrossEntropy([x, y], o, g, dtype) {
  const fr = rounder(dtype);
  return elementwise([x, y], (a, b) => {
    const l = -(b * Math.max(Math.log(a), -100) + (1 - b) * Math.max(Math.log1p(-a), -100));
    return [l, (a - b) / Math.max(fr(a * (1 - a)), EPS12), Math.log1p(-a) - Math.log(a), 0, 0, Math.abs(Math.log1p(-a)) + Math.abs(Math.log(a))];
  }, { reduction: red(o), g, weight: o.weight ?? null, shape: x.shape });
}

export function binaryCrossEntropyWithLogits([x, y], o, g) {
  const pw = o.posWeight ?? null;
  const ops = [x, y, pw ?? { data: [1], shape: [] }];
  const r = elementwise(ops, (a, b, p) => {
    const sp = softplus(-a); // −log σ(a)
    const l = (1 - b) * a + (1 + (p - 1) * b) * sp;
    const da = (p * b + 1 - b) * sigmoid(a) - p * b;
    const db = pw ? logSigmoid(-a) - p * logSigmoid(a) : -a; // PyTorch's target backward
    return [l, da, db, 0, 0, pw ? Math.abs(logSigmoid(-a)) + Math.abs(p * logSigmoid(a)) : 0, 0,
      Math.abs((1 - b) * a) + Math.abs((1 + (p - 1) * b) * sp)];
  }, { reduction: red(o), g, weight: o.weight ?? null, shape: x.shape });
  r.grads.length = 2;
  return r;
}

// ---------------------------------------------------------------- margin family

export function marginRankingLoss([x1, x2, y], o, g, dtype) {
  const m = rounder(dtype)(o.margin ?? 0);
  return elementwise([x1, x2, y], (a, b, t) => {
    const z = -t * (a - b) + m, act = z >= 0 ? 1 : 0;
    return [clampMin0(z), -t * act, t * act, -(a - b) * act];
  }, { reduction: red(o), g, shape: bshape(y.shape, bshape(x1.shape, x2.shape)) });
}

export function hingeEmbeddingLoss([x, y], o, g, dtype) {
  const m = rounder(dtype)(o.margin ?? 1);
  const r = elementwise([x, y], (a, t) => {
    const z = m - a;
    const l = (t !== 1 ? clampMin0(z) : 0) + (t !== -1 ? a : 0);
    const da = (t !== 1 ? (z >= 0 ? -1 : 0) : 0) + (t !== -1 ? 1 : 0);
    return [l, da, 0, 0, 0, 0, 0, Math.abs(m) + 2 * Math.abs(a)];
  }, { reduction: red(o), g, shape: bshape(y.shape, x.shape) });
  r.grads[1] = null;
  return r;
}

export function softMarginLoss([x, y], o, g, dtype) {
  const fr = rounder(dtype); // exp overflows at float32's range for float32 inputs (no overflow guard)
  const r = elementwise([x, y], (a, t) => {
    const e = fr(Math.exp(-t * a));
    return [Math.log1p(e), -t * e / (1 + e), 0];
  }, { reduction: red(o), g, shape: x.shape });
  r.grads[1] = null;
  return r;
}

/** Row losses over the last dim of the broadcast shape: rows of length L at stride 1 (inner = 1). */
export function multilabelSoftMarginLoss([x, y], o, g) {
  const w = o.weight ?? null;
  let full = bshape(y.shape, x.shape);
  if (w) full = bshape(full, w.shape);
  const ax = x.shape.length - 1, C = x.shape[ax];
  const outer = numel(full.slice(0, ax)), L = full[ax], inner = numel(full.slice(ax + 1));
  const outShape = [...full.slice(0, ax), ...full.slice(ax + 1)];
  const X = expand(x, full), Y = expand(y, full), W = w ? expand(w, full) : null;
  const terms = new Float64Array(outer * inner);
  const at = (a, l, i) => (a * L + l) * inner + i;
  for (let a = 0; a < outer; a++) for (let i = 0; i < inner; i++) {
    let s = 0;
    for (let l = 0; l < L; l++) {
      const k = at(a, l, i);
      s += -(Y[k] * logSigmoid(X[k]) + (1 - Y[k]) * logSigmoid(-X[k])) * (W ? W[k] : 1);
    }
    terms[a * inner + i] = s / C;
  }
  const { out, G } = reduce(terms, outShape, red(o), g);
  const gx = new Float64Array(X.length), gy = new Float64Array(X.length), sy = new Float64Array(X.length);
  for (let a = 0; a < outer; a++) for (let i = 0; i < inner; i++) for (let l = 0; l < L; l++) {
    const k = at(a, l, i), s = G[a * inner + i] * (W ? W[k] : 1) / C;
    gx[k] = (sigmoid(X[k]) - Y[k]) * s;
    gy[k] = -(logSigmoid(X[k]) - logSigmoid(-X[k])) * s;
    sy[k] = (Math.abs(logSigmoid(X[k])) + Math.abs(logSigmoid(-X[k]))) * Math.abs(s);
  }
  return { out, grads: [sumTo(gx, x.shape, full), sumTo(gy, y.shape, full)], scales: [null, sumTo(sy, y.shape, full)] };
}

/** (C), (N, C) or 0-d input as rows, with the 'none' shape. */
function rows(x, t) {
  const N = x.shape.length === 2 ? x.shape[0] : 1;
  const C = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
  return { N, C, outShape: x.shape.length === 2 ? [N] : t && t.shape.length === 1 && x.shape.length < 2 ? [1] : [] };
}

export function multiMarginLoss([x, t], o, g, dtype) {
  const fr = rounder(dtype);
  const p = o.p ?? 1, m = fr(o.margin ?? 1), w = o.weight ?? null;
  const { N, C } = rows(x);
  const outShape = x.shape.length === 2 ? [N] : t.shape.length === 0 ? [] : [N];
  const terms = new Float64Array(N);
  const local = new Float64Array(N * C);
  for (let n = 0; n < N; n++) {
    const y = Number(t.data[n]), wy = w ? w.data[y] : 1;
    let s = 0;
    for (let j = 0; j < C; j++) {
      if (j === y) continue;
      const z = m - x.data[n * C + y] + x.data[n * C + j];
      if (!(z > 0)) continue;
      s += wy * (p === 1 ? z : z * z);
      const d = wy * (p === 1 ? 1 : 2 * z) / C;
      local[n * C + j] += d;
      local[n * C + y] -= d;
    }
    terms[n] = s / C;
  }
  const { out, G } = reduce(terms, outShape, red(o), g, N);
  if (N === 0 && red(o) === "mean") out.data[0] = NaN;
  return { out, grads: [local.map((v, i) => v * G[Math.floor(i / C)]), null] };
}

export function multilabelMarginLoss([x, t], o, g) {
  const { N, C } = rows(x);
  const outShape = x.shape.length === 2 ? [N] : [];
  const terms = new Float64Array(N);
  const local = new Float64Array(N * C);
  for (let n = 0; n < N; n++) {
    const J = [];
    for (let j = 0; j < C; j++) {
      const v = Number(t.data[n * C + j]);
      if (v === -1) break;
      J.push(v);
    }
    const T = new Set(J);
    let s = 0;
    for (const j of J) {
      for (let k = 0; k < C; k++) {
        if (T.has(k)) continue;
        const z = 1 - x.data[n * C + j] + x.data[n * C + k];
        if (!(z > 0)) continue;
        s += z;
        local[n * C + j] -= 1 / C;
        local[n * C + k] += 1 / C;
      }
    }
    terms[n] = s / C;
  }
  const { out, G } = reduce(terms, outShape, red(o), g, N);
  return { out, grads: [local.map((v, i) => v * G[Math.floor(i / C)]), null] };
}

// ---------------------------------------------------------------- classification

/** [N, C, K] layout of a class-dim input (class dim 1, or 0 for 1-D input). */
function layout(x) {
  if (x.shape.length === 1) return { N: 1, C: x.shape[0], K: 1, outShape: [] };
  const [N, C, ...sp] = x.shape;
  return { N, C, K: numel(sp), outShape: [N, ...sp] };
}

function logSoftmaxAt(x, N, C, K) {
  const lp = new Float64Array(N * C * K), p = new Float64Array(N * C * K);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) {
    const idx = (c) => (n * C + c) * K + k;
    const vals = Array.from({ length: C }, (_, c) => x.data[idx(c)]);
    // log_softmax as PyTorch computes it: max, then Σ exp(x − max) — a row with +inf (or all −inf) is NaN
    const m = vals.reduce((a, b) => (Number.isNaN(a) || b > a || Number.isNaN(b) ? (Number.isNaN(a) ? a : b) : a), -Infinity);
    const l = m + Math.log(vals.reduce((s, v) => s + Math.exp(v - m), 0));
    for (let c = 0; c < C; c++) {
      lp[idx(c)] = vals[c] - l;
      p[idx(c)] = Math.exp(vals[c] - l);
    }
  }
  return { lp, p };
}

export function crossEntropy([x, t], o, g) {
  const { N, C, K, outShape } = layout(x);
  const eps = (o.labelSmoothing ?? 0) > 0 ? o.labelSmoothing : 0;
  const w = o.weight ? Array.from(o.weight.data, Number) : null;
  const wc = (c) => (w ? w[c] : 1);
  const { lp, p } = logSoftmaxAt(x, N, C, K);
  const idx = (n, c, k) => (n * C + c) * K + k;
  const P = N * K;
  const terms = new Float64Array(P);
  const prob = t.shape.length === x.shape.length && t.shape.every((s, i) => s === x.shape[i]);
  let count = P;
  if (prob) {
    const q = (i) => (eps > 0 ? t.data[i] * (1 - eps) + eps / C : t.data[i]);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) {
      let s = 0;
      for (let c = 0; c < C; c++) s -= wc(c) * q(idx(n, c, k)) * lp[idx(n, c, k)];
      terms[n * K + k] = s;
    }
    const { out, G } = reduce(terms, outShape, red(o), g, count);
    const gx = new Float64Array(x.data.length), gy = new Float64Array(x.data.length), sx = new Float64Array(x.data.length);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) {
      const Gi = G[n * K + k];
      let su = 0;
      for (let c = 0; c < C; c++) su += Gi * wc(c) * q(idx(n, c, k));
      for (let c = 0; c < C; c++) {
        const i = idx(n, c, k);
        gx[i] = p[i] * su - Gi * wc(c) * q(i);
        sx[i] = Math.abs(p[i] * su) + Math.abs(Gi * wc(c) * q(i));
        gy[i] = -Gi * wc(c) * lp[i] * (eps > 0 ? 1 - eps : 1);
      }
    }
    return { out, grads: [gx, gy], scales: [sx, null] };
  }
  const ignore = o.ignoreIndex ?? -100;
  const tv = Array.from(t.data, Number);
  count = 0;
  for (let i = 0; i < P; i++) if (tv[i] !== ignore) count += wc(tv[i]);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) {
    const tt = tv[n * K + k];
    if (tt === ignore) continue;
    let l = (1 - eps) * wc(tt) * -lp[idx(n, tt, k)];
    if (eps > 0) {
      let s = 0;
      for (let c = 0; c < C; c++) s += wc(c) * -lp[idx(n, c, k)];
      l += (eps / C) * s;
    }
    terms[n * K + k] = l;
  }
  const { out, G } = reduce(terms, outShape, red(o), g, count);
  const gx = new Float64Array(x.data.length), sx = new Float64Array(x.data.length);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) {
    const tt = tv[n * K + k];
    if (tt === ignore) continue;
    const Gi = G[n * K + k];
    const u = (c) => Gi * ((c === tt ? (1 - eps) * wc(tt) : 0) + (eps / C) * wc(c));
    let su = 0;
    for (let c = 0; c < C; c++) su += u(c);
    for (let c = 0; c < C; c++) {
      gx[idx(n, c, k)] = p[idx(n, c, k)] * su - u(c);
      sx[idx(n, c, k)] = Math.abs(p[idx(n, c, k)] * su) + Math.abs(u(c));
    }
  }
  return { out, grads: [gx, null], scales: [sx, null] };
}

export function nllLoss([x, t], o, g) {
  const { N, C, K, outShape } = layout(x);
  const w = o.weight ? Array.from(o.weight.data, Number) : null;
  const wc = (c) => (w ? w[c] : 1);
  const ignore = o.ignoreIndex ?? -100;
  const tv = Array.from(t.data, Number);
  const terms = new Float64Array(N * K);
  let count = 0;
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) {
    const tt = tv[n * K + k];
    if (tt === ignore) continue;
    count += wc(tt);
    terms[n * K + k] = -wc(tt) * x.data[(n * C + tt) * K + k];
  }
  const { out, G } = reduce(terms, outShape, red(o), g, count);
  const gx = new Float64Array(x.data.length);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) {
    const tt = tv[n * K + k];
    if (tt !== ignore) gx[(n * C + tt) * K + k] = -wc(tt) * G[n * K + k];
  }
  return { out, grads: [gx, null] };
}

// ---------------------------------------------------------------- embedding family

/**
 * ‖a − b + eps‖_p over the last dim of the pair's broadcast shape, with PyTorch's norm backward:
 * returns { d (rows), shape (rows shape), back(gRows) → [ga, gb] at a's and b's shapes }.
 */
function pairDistance(a, b, p, eps, fr) {
  const full = bshape(a.shape, b.shape);
  const D = full.length === 0 ? 1 : full[full.length - 1];
  const rowsShape = full.slice(0, -1);
  const R = numel(rowsShape);
  const A = expand(a, full), B = expand(b, full);
  const d = new Float64Array(R);
  const u = (r, k) => fr(fr(A[r * D + k] - B[r * D + k]) + eps); // x1 − x2 + eps, a tensor of the dtype
  for (let r = 0; r < R; r++) {
    let s = 0;
    if (p === Infinity) {
      s = 0;
      for (let k = 0; k < D; k++) { const v = Math.abs(u(r, k)); s = Number.isNaN(v) || Number.isNaN(s) ? NaN : Math.max(s, v); }
    } else if (p === 0) {
      for (let k = 0; k < D; k++) s += u(r, k) !== 0 ? 1 : 0;
    } else {
      for (let k = 0; k < D; k++) s += Math.abs(u(r, k)) ** p;
      s = p === 1 ? s : s ** (1 / p);
    }
    d[r] = fr(s); // a tensor of the inputs' dtype
  }
  // gr: the upstream gradient per row; grSize: the size of what it sums (for the tolerance)
  const back = (gr, grSize = gr.map(Math.abs)) => {
    const ga = new Float64Array(A.length), size = new Float64Array(A.length);
    for (let r = 0; r < R; r++) {
      const nv = d[r];
      let ties = 0;
      if (p === Infinity) for (let k = 0; k < D; k++) if (Math.abs(u(r, k)) === nv || (Number.isNaN(nv) && Number.isNaN(u(r, k)))) ties++;
      for (let k = 0; k < D; k++) {
        const uk = u(r, k);
        let s;
        if (p === 0) s = 0;
        else if (p === 1) s = sign(uk);
        else if (p === 2) s = nv === 0 ? 0 : uk / nv;
        else if (p === Infinity) s = Math.abs(uk) === nv || (Number.isNaN(nv) && Number.isNaN(uk)) ? sign(uk) / ties : 0;
        else s = nv === 0 ? 0 : sign(uk) * Math.abs(uk) ** (p - 1) / nv ** (p - 1);
        ga[r * D + k] = gr[r] * s;
        size[r * D + k] = grSize[r] * Math.abs(s);
      }
    }
    return [sumTo(ga, a.shape, full), sumTo(ga.map((v) => -v), b.shape, full), sumTo(size, a.shape, full), sumTo(size, b.shape, full)];
  };
  return { d, shape: rowsShape, back };
}

/** The relative rounding a decision on values of the dtype is uncertain by (about 16 ulps). */
const ambiguity = (fr) => (fr === Math.fround ? 2 ** -20 : 2 ** -49);

function tripletCore([a, p, n], dist, { margin, swap, reduction, g, marginLast, fr }) {
  const dap = dist(a, p), dan = dist(a, n), dpn = swap ? dist(p, n) : null;
  const negShape = swap ? bshape(dan.shape, dpn.shape) : dan.shape;
  const shape = bshape(dap.shape, negShape);
  const S = numel(shape);
  const Dap = expand({ data: dap.d, shape: dap.shape }, shape), Dan = expand({ data: dan.d, shape: dan.shape }, shape);
  const Dpn = swap ? expand({ data: dpn.d, shape: dpn.shape }, shape) : null;
  const share = (s, t) => (s < t ? 1 : s > t ? 0 : s === t ? 0.5 : 1);
  const terms = new Float64Array(S), act = new Float64Array(S), size = new Float64Array(S);
  for (let i = 0; i < S; i++) {
    const dneg = swap ? (Dan[i] < Dpn[i] || Number.isNaN(Dan[i]) ? Dan[i] : Number.isNaN(Dpn[i]) ? Dpn[i] : Math.min(Dan[i], Dpn[i])) : Dan[i];
    const z = marginLast ? fr(fr(Dap[i] - dneg) + margin) : fr(fr(margin + Dap[i]) - dneg);
    terms[i] = clampMin0(z);
    act[i] = z >= 0 ? 1 : 0;
    size[i] = Math.abs(margin) + Math.abs(Dap[i]) + Math.abs(dneg); // two distances may share an input
  }
  const { out, G } = reduce(terms, shape, reduction, g);
  const outScale = reduce(size, shape, reduction, null).out.data;
  // decisions within rounding (the hinge at z ≈ 0, the swap's min at d_an ≈ d_pn) may go either way:
  // their whole gradient contribution is slack
  const amb = ambiguity(fr);
  const slackAp = new Float64Array(S), slackAn = new Float64Array(S), slackPn = new Float64Array(S);
  for (let i = 0; i < S; i++) {
    const dneg = swap ? Math.min(Dan[i], Dpn[i]) : Dan[i];
    const z = marginLast ? Dap[i] - dneg + margin : margin + Dap[i] - dneg;
    const ambZ = Math.abs(z) <= amb * size[i];
    const ambMin = swap && Math.abs(Dan[i] - Dpn[i]) <= amb * (Math.abs(Dan[i]) + Math.abs(Dpn[i]));
    const Gi = Math.abs(G[i]);
    if (ambZ) slackAp[i] = Gi;
    if (ambZ || (ambMin && act[i])) {
      slackAn[i] = Gi;
      if (swap) slackPn[i] = Gi;
    }
  }
  const gap = act.map((v, i) => v * G[i]);
  const gan = act.map((v, i) => -v * G[i] * (swap ? share(Dan[i], Dpn[i]) : 1));
  const gpn = swap ? act.map((v, i) => -v * G[i] * share(Dpn[i], Dan[i])) : null;
  // each operand's gradient is a sum over the distances it enters (which may cancel): its scale is the
  // sum of their sizes (or of the cosine distance's own term sizes)
  const add = (x, y) => x.map((v, i) => v + y[i]);
  const mag = (g, sc) => sc;
  const abs = (x) => x.map(Math.abs);
  const [ga1, gp1, sa1, sp1] = dap.back(sumTo(gap, dap.shape, shape), sumTo(abs(gap), dap.shape, shape));
  const [ga2, gn1, sa2, sn1] = dan.back(sumTo(gan, dan.shape, shape), sumTo(abs(gan), dan.shape, shape));
  let gp = gp1, gn = gn1, sp = mag(gp1, sp1), sn = mag(gn1, sn1);
  if (swap) {
    const [gp2, gn2, sp2, sn2] = dpn.back(sumTo(gpn, dpn.shape, shape), sumTo(abs(gpn), dpn.shape, shape));
    [gp, gn, sp, sn] = [add(gp, gp2), add(gn, gn2), add(sp, mag(gp2, sp2)), add(sn, mag(gn2, sn2))];
  }
  const [, , xa1, xp1] = dap.back(sumTo(slackAp, dap.shape, shape));
  const [, , xa2, xn1] = dan.back(sumTo(slackAn, dan.shape, shape));
  let xp = xp1, xn = xn1;
  if (swap) {
    const [, , xp2, xn2] = dpn.back(sumTo(slackPn, dpn.shape, shape));
    [xp, xn] = [add(xp, xp2), add(xn, xn2)];
  }
  return { out, grads: [add(ga1, ga2), gp, gn], scales: [add(mag(ga1, sa1), mag(ga2, sa2)), sp, sn], outScale,
    slack: [add(xa1, xa2), xp, xn] };
}

export function tripletMarginLoss(args, o, g, dtype) {
  const fr = rounder(dtype);
  const p = o.p ?? 2, eps = fr(o.eps ?? 1e-6);
  return tripletCore(args, (x, y) => pairDistance(x, y, p, eps, fr),
    { margin: fr(o.margin ?? 1), swap: o.swap ?? false, reduction: red(o), g, marginLast: false, fr });
}

/** 1 − cosine_similarity over the last dim, norms clamped to eps outside autograd (2.x). */
function cosineDistance(a, b, eps, fr) {
  const full = bshape(a.shape, b.shape);
  const D = full.length === 0 ? 1 : full[full.length - 1];
  const rowsShape = full.slice(0, -1), R = numel(rowsShape);
  const A = expand(a, full), B = expand(b, full);
  const d = new Float64Array(R), n1 = new Float64Array(R), n2 = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    let s1 = 0, s2 = 0, c = 0;
    // PyTorch materializes the norms, x / norm, the products and cos as tensors of the dtype
    for (let k = 0; k < D; k++) { s1 += fr(A[r * D + k] ** 2); s2 += fr(B[r * D + k] ** 2); }
    n1[r] = Math.max(fr(Math.sqrt(fr(s1))), eps);
    n2[r] = Math.max(fr(Math.sqrt(fr(s2))), eps);
    for (let k = 0; k < D; k++) c += fr(fr(A[r * D + k] / n1[r]) * fr(B[r * D + k] / n2[r]));
    d[r] = fr(1 - fr(c));
  }
  const back = (gr, grSize = gr.map(Math.abs)) => {
    const ga = new Float64Array(A.length), gb = new Float64Array(A.length);
    const sa = new Float64Array(A.length), sb = new Float64Array(A.length);
    for (let r = 0; r < R; r++) {
      const G = -gr[r], Gs = grSize[r];
      let gn1 = 0, gn2 = 0, an1 = 0, an2 = 0; // an: the same sums of sizes (cos may cancel)
      for (let k = 0; k < D; k++) {
        const u1 = A[r * D + k] / n1[r], u2 = B[r * D + k] / n2[r];
        gn1 -= G * u2 * u1 / n1[r];
        gn2 -= G * u1 * u2 / n2[r];
        an1 += Math.abs(Gs * u2 * u1 / n1[r]);
        an2 += Math.abs(Gs * u1 * u2 / n2[r]);
      }
      for (let k = 0; k < D; k++) {
        const u1 = A[r * D + k] / n1[r], u2 = B[r * D + k] / n2[r];
        const t1 = [G * u2 / n1[r], A[r * D + k] * (n1[r] === 0 ? 0 : gn1 / n1[r])];
        const t2 = [G * u1 / n2[r], B[r * D + k] * (n2[r] === 0 ? 0 : gn2 / n2[r])];
        ga[r * D + k] = t1[0] + t1[1];
        gb[r * D + k] = t2[0] + t2[1];
        sa[r * D + k] = Math.abs(Gs * u2 / n1[r]) + Math.abs(A[r * D + k] * (n1[r] === 0 ? 0 : an1 / n1[r]));
        sb[r * D + k] = Math.abs(Gs * u1 / n2[r]) + Math.abs(B[r * D + k] * (n2[r] === 0 ? 0 : an2 / n2[r]));
      }
    }
    return [sumTo(ga, a.shape, full), sumTo(gb, b.shape, full), sumTo(sa, a.shape, full), sumTo(sb, b.shape, full)];
  };
  return { d, shape: rowsShape, back };
}

export function tripletMarginWithDistanceLoss(args, o, g, dtype) {
  const fr = rounder(dtype);
  const fn = o.distanceFunction ?? "pairwise";
  const dist = fn === "cosine" ? (x, y) => cosineDistance(x, y, fr(1e-8), fr) : (x, y) => pairDistance(x, y, 2, fr(1e-6), fr);
  return tripletCore(args, dist, { margin: fr(o.margin ?? 1), swap: o.swap ?? false, reduction: red(o), g, marginLast: true, fr });
}

export function cosineEmbeddingLoss([x1, x2, y], o, g, dtype) {
  const fr = rounder(dtype), margin = fr(o.margin ?? 0);
  const xs = bshape(x1.shape, x2.shape);
  const D = xs.length === 0 ? 1 : xs[xs.length - 1];
  const outShape = bshape(y.shape, xs.slice(0, -1));
  const full = [...outShape, D];
  const R = numel(outShape);
  const A = expand(x1, full), B = expand(x2, full), Y = expand(y, outShape);
  // each magnitude sums over the operand's own last dim (1 where it broadcasts along D)
  const own1 = Math.min(x1.shape.length ? x1.shape[x1.shape.length - 1] : 1, D);
  const own2 = Math.min(x2.shape.length ? x2.shape[x2.shape.length - 1] : 1, D);
  const terms = new Float64Array(R), cosv = new Float64Array(R), m1 = new Float64Array(R), m2 = new Float64Array(R);
  const den = new Float64Array(R), prod = new Float64Array(R), prodSize = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    let pr = 0, s1 = 0, s2 = 0;
    // PyTorch materializes the products, sums, magnitudes and cos as tensors of the dtype
    for (let k = 0; k < D; k++) pr += fr(A[r * D + k] * B[r * D + k]);
    for (let k = 0; k < D; k++) prodSize[r] += Math.abs(A[r * D + k] * B[r * D + k]);
    for (let k = 0; k < own1; k++) s1 += fr(A[r * D + k] ** 2);
    for (let k = 0; k < own2; k++) s2 += fr(B[r * D + k] ** 2);
    m1[r] = fr(fr(s1) + EPS12);
    m2[r] = fr(fr(s2) + EPS12);
    den[r] = fr(Math.sqrt(fr(m1[r] * m2[r])));
    prod[r] = fr(pr);
    cosv[r] = fr(prod[r] / den[r]);
    terms[r] = (Y[r] === 1 ? 1 - cosv[r] : 0) + (Y[r] === -1 ? clampMin0(cosv[r] - margin) : 0);
  }
  const { out, G } = reduce(terms, outShape, red(o), g);
  const size = Float64Array.from(cosv, (c, r) => (Y[r] === 1 ? 1 + Math.abs(c) : Y[r] === -1 ? Math.abs(c) + Math.abs(margin) : 0));
  const outScale = reduce(size, outShape, red(o), null).out.data;
  const ga = new Float64Array(A.length), gb = new Float64Array(A.length);
  const sa = new Float64Array(A.length), sb = new Float64Array(A.length);
  const xa = new Float64Array(A.length), xb = new Float64Array(A.length); // slack of ambiguous hinges
  const amb = fr === Math.fround ? 2 ** -20 : 2 ** -49;
  for (let r = 0; r < R; r++) {
    if (Y[r] === -1 && Math.abs(cosv[r] - margin) <= amb * (Math.abs(cosv[r]) + Math.abs(margin))) {
      const gp = Math.abs(G[r] / den[r]), gm = Math.abs(G[r] * cosv[r]);
      for (let k = 0; k < D; k++) {
        xa[r * D + k] = gp * Math.abs(B[r * D + k]) + gm * Math.abs(A[r * D + k]) / m1[r];
        xb[r * D + k] = gp * Math.abs(A[r * D + k]) + gm * Math.abs(B[r * D + k]) / m2[r];
      }
    }
    // autograd's chain through cos = prod / sqrt(m1·m2), literally (NaN data gives NaN gradients)
    const gc = G[r] * ((Y[r] === 1 ? -1 : 0) + (Y[r] === -1 && cosv[r] - margin >= 0 ? 1 : 0));
    const gprod = gc / den[r];
    const gden = -gc * prod[r] / (den[r] * den[r]);
    const gm1 = gden * m2[r] / (2 * den[r]), gm2 = gden * m1[r] / (2 * den[r]);
    for (let k = 0; k < D; k++) {
      const t1 = [gprod * B[r * D + k], k < own1 ? gm1 * 2 * A[r * D + k] : 0];
      const t2 = [gprod * A[r * D + k], k < own2 ? gm2 * 2 * B[r * D + k] : 0];
      ga[r * D + k] = t1[0] + t1[1];
      gb[r * D + k] = t2[0] + t2[1];
      // the second terms scale with prod, a sum that may cancel: sized by Σ|x1·x2|
      const big = prod[r] === 0 ? 1 : Math.abs(prodSize[r] / prod[r]);
      sa[r * D + k] = Math.abs(t1[0]) + Math.abs(t1[1]) * big;
      sb[r * D + k] = Math.abs(t2[0]) + Math.abs(t2[1]) * big;
    }
  }
  return { out, grads: [sumTo(ga, x1.shape, full), sumTo(gb, x2.shape, full), null],
    scales: [sumTo(sa, x1.shape, full), sumTo(sb, x2.shape, full), null], outScale,
    slack: [sumTo(xa, x1.shape, full), sumTo(xb, x2.shape, full), null] };
}

// ---------------------------------------------------------------- CTC

/** CTC in log space: α/β recursions, PyTorch's gradient exp(lp) − γ (docs/semantics.md, "CTC loss and
 *  gradient"). */
export function ctcLoss([lpT, targets, il, tl], o, g) {
  const batched = lpT.shape.length === 3;
  const [T, N, C] = batched ? lpT.shape : [lpT.shape[0], 1, lpT.shape[1]];
  const blank = o.blank ?? 0, zeroInf = o.zeroInfinity ?? false;
  const inL = (typeof il === "number" ? [il] : Array.from(il.data ?? il, Number));
  const tgL = (typeof tl === "number" ? [tl] : Array.from(tl.data ?? tl, Number));
  const lp = (t, b, c) => lpT.data[(t * N + b) * C + c];
  const tv = Array.from(targets.data, Number);
  const padded = targets.shape.length === 2;
  const nll = new Float64Array(N);
  const local = new Float64Array(T * N * C), scale = new Float64Array(T * N * C);
  let off = 0;
  for (let b = 0; b < N; b++) {
    const L = tgL[b], Tb = inL[b];
    const start = padded ? b * targets.shape[1] : off;
    off += L;
    const lab = tv.slice(start, start + L);
    const S = 2 * L + 1;
    const ext = (s) => (s % 2 === 0 ? blank : lab[(s - 1) >> 1]);
    if (Tb === 0) { nll[b] = L === 0 ? 0 : Infinity; continue; }
    const alpha = Array.from({ length: Tb }, () => new Float64Array(S).fill(-Infinity));
    const beta = Array.from({ length: Tb }, () => new Float64Array(S).fill(-Infinity));
    alpha[0][0] = lp(0, b, blank);
    if (L > 0) alpha[0][1] = lp(0, b, ext(1));
    for (let t = 1; t < Tb; t++) for (let s = 0; s < S; s++) {
      const terms = [alpha[t - 1][s]];
      if (s >= 1) terms.push(alpha[t - 1][s - 1]);
      if (s >= 2 && ext(s) !== ext(s - 2)) terms.push(alpha[t - 1][s - 2]);
      alpha[t][s] = lp(t, b, ext(s)) + lse(terms);
    }
    const ll = L > 0 ? lse([alpha[Tb - 1][S - 1], alpha[Tb - 1][S - 2]]) : alpha[Tb - 1][0];
    nll[b] = -ll;
    beta[Tb - 1][S - 1] = lp(Tb - 1, b, blank);
    if (L > 0) beta[Tb - 1][S - 2] = lp(Tb - 1, b, ext(S - 2));
    for (let t = Tb - 2; t >= 0; t--) for (let s = 0; s < S; s++) {
      const terms = [beta[t + 1][s]];
      if (s < S - 1) terms.push(beta[t + 1][s + 1]);
      if (s < S - 2 && ext(s + 2) !== ext(s)) terms.push(beta[t + 1][s + 2]);
      beta[t][s] = lp(t, b, ext(s)) + lse(terms);
    }
    for (let t = 0; t < Tb; t++) for (let c = 0; c < C; c++) {
      const ab = [];
      if (t === Tb - 1) {
        // PyTorch assigns the last frame's two states (the second overwrites when a label equals blank)
        const last = L > 0 && ext(S - 2) === c ? S - 2 : c === blank ? S - 1 : -1;
        if (last >= 0) ab.push(alpha[t][last] + beta[t][last]);
      } else {
        for (let s = 0; s < S; s++) if (ext(s) === c) ab.push(alpha[t][s] + beta[t][s]);
      }
      const l = lp(t, b, c);
      local[(t * N + b) * C + c] = Math.exp(l) - Math.exp(lse(ab) + nll[b] - l);
      scale[(t * N + b) * C + c] = Math.exp(l) + Math.exp(lse(ab) + nll[b] - l);
    }
  }
  const terms = Float64Array.from(nll);
  for (let b = 0; b < N; b++) {
    if (zeroInf && nll[b] === Infinity) {
      terms[b] = 0;
      for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) local[(t * N + b) * C + c] = 0;
    }
  }
  const reduction = red(o);
  if (reduction === "mean") for (let b = 0; b < N; b++) terms[b] /= Math.max(tgL[b], 1);
  const { out, G } = reduce(terms, batched ? [N] : [], reduction, g, N);
  for (let b = 0; b < N; b++) {
    const Gb = reduction === "mean" ? G[b] / Math.max(tgL[b], 1) : G[b];
    for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) {
      local[(t * N + b) * C + c] *= Gb;
      scale[(t * N + b) * C + c] *= Math.abs(Gb);
    }
  }
  return { out, grads: [local, null, null, null], scales: [scale, null, null, null] };
}
