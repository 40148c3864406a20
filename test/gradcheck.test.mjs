// Gradient checks: central finite differences in float64 against backward(), for every loss and
// option set (reductions, weights, smoothing, p, swap, margins, logTarget, full, var shapes, distance
// functions, CTC options), at random points away from kinks, with a random non-scalar gradOutput for
// 'none' and a random scalar one otherwise.
//
// F(x) = Σ g·loss(x). For each differentiable coordinate, h = 1e-6·max(1, |x|): the one-sided
// differences (F(x+h) − F(x))/h and (F(x) − F(x−h))/h must agree, else the point is at a kink (a hinge,
// |d| = δ, a max/min switch) and that coordinate is nudged and the point retried. Then
// |(F(x+h) − F(x−h))/2h − grad| ≤ 1e-6·(|grad| + max|grad of the argument|) + 1e-9.
// CTC: nnloss, like PyTorch, returns the gradient with respect to the logits under a log_softmax, so
// the differences are taken over logits z with log_probs = log_softmax(z) computed here.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD } from "./_setup.mjs";
import { envNumber, prng, seedFromEnv } from "./util.mjs";

const SEED = seedFromEnv() ^ 0x5eed;
const POINTS = envNumber("NNLOSS_GRADCHECK_POINTS", 2);

// ---------------------------------------------------------------- argument builders

/** { data, shape, grad } with values drawn by `draw(rng)`. */
const T = (shape, draw, grad = true) => (rng) => ({ data: Array.from({ length: shape.reduce((p, s) => p * s, 1) }, () => draw(rng)), shape, grad });
const I = (shape, lo, hi) => (rng) => ({ data: Array.from({ length: shape.reduce((p, s) => p * s, 1) }, () => rng.int(lo, hi)), shape, int: true });
const Fixed = (data, shape) => () => ({ data, shape, int: true });
const u = (lo, hi) => (rng) => rng.uniform(lo, hi);
const pm1 = (rng) => (rng() < 0.5 ? -1 : 1);
const W = (shape) => T(shape, u(0.2, 2), false);

const RED = ["none", "mean", "sum"];
/** One config per reduction (and per extra option set). */
const each = (extra, make) => extra.flatMap((o) => RED.map((reduction) => ({ opts: { ...o, reduction }, make })));

const CASES = {
  l1Loss: [...each([{}], [T([2, 3], u(-2, 2)), T([2, 3], u(-2, 2))]), ...each([{}], [T([2, 3], u(-2, 2)), T([3], u(-2, 2))]),
    ...each([{ weightShape: [2, 3] }], [T([2, 3], u(-2, 2)), T([2, 3], u(-2, 2))])],
  mseLoss: [...each([{}], [T([2, 3], u(-2, 2)), T([2, 3], u(-2, 2))]), ...each([{}], [T([4, 1], u(-2, 2)), T([3], u(-2, 2))]),
    ...each([{ weightShape: [4, 1] }], [T([4, 1], u(-2, 2)), T([3], u(-2, 2))])],
  huberLoss: [...each([{ delta: 0.5 }, { delta: 2 }], [T([2, 4], u(-3, 3)), T([4], u(-3, 3))]),
    ...each([{ delta: 0.5, weightShape: [2, 4] }], [T([2, 4], u(-3, 3)), T([4], u(-3, 3))])],
  smoothL1Loss: each([{ beta: 0.5 }, { beta: 2 }, { beta: 0 }], [T([2, 4], u(-3, 3)), T([2, 4], u(-3, 3))]),
  crossEntropy: [
    ...each([{}, { labelSmoothing: 0.2 }, { ignoreIndex: 1 }], [T([4, 3], u(-3, 3)), I([4], 0, 2)]),
    ...each([{ labelSmoothing: 0.3, ignoreIndex: 0, weightShape: [3] }], [T([3, 3, 2], u(-3, 3)), I([3, 2], 0, 2)]),
    ...each([{}, { labelSmoothing: 0.25, weightShape: [4] }], [T([3, 4], u(-3, 3)), T([3, 4], u(0, 1))]),
    ...each([{ labelSmoothing: 0.1 }], [T([5], u(-3, 3)), Fixed([2], [])]),
  ],
  nllLoss: each([{}, { ignoreIndex: 2, weightShape: [4] }], [T([3, 4, 2], u(-3, 0)), I([3, 2], 0, 3)]),
  poissonNllLoss: each([{ logInput: true }, { logInput: true, full: true }, { logInput: false }, { logInput: false, full: true, eps: 0.1 }],
    [T([2, 3], u(0.1, 2)), T([2, 3], u(0.2, 4))]),
  gaussianNllLoss: [
    ...each([{}, { full: true }], [T([2, 3], u(-2, 2)), T([2, 3], u(-2, 2)), T([2, 3], u(0.2, 2))]),
    ...each([{ eps: 1e-3 }], [T([3, 2], u(-2, 2)), T([3, 2], u(-2, 2)), T([3], u(0.2, 2))]),
    ...each([{}], [T([2, 3], u(-2, 2)), T([3], u(-2, 2)), T([1, 3], u(0.2, 2))]),
  ],
  klDiv: [
    ...each([{ logTarget: false }, { logTarget: true }], [T([2, 3], u(-3, -0.1)), T([2, 3], u(0.05, 1))]),
    { opts: { logTarget: false, reduction: "batchmean" }, make: [T([3, 2], u(-3, -0.1)), T([3, 2], u(0.05, 1))] },
    { opts: { logTarget: true, reduction: "batchmean" }, make: [T([3, 2], u(-3, -0.1)), T([3, 2], u(-2, -0.1))] },
  ],
  binaryCrossEntropy: each([{}, { weightShape: [3] }], [T([2, 3], u(0.05, 0.95)), T([2, 3], u(0, 1))]),
  binaryCrossEntropyWithLogits: each([{}, { weightShape: [3], posWeightShape: [3] }], [T([2, 3], u(-4, 4)), T([2, 3], u(0, 1))]),
  marginRankingLoss: each([{ margin: 0 }, { margin: 0.7 }], [T([5], u(-2, 2)), T([5], u(-2, 2)), T([5], pm1)]),
  hingeEmbeddingLoss: each([{ margin: 1 }, { margin: 2.5 }], [T([2, 4], u(-3, 3)), T([2, 4], pm1, false)]),
  multilabelMarginLoss: each([{}], [T([3, 4], u(-2, 2)), Fixed([3, 0, -1, 1, 1, 2, 2, -1, 0, -1, 3, 3], [3, 4])]),
  softMarginLoss: each([{}], [T([2, 3], u(-3, 3)), T([2, 3], pm1, false)]),
  multilabelSoftMarginLoss: each([{}, { weightShape: [4] }], [T([3, 4], u(-3, 3)), T([3, 4], u(0, 1))]),
  cosineEmbeddingLoss: each([{ margin: 0 }, { margin: -0.3 }, { margin: 0.4 }], [T([4, 3], u(-2, 2)), T([4, 3], u(-2, 2)), T([4], pm1, false)]),
  multiMarginLoss: each([{ p: 1 }, { p: 2, margin: 0.7 }, { p: 1, weightShape: [4] }], [T([3, 4], u(-1, 1)), I([3], 0, 3)]),
  tripletMarginLoss: each([{ p: 2 }, { p: 1, swap: true }, { p: 3, margin: 0.5 }, { p: Infinity, swap: true, eps: 0 }],
    [T([3, 4], u(-2, 2)), T([3, 4], u(-2, 2)), T([3, 4], u(-2, 2))]),
  tripletMarginWithDistanceLoss: each([{}, { distanceFunction: "cosine", swap: true, margin: 0.4 }, { distanceFunction: "l1", margin: 2 }],
    [T([3, 4], u(-2, 2)), T([3, 4], u(-2, 2)), T([3, 4], u(-2, 2))]),
  ctcLoss: [
    ...each([{}, { blank: 2 }, { zeroInfinity: true }], [T([5, 2, 4], u(-2, 2)), Fixed([1, 3, 1, 1, 1, 0], [2, 3]), Fixed([5, 4], [2]), Fixed([3, 2], [2])]),
    ...each([{}], [T([4, 3], u(-2, 2)), Fixed([1, 2], [2]), Fixed([4], []), Fixed([2], [])]),
  ],
};

// ---------------------------------------------------------------- the check

function logSoftmax(z, C) {
  const out = new Float64Array(z.length);
  for (let r = 0; r < z.length / C; r++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, z[r * C + c]);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(z[r * C + c] - m);
    for (let c = 0; c < C; c++) out[r * C + c] = z[r * C + c] - m - Math.log(s);
  }
  return out;
}

function optionsFor(opts, rng) {
  const o = { ...opts };
  for (const [key, name] of [["weightShape", "weight"], ["posWeightShape", "posWeight"]]) {
    if (!o[key]) continue;
    o[name] = nn.tensor(Float64Array.from(W(o[key])(rng).data), o[key]);
    delete o[key];
  }
  if (o.distanceFunction === "l1") o.distanceFunction = (a, b) => nn.pairwiseDistance(a, b, { p: 1 });
  return o;
}

/** Evaluate Σ g·loss for the point `vals` (arrays per argument); returns { F, out }. */
function evaluate(fn, args, vals, opts, g, grads = false) {
  const tensors = args.map((a, i) => {
    if (a.int) return a.shape.length === 0 && fn === "ctcLoss" && i > 1 ? a.data[0] : nn.tensor(BigInt64Array.from(a.data, BigInt), a.shape);
    const data = fn === "ctcLoss" && i === 0 ? logSoftmax(vals[i], a.shape[a.shape.length - 1]) : Float64Array.from(vals[i]);
    return nn.tensor(data, a.shape, { requiresGrad: grads && a.grad });
  });
  const out = nn[fn](...tensors, opts);
  let F = 0;
  out.data.forEach((v, i) => { F += g.data[i % g.data.length] * v; });
  if (grads) out.backward(out.shape.length === 0 ? g.data[0] : nn.tensor(Float64Array.from(g.data.slice(0, out.numel)), out.shape));
  return { F, out, tensors };
}

function gradcheck(fn, cfg, rng, stats) {
  const args = cfg.make.map((m) => m(rng));
  const opts = optionsFor(cfg.opts, rng);
  const vals = args.map((a) => Float64Array.from(a.data));
  const probe = evaluate(fn, args, vals, opts, { data: [1] });
  const g = { data: probe.out.shape.length === 0 ? [rng.uniform(0.5, 2) * pm1(rng)] : Array.from({ length: probe.out.numel }, () => rng.uniform(-2, 2)) };
  const F = (v) => evaluate(fn, args, v, opts, g).F;
  // move off kinks: a coordinate whose one-sided differences disagree is nudged, and the point retried
  const coords = [];
  args.forEach((a, i) => { if (a.grad) for (let k = 0; k < a.data.length; k++) coords.push([i, k]); });
  const hOf = (x) => 1e-6 * Math.max(1, Math.abs(x));
  let kinks = coords;
  for (let attempt = 0; attempt < 8 && kinks.length > 0; attempt++) {
    const f0 = F(vals);
    kinks = coords.filter(([i, k]) => {
      const x = vals[i][k], h = hOf(x);
      vals[i][k] = x + h; const fp = F(vals);
      vals[i][k] = x - h; const fm = F(vals);
      vals[i][k] = x;
      const fwd = (fp - f0) / h, bwd = (f0 - fm) / h;
      return !(Math.abs(fwd - bwd) <= 1e-4 * (Math.abs(fwd) + Math.abs(bwd)) + 1e-6);
    });
    for (const [i, k] of kinks) vals[i][k] += rng.uniform(-0.05, 0.05);
  }
  const skip = new Set(kinks.map(([i, k]) => `${i},${k}`));
  const { tensors } = evaluate(fn, args, vals, opts, g, true);
  args.forEach((a, i) => {
    if (!a.grad) return;
    const analytic = tensors[i].grad?.data;
    assert.ok(analytic, `${fn} ${JSON.stringify(cfg.opts)}: arg ${i} got no gradient`);
    const amax = Math.max(...Array.from(analytic, Math.abs));
    for (let k = 0; k < a.data.length; k++) {
      if (skip.has(`${i},${k}`)) { stats.skipped++; continue; }
      const x = vals[i][k], h = hOf(x);
      vals[i][k] = x + h; const fp = F(vals);
      vals[i][k] = x - h; const fm = F(vals);
      vals[i][k] = x;
      const fd = (fp - fm) / (2 * h), an = analytic[k];
      assert.ok(Math.abs(fd - an) <= 1e-6 * (Math.abs(an) + amax) + 1e-9,
        `${fn} ${JSON.stringify(cfg.opts)} arg ${i}[${k}]: backward ${an}, finite difference ${fd} at ${JSON.stringify(Array.from(vals[i]))}`);
      stats.checked++;
    }
  });
}

const totals = { checked: 0, skipped: 0, configs: 0 };
for (const [fn, configs] of Object.entries(CASES)) {
  test(`[${BUILD}] gradcheck: ${fn} (${configs.length} option sets)`, () => {
    const rng = prng(SEED + fn.length * 7919);
    const stats = { checked: 0, skipped: 0 };
    for (const cfg of configs) for (let p = 0; p < POINTS; p++) gradcheck(fn, cfg, rng, stats);
    // kinks are rare at random points: nearly every coordinate must have been checked
    assert.ok(stats.checked > 0 && stats.skipped <= 0.05 * (stats.checked + stats.skipped),
      `${fn}: ${stats.skipped} of ${stats.checked + stats.skipped} coordinates stayed at kinks`);
    totals.checked += stats.checked;
    totals.skipped += stats.skipped;
    totals.configs += configs.length;
  });
}

test(`[${BUILD}] gradcheck: every loss is checked`, () => {
  assert.is(Object.keys(CASES).length, 21);
  if (envNumber("NNLOSS_VERBOSE", 0)) {
    console.log(`  gradcheck: ${totals.checked} coordinates checked (${totals.skipped} at kinks skipped), ${totals.configs} option sets, ${POINTS} points each`);
  }
});

test.run();
