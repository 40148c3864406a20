// Shared helpers of the plain-JS float64 reference (test/reference/losses.mjs): shapes, broadcasting,
// reductions and the chain rule, written for clarity, not speed. Tensors are { data: number[] |
// Float64Array, shape: number[] }; gradients come back at each argument's own shape.

export const numel = (shape) => shape.reduce((p, s) => p * s, 1);

/** torch.broadcast_shapes (the inputs are assumed to broadcast). */
export function bshape(...shapes) {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = nd - s.length + i;
      if (s[i] !== 1) out[j] = s[i];
    }
  }
  return out;
}

/** For every flat index of `target`, the flat index of the element of `shape` broadcast onto it. */
export function bindex(shape, target) {
  const n = numel(target);
  const map = new Int32Array(n);
  const strides = new Array(target.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const t = target.length - shape.length + i;
    strides[t] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  const idx = new Array(target.length).fill(0);
  for (let f = 0; f < n; f++) {
    let off = 0;
    for (let d = 0; d < target.length; d++) off += idx[d] * strides[d];
    map[f] = off;
    for (let d = target.length - 1; d >= 0; d--) {
      if (++idx[d] < target[d]) break;
      idx[d] = 0;
    }
  }
  return map;
}

/** `t` read at the broadcast shape `target`. */
export function expand(t, target) {
  const map = bindex(t.shape, target);
  return Float64Array.from(map, (i) => Number(t.data[i]));
}

/** Sum a gradient at `target` down to `shape` (the inverse of expand). */
export function sumTo(g, shape, target) {
  const map = bindex(shape, target);
  const out = new Float64Array(numel(shape));
  for (let i = 0; i < map.length; i++) out[map[i]] += g[i];
  return out;
}

/**
 * Reduce per-element losses `terms` (shape `shape`) and give the upstream factor G of every term.
 * `g`: the gradient of the result — a number for a reduced result (1 if null), { data } for 'none'.
 * `count`: the mean's denominator (default: the number of terms).
 */
export function reduce(terms, shape, reduction, g, count = terms.length) {
  if (reduction === "none") {
    const G = g == null || typeof g === "number" ? new Float64Array(terms.length).fill(g ?? 1) : Float64Array.from(g.data, Number);
    return { out: { data: Float64Array.from(terms), shape }, G };
  }
  let sum = 0;
  for (const v of terms) sum += v;
  const gs = g == null ? 1 : typeof g === "number" ? g : Number(g.data[0]);
  const scale = reduction === "mean" ? 1 / count : 1;
  return { out: { data: Float64Array.of(reduction === "mean" ? sum / count : sum), shape: [] }, G: new Float64Array(terms.length).fill(gs * scale) };
}

/** Round a scalar option to the tensor dtype, as PyTorch does when it meets a float32 tensor. */
export const rounder = (dtype) => (dtype === "float32" ? Math.fround : (v) => v);

/**
 * The elementwise driver: operands broadcast to one shape, `f(a, b, c)` gives [ℓ, ∂a, ∂b, ∂c] per
 * element (before the weight) and optionally the size of the terms each derivative is a difference
 * of [.., sa, sb, sc] and the size of the terms of ℓ [.., sℓ]; an optional weight multiplies them all.
 * Returns { out, grads, scales, outScale }: scales are the tolerance's magnitudes (see property.test).
 */
export function elementwise(operands, f, { reduction, g, weight = null, shape = null, divisor = 1 }) {
  const present = operands.filter(Boolean);
  const full = shape ?? bshape(...present.map((t) => t.shape), ...(weight ? [weight.shape] : []));
  const ex = operands.map((t) => (t ? expand(t, full) : null));
  const w = weight ? expand(weight, full) : null;
  const n = numel(full);
  const terms = new Float64Array(n);
  const d = operands.map(() => new Float64Array(n));
  const sc = operands.map(() => new Float64Array(n));
  const size = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = f(ex[0]?.[i], ex[1]?.[i], ex[2]?.[i]);
    const wi = w ? w[i] : 1;
    terms[i] = wi * r[0];
    size[i] = Math.abs(terms[i]) + Math.abs(wi * (r[7] ?? 0));
    for (let k = 0; k < operands.length; k++) {
      d[k][i] = wi * (r[k + 1] ?? 0);
      sc[k][i] = Math.abs(d[k][i]) + Math.abs(wi * (r[k + 4] ?? 0));
    }
  }
  const { out, G } = reduce(terms, full, reduction, g);
  const outScale = reduce(size, full, reduction, null).out.data;
  if (divisor !== 1) { // KLDiv batchmean: the sum divided by size(0) (0/0 = NaN for an empty batch)
    out.data[0] /= divisor;
    outScale[0] /= divisor;
    G.fill(G[0] / divisor);
  }
  // a broadcast operand's gradient sums terms that may cancel: its scale sums their sizes
  const grads = operands.map((t, k) => (t ? sumTo(d[k].map((v, i) => v * G[i]), t.shape, full) : null));
  const scales = operands.map((t, k) => (t ? sumTo(sc[k].map((v, i) => v * Math.abs(G[i])), t.shape, full) : null));
  return { out, grads, scales, outScale };
}

/** sign with sign(0) = sign(NaN) = 0. */
export const sign = (v) => (v > 0 ? 1 : v < 0 ? -1 : 0);

/** log σ(x), stable. */
export const logSigmoid = (x) => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x < 0 ? x - Math.log1p(Math.exp(x)) : NaN);
export const sigmoid = (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
/** log(1 + e^x) computed as PyTorch's softplus-free max trick: max(x, 0) + log(e^−m + e^(x−m)). */
export const softplus = (x) => {
  const m = Math.max(x, 0);
  return m + Math.log(Math.exp(-m) + Math.exp(x - m));
};

/** max(0, z) as clamp_min: NaN passes through. */
export const clampMin0 = (z) => (z < 0 ? 0 : z);

/** log-sum-exp of a list (−inf for an empty or all −inf list). */
export function lse(values) {
  let m = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v > m) m = v;
  }
  if (m === -Infinity) return -Infinity;
  if (!Number.isFinite(m)) return m; // +inf or NaN
  let s = 0;
  for (const v of values) s += Math.exp(v - m);
  return m + Math.log(s);
}
