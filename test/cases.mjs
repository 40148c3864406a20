// Random loss calls for the soak and worker tests: a seedable PRNG, a factory of mixed calls across
// all 21 losses with random sizes, and a runner that returns a plain snapshot (result and gradients),
// optionally with every float argument as a resident tensor (disposed afterwards, gradients included).
// No bare imports and no test framework: worker scripts load this file too (a Web Worker in a browser
// has no import map).

/** mulberry32: a small deterministic PRNG; `rng()` in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  next.pick = (arr) => arr[Math.floor(next() * arr.length)];
  next.uniform = (lo, hi) => lo + (hi - lo) * next();
  return next;
}

const numel = (s) => s.reduce((p, v) => p * v, 1);
const RED = ["none", "mean", "sum"];

/** A float argument: { data: number[], shape, grad }. */
function F(rng, shape, lo, hi, grad = true) {
  return { data: Array.from({ length: numel(shape) }, () => rng.uniform(lo, hi)), shape, grad };
}
function I(rng, shape, lo, hi) {
  return { data: Array.from({ length: numel(shape) }, () => rng.int(lo, hi)), shape, int: true };
}
const pm1 = (rng, shape) => ({ data: Array.from({ length: numel(shape) }, () => (rng() < 0.5 ? -1 : 1)), shape, grad: false });

/** Per loss: (rng, n, m) → [args, options], with n rows and m columns (classes, features, ...). */
const MAKERS = {
  l1Loss: (r, n, m) => [[F(r, [n, m], -3, 3), F(r, [m], -3, 3)], {}],
  mseLoss: (r, n, m) => [[F(r, [n, m], -3, 3), F(r, [n, m], -3, 3)], {}],
  huberLoss: (r, n, m) => [[F(r, [n, m], -3, 3), F(r, [n, m], -3, 3)], { delta: r.pick([0.5, 1, 2]) }],
  smoothL1Loss: (r, n, m) => [[F(r, [n, m], -3, 3), F(r, [n, m], -3, 3)], { beta: r.pick([0, 0.5, 1]) }],
  crossEntropy: (r, n, m) => [[F(r, [n, m + 1], -4, 4), I(r, [n], 0, m)], { labelSmoothing: r.pick([0, 0.1]), ignoreIndex: 0 }],
  nllLoss: (r, n, m) => [[F(r, [n, m + 1, 2], -4, 0), I(r, [n, 2], 0, m)], {}],
  poissonNllLoss: (r, n, m) => [[F(r, [n, m], -2, 2), F(r, [n, m], 0, 4)], { full: r() < 0.5 }],
  gaussianNllLoss: (r, n, m) => [[F(r, [n, m], -2, 2), F(r, [n, m], -2, 2), F(r, [n], 0.1, 2)], { full: r() < 0.5 }],
  klDiv: (r, n, m) => [[F(r, [n, m], -4, 0), F(r, [n, m], 0, 1)], { reduction: "batchmean" }],
  binaryCrossEntropy: (r, n, m) => [[F(r, [n, m], 0.01, 0.99), F(r, [n, m], 0, 1)], {}],
  binaryCrossEntropyWithLogits: (r, n, m) => [[F(r, [n, m], -5, 5), F(r, [n, m], 0, 1)], {}],
  marginRankingLoss: (r, n, m) => [[F(r, [n * m], -2, 2), F(r, [n * m], -2, 2), pm1(r, [n * m])], { margin: 0.3 }],
  hingeEmbeddingLoss: (r, n, m) => [[F(r, [n, m], -2, 2), pm1(r, [n, m])], {}],
  multilabelMarginLoss: (r, n, m) => [[F(r, [n, m + 1], -2, 2), I(r, [n, m + 1], -1, m)], {}],
  softMarginLoss: (r, n, m) => [[F(r, [n, m], -3, 3), pm1(r, [n, m])], {}],
  multilabelSoftMarginLoss: (r, n, m) => [[F(r, [n, m], -3, 3), F(r, [n, m], 0, 1)], {}],
  cosineEmbeddingLoss: (r, n, m) => [[F(r, [n, m], -2, 2), F(r, [n, m], -2, 2), pm1(r, [n])], { margin: 0.2 }],
  multiMarginLoss: (r, n, m) => [[F(r, [n, m + 1], -2, 2), I(r, [n], 0, m)], { p: r.pick([1, 2]) }],
  tripletMarginLoss: (r, n, m) => [[F(r, [n, m], -2, 2), F(r, [n, m], -2, 2), F(r, [n, m], -2, 2)], { swap: r() < 0.5 }],
  tripletMarginWithDistanceLoss: (r, n, m) => [[F(r, [n, m], -2, 2), F(r, [n, m], -2, 2), F(r, [n, m], -2, 2)],
    { distanceFunction: r.pick(["pairwise", "cosine"]) }],
  ctcLoss: (r, n, m) => {
    const N = Math.min(n, 4), C = Math.min(m, 8) + 2, T = r.int(4, 24), L = r.int(0, Math.min(5, Math.floor(T / 2)));
    const lengths = Array.from({ length: N }, () => r.int(0, L));
    return [[F(r, [T, N, C], -3, 0), I(r, [N, Math.max(L, 1)], 1, C - 1),
      { data: Array.from({ length: N }, () => r.int(Math.max(1, 2 * L), T)), shape: [N], int: true },
      { data: lengths, shape: [N], int: true }], { zeroInfinity: r() < 0.5 }];
  },
};
export const LOSS_NAMES = Object.keys(MAKERS);

/** A random call: { fn, args, opts, dtype }, sizes up to ~`scale` elements per argument. */
export function makeCase(rng, fn = rng.pick(LOSS_NAMES), scale = 2048) {
  const n = rng.int(1, 48);
  const m = rng.int(1, Math.max(1, Math.min(1500, Math.floor(scale / n))));
  const [args, opts] = MAKERS[fn](rng, n, m);
  if (opts.reduction === undefined) opts.reduction = rng.pick(RED);
  return { fn, args, opts, dtype: rng() < 0.5 ? "float32" : "float64" };
}

const CTORS = { float32: Float32Array, float64: Float64Array };

/**
 * Run a case and return { out, shape, grads } as plain arrays. `resident`: every float argument is a
 * resident tensor (nnloss.empty), disposed afterwards together with its resident gradient.
 */
export function runCase(nn, c, { resident = false } = {}) {
  const made = [];
  const args = c.args.map((a) => {
    if (a.int) return nn.tensor(BigInt64Array.from(a.data, BigInt), a.shape);
    const data = CTORS[c.dtype].from(a.data);
    if (!resident) return nn.tensor(data, a.shape, { requiresGrad: a.grad });
    const t = nn.empty(a.shape, { dtype: c.dtype, requiresGrad: a.grad });
    t.data.set(data);
    made.push(t);
    return t;
  });
  try {
    const out = nn[c.fn](...args, c.opts);
    const snap = { out: Array.from(out.data), shape: out.shape, grads: [] };
    if (out.requiresGrad) {
      out.backward(out.numel === 1 && out.shape.length === 0 ? undefined
        : nn.tensor(CTORS[c.dtype].from({ length: out.numel }, (_, i) => ((i % 7) - 3) / 4), out.shape));
    }
    snap.grads = args.map((t) => (t.grad ? Array.from(t.grad.data) : null));
    return snap;
  } finally {
    for (const t of made) {
      t.grad?.dispose();
      t.dispose();
    }
  }
}

/** Bitwise equality of two snapshots (NaN equals NaN). */
export function sameSnapshot(a, b) {
  const same = (x, y) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]) || v === y[i]);
  return same(a.out, b.out) && a.grads.length === b.grads.length &&
    a.grads.every((g, i) => (g === null ? b.grads[i] === null : b.grads[i] !== null && same(g, b.grads[i])));
}
