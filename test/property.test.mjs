// Property tests (fast-check): random shapes (0-size and size-1 dims included), random options and
// random values (±inf, NaN, subnormals, ±1e4 among ordinary ones) for every loss, checked — result and
// every gradient, for a random upstream gradient — against the plain-JS float64 reference in
// test/reference/. Both builds run the same properties against the same reference.
//
// Tolerance: |actual − expected| ≤ rtol·(|expected| + M) + atol (+ the subnormal term below), with
// rtol = 1e-9 (float64) or 1e-5 (float32: the inputs' own precision). M is the magnitude the value is
// computed from — where it is a sum or difference of larger terms, a correct float computation is only
// accurate relative to those: M is the larger of (a) Σ over inputs of the reference's change when that
// input alone is perturbed by ±2^-20 relative, divided by 2^-20 (its condition), and (b) the size of the
// terms the reference knows it cancels (Σ|ℓ_i| of a reduction, |p·Σu| + |u| of a softmax gradient, ...).
// Subnormal inputs carry little precision: twice the change when they are flushed to zero (of the value
// and of its terms' size) is added.
// Where the reference sees a decision within rounding of flipping (a hinge at z ≈ 0 from two distances
// sharing an input), its whole gradient contribution is allowed (`slack`). Non-finite expected values
// must match exactly.
//
// NNLOSS_SEED (environment or global) reproduces a run; NNLOSS_PROPERTY_RUNS sets runs per loss.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD } from "./_setup.mjs";
import { envNumber, loadFastCheck, prng, seedFromEnv } from "./util.mjs";
import * as REF from "./reference/losses.mjs";

const fc = await loadFastCheck();
const SEED = seedFromEnv();
const RUNS = envNumber("NNLOSS_PROPERTY_RUNS", 40);
const CTORS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array };
const DELTA = 2 ** -20;

// ---------------------------------------------------------------- value and shape arbitraries

const SPECIALS = [Infinity, -Infinity, NaN, 1e4, -1e4, 0, -0, 1e-40, -1e-40, 3e-310];
/** Ordinary values, uniform on a grid of 1e-6 (the special ones come from SPECIALS). */
const num = (min, max) => fc.integer({ min: Math.round(min * 1e6), max: Math.round(max * 1e6) }).map((v) => v / 1e6);
const V = {
  any: fc.oneof({ weight: 8, arbitrary: num(-4, 4) }, { weight: 2, arbitrary: fc.constantFrom(...SPECIALS) },
    { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) }),
  finite: fc.oneof({ weight: 8, arbitrary: num(-4, 4) }, { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e-40, 1e4, -1e4, 1) }),
  prob: fc.oneof({ weight: 6, arbitrary: num(0, 1) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 1e-40, 0.5) }),
  positive: fc.oneof({ weight: 6, arbitrary: num(0.05, 5) }, { weight: 1, arbitrary: fc.constantFrom(0, 1e-40, 1e-7, Infinity, NaN, 1e4) }),
  weight: fc.oneof({ weight: 6, arbitrary: num(0.1, 3) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 2.5) }),
  sign: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(1, -1) }, { weight: 1, arbitrary: fc.constantFrom(0, 2, 0.5, NaN) }),
  gout: fc.oneof({ weight: 6, arbitrary: num(-2, 2) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, -1) }),
};
const dim = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(0, 1) }, { weight: 3, arbitrary: fc.integer({ min: 2, max: 4 }) });
const shapeArb = (minRank, maxRank) => fc.array(dim, { minLength: minRank, maxLength: maxRank });
const dtypeArb = fc.constantFrom("float32", "float64");
const numelOf = (s) => s.reduce((p, v) => p * v, 1);
const vals = (n, kind = "any") => fc.array(V[kind], { minLength: n, maxLength: n });
/** A float operand: { data, shape, grad }. */
const floatT = (shape, kind = "any", grad = true) => vals(numelOf(shape), kind).map((data) => ({ data, shape, grad }));
/** A shape that broadcasts to `full`: leading dims dropped and/or some dims set to 1. */
const subShape = (full) => fc.record({ drop: fc.integer({ min: 0, max: full.length }), ones: fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }) })
  .map(({ drop, ones }) => full.slice(drop).map((s, i) => (ones[i + drop] ? 1 : s)));
const reductionArb = fc.constantFrom("none", "mean", "sum");
const ints = (n, lo, hi) => fc.array(fc.integer({ min: lo, max: hi }), { minLength: n, maxLength: n });
/** The rest of a case: the upstream gradient (used for 'none'; a scalar or nothing otherwise). */
const withG = (arb) => arb.chain((c) => fc.record({ gs: fc.option(V.gout), ga: fc.noShrink(fc.array(V.gout, { minLength: 64, maxLength: 64 })) })
  .map(({ gs, ga }) => ({ ...c, gScalar: gs, gArray: ga })));

/** Binary elementwise losses: input at `full`, target at a broadcastable shape (or the same). */
const pairCase = (xKind, yKind, opts, { same = false, minRank = 0 } = {}) =>
  fc.record({ dtype: dtypeArb, full: shapeArb(minRank, 3), reduction: reductionArb, opts })
    .chain((c) => (same ? fc.constant(c.full) : subShape(c.full)).chain((ys) =>
      fc.record({ x: floatT(c.full, xKind), y: floatT(ys, yKind) }).map(({ x, y }) => ({ ...c, args: [x, y] }))));

// ---------------------------------------------------------------- one arbitrary per loss

const CASES = {
  l1Loss: pairCase("any", "any", fc.constant({})),
  mseLoss: pairCase("any", "any", fc.constant({})),
  huberLoss: pairCase("any", "any", fc.record({ delta: fc.constantFrom(0.5, 1, 1.5, 2) })),
  smoothL1Loss: pairCase("any", "any", fc.record({ beta: fc.constantFrom(0, 0.5, 1, 2) })),
  poissonNllLoss: pairCase("any", "any", fc.record({ logInput: fc.boolean(), full: fc.boolean(), eps: fc.constantFrom(1e-8, 0.5) })),
  klDiv: fc.record({ dtype: dtypeArb, full: shapeArb(0, 3), reduction: fc.constantFrom("none", "mean", "sum", "batchmean"), logTarget: fc.boolean() })
    .chain((c) => subShape(c.full).chain((ys) => fc.record({ x: floatT(c.full, "any"), y: floatT(ys, c.logTarget ? "any" : "prob") })
      .map(({ x, y }) => ({ dtype: c.dtype, reduction: c.reduction, opts: { logTarget: c.logTarget }, args: [x, y] })))),
  gaussianNllLoss: fc.record({ dtype: dtypeArb, full: shapeArb(1, 3), reduction: reductionArb, opts: fc.record({ full: fc.boolean(), eps: fc.constantFrom(1e-6, 0.1) }),
    form: fc.constantFrom("same", "drop-last", "one", "number") })
    .chain((c) => {
      const vs = c.form === "same" ? c.full : c.form === "drop-last" ? c.full.slice(0, -1) : c.full.map((s, i) => (i === 0 ? 1 : s));
      return fc.record({ x: floatT(c.full), y: floatT(c.full), v: c.form === "number" ? V.positive : floatT(vs, "positive") })
        .map(({ x, y, v }) => ({ ...c, args: [x, y, c.form === "number" ? { number: v } : v] }));
    }),
  binaryCrossEntropy: pairCase("prob", "prob", fc.constant({}), { same: true }).chain((c) =>
    fc.option(subShape(c.args[0].shape).chain((ws) => floatT(ws, "weight", false))).map((w) => ({ ...c, opts: w ? { weight: w } : {} }))),
  binaryCrossEntropyWithLogits: pairCase("any", "prob", fc.constant({}), { same: true }).chain((c) =>
    fc.record({ w: fc.option(subShape(c.args[0].shape).chain((s) => floatT(s, "weight", false))),
      pw: fc.option(subShape(c.args[0].shape).chain((s) => floatT(s, "weight", false))) })
      .map(({ w, pw }) => ({ ...c, opts: { ...(w ? { weight: w } : {}), ...(pw ? { posWeight: pw } : {}) } }))),
  marginRankingLoss: fc.record({ dtype: dtypeArb, full: shapeArb(0, 2), reduction: reductionArb, opts: fc.record({ margin: fc.constantFrom(0, 0.5, 1) }) })
    .chain((c) => fc.tuple(subShape(c.full), subShape(c.full)).chain(([s2, s3]) => {
      const nd = c.full.length, pad = (s) => [...new Array(nd - s.length).fill(1), ...s]; // same ndim required
      return fc.record({ a: floatT(c.full), b: floatT(pad(s2)), y: floatT(pad(s3), "sign") }).map(({ a, b, y }) => ({ ...c, args: [a, b, y] }));
    })),
  hingeEmbeddingLoss: pairCase("any", "sign", fc.record({ margin: fc.constantFrom(1, 0.5, 2) })).map((c) => ({ ...c, args: [c.args[0], { ...c.args[1], grad: false }] })),
  softMarginLoss: pairCase("any", "sign", fc.constant({})).map((c) => ({ ...c, args: [c.args[0], { ...c.args[1], grad: false }] })),
  multilabelSoftMarginLoss: fc.record({ dtype: dtypeArb, full: shapeArb(1, 3), reduction: reductionArb })
    .chain((c) => fc.record({ ys: subShape(c.full), ws: fc.option(subShape(c.full)) }).chain(({ ys, ws }) =>
      fc.record({ x: floatT(c.full), y: floatT(ys, "prob"), w: ws ? floatT(ws, "weight", false) : fc.constant(null) })
        .map(({ x, y, w }) => ({ ...c, args: [x, y], opts: w ? { weight: w } : {} })))),
  cosineEmbeddingLoss: fc.record({ dtype: dtypeArb, batched: fc.boolean(), N: dim, D: dim, reduction: reductionArb, opts: fc.record({ margin: fc.constantFrom(0, 0.2, -0.5) }) })
    .chain((c) => {
      const xs = c.batched ? [c.N, c.D] : [c.D];
      return fc.record({ a: floatT(xs, "any"), b: floatT(xs, "any"), y: floatT(c.batched ? [c.N] : [], "sign", false) })
        .map(({ a, b, y }) => ({ ...c, args: [a, b, { ...y, data: y.data.map((v) => (v === 2 || v === 0.5 ? 0 : v)) }] }));
    }),
  multiMarginLoss: fc.record({ dtype: dtypeArb, form: fc.constantFrom("NC", "C", "scalar"), N: dim, C: fc.integer({ min: 1, max: 5 }), reduction: reductionArb,
    opts: fc.record({ p: fc.constantFrom(1, 2), margin: fc.constantFrom(1, 0.5, 2) }), weighted: fc.boolean() })
    .chain((c) => {
      const C = c.form === "scalar" ? 1 : c.C, N = c.form === "NC" ? c.N : 1;
      const xs = c.form === "NC" ? [N, C] : c.form === "C" ? [C] : [];
      return fc.record({ x: floatT(xs, "any"), t: ints(N, 0, C - 1), w: c.weighted ? floatT([C], "weight", false) : fc.constant(null) })
        .map(({ x, t, w }) => ({ ...c, args: [x, { data: t, shape: c.form === "NC" ? [N] : [], int: "int64" }],
          opts: { ...c.opts, ...(w ? { weight: w } : {}) } }));
    }),
  multilabelMarginLoss: fc.record({ dtype: dtypeArb, batched: fc.boolean(), N: dim, C: fc.integer({ min: 1, max: 5 }), reduction: reductionArb })
    .chain((c) => {
      const N = c.batched ? c.N : 1, xs = c.batched ? [N, c.C] : [c.C];
      return fc.record({ x: floatT(xs), t: ints(N * c.C, -1, c.C - 1) })
        .map(({ x, t }) => ({ ...c, opts: {}, args: [x, { data: t, shape: xs, int: "int64" }] }));
    }),
  crossEntropy: fc.record({ dtype: dtypeArb, shape: fc.oneof(fc.tuple(dim), fc.tuple(dim, dim), fc.tuple(dim, dim, dim)), reduction: reductionArb,
    prob: fc.boolean(), weighted: fc.boolean(), eps: fc.constantFrom(0, 0.1, 0.5, 1, -0.2), ignore: fc.constantFrom(-100, 0, 1) })
    .filter((c) => c.shape[c.shape.length === 1 ? 0 : 1] > 0 || c.prob)
    .chain((c) => {
      const xs = c.shape, C = xs.length === 1 ? xs[0] : xs[1];
      const ts = xs.length === 1 ? [] : [xs[0], ...xs.slice(2)];
      const target = c.prob ? floatT(xs, "prob") : ints(numelOf(ts), 0, Math.max(C - 1, 0)).map((t) => ({ data: t, shape: ts, int: "int64" }));
      return fc.record({ x: floatT(xs, "any"), t: target, w: c.weighted ? floatT([C], "weight", false) : fc.constant(null) })
        .map(({ x, t, w }) => ({ dtype: c.dtype, reduction: c.reduction, args: [x, t],
          opts: { labelSmoothing: c.eps, ...(c.prob ? {} : { ignoreIndex: c.ignore }), ...(w ? { weight: w } : {}) } }));
    }),
  nllLoss: fc.record({ dtype: dtypeArb, shape: fc.oneof(fc.tuple(dim, dim), fc.tuple(dim, dim, dim)), reduction: reductionArb,
    weighted: fc.boolean(), ignore: fc.constantFrom(-100, 0, 1) })
    .filter((c) => c.shape[1] > 0)
    .chain((c) => {
      const xs = c.shape, C = xs[1], ts = [xs[0], ...xs.slice(2)];
      return fc.record({ x: floatT(xs, "any"), t: ints(numelOf(ts), 0, C - 1), w: c.weighted ? floatT([C], "weight", false) : fc.constant(null) })
        .map(({ x, t, w }) => ({ dtype: c.dtype, reduction: c.reduction, args: [x, { data: t, shape: ts, int: "int64" }],
          opts: { ignoreIndex: c.ignore, ...(w ? { weight: w } : {}) } }));
    }),
  tripletMarginLoss: fc.record({ dtype: dtypeArb, full: shapeArb(1, 3), reduction: reductionArb,
    opts: fc.record({ p: fc.constantFrom(1, 2, 3, 1.5, Infinity), eps: fc.constantFrom(1e-6, 0), margin: fc.constantFrom(1, 0.5), swap: fc.boolean() }) })
    .chain((c) => fc.tuple(subShape(c.full.slice(0, -1)), subShape(c.full.slice(0, -1))).chain(([s2, s3]) => {
      const D = c.full[c.full.length - 1], nd = c.full.length, pad = (s) => [...new Array(nd - 1 - s.length).fill(1), ...s, D];
      return fc.record({ a: floatT(c.full, "finite"), p: floatT(pad(s2), "finite"), n: floatT(pad(s3), "finite") })
        .map(({ a, p, n }) => ({ ...c, args: [a, p, n] }));
    })),
  tripletMarginWithDistanceLoss: fc.record({ dtype: dtypeArb, full: shapeArb(1, 3), reduction: reductionArb,
    opts: fc.record({ distanceFunction: fc.constantFrom("pairwise", "cosine"), margin: fc.constantFrom(1, 0.5), swap: fc.boolean() }) })
    .chain((c) => fc.record({ a: floatT(c.full, "finite"), p: floatT(c.full, "finite"), n: floatT(c.full, "finite") }).map(({ a, p, n }) => ({ ...c, args: [a, p, n] }))),
  ctcLoss: fc.record({ dtype: dtypeArb, T: fc.integer({ min: 1, max: 6 }), N: fc.integer({ min: 0, max: 3 }), C: fc.integer({ min: 2, max: 5 }),
    batched: fc.boolean(), padded: fc.boolean(), normalized: fc.boolean(), reduction: reductionArb,
    opts: fc.record({ blank: fc.constantFrom(0, 1), zeroInfinity: fc.boolean() }) })
    .chain((c) => {
      const N = c.batched ? c.N : 1;
      return fc.record({
        logits: vals(c.T * N * c.C, "finite").map((v) => v.map((x) => Math.max(-6, Math.min(6, x)))),
        holes: fc.array(fc.boolean(), { minLength: c.T * N * c.C, maxLength: c.T * N * c.C }),
        il: ints(N, 0, c.T), tl: ints(N, 0, 3), labels: ints(N * 3, 0, c.C - 1),
      }).map(({ logits, holes, il, tl, labels }) => {
        const lp = logits.slice();
        if (c.normalized) {
          for (let r = 0; r < c.T * N; r++) {
            const row = lp.slice(r * c.C, r * c.C + c.C), m = Math.max(...row);
            const l = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
            for (let k = 0; k < c.C; k++) lp[r * c.C + k] -= l;
          }
        } else {
          for (let i = 0; i < lp.length; i++) lp[i] = holes[i] && i % 7 === 3 ? -Infinity : -Math.abs(lp[i]);
        }
        const targets = c.padded
          ? { data: labels, shape: c.batched ? [N, 3] : [3], int: "int64" }
          : { data: tl.flatMap((L, b) => labels.slice(b * 3, b * 3 + L)), shape: [tl.reduce((s, v) => s + v, 0)], int: "int32" };
        if (c.padded && !c.batched) targets.shape = [1, 3];
        return { dtype: c.dtype, reduction: c.reduction, opts: c.opts,
          args: [{ data: lp, shape: c.batched ? [c.T, N, c.C] : [c.T, c.C], grad: true }, targets, { lengths: il }, { lengths: tl }] };
      });
    }),
};

// ---------------------------------------------------------------- running a case

const rounded = (data, dtype) => Array.from(CTORS[dtype].from(data), Number);
const dtype32 = (d) => d === "float32";

function nnArg(a, dtype) {
  if (a.number !== undefined) return dtype === "float32" ? Math.fround(a.number) : a.number;
  if (a.lengths) return a.lengths;
  if (a.int) return nn.tensor(a.int === "int64" ? BigInt64Array.from(a.data, BigInt) : Int32Array.from(a.data), a.shape);
  return nn.tensor(CTORS[dtype].from(a.data), a.shape, { requiresGrad: a.grad });
}
function refArg(a, dtype, perturb = (v) => v) {
  if (a.number !== undefined) return perturb((dtype === "float32" ? Math.fround(a.number) : a.number));
  if (a.lengths) return a.lengths;
  if (a.int) return { data: a.data, shape: a.shape };
  return { data: rounded(a.data, dtype).map(perturb), shape: a.shape };
}
function options(c, make) {
  const o = { ...c.opts, reduction: c.reduction };
  for (const k of ["weight", "posWeight"]) if (o[k]) o[k] = make(o[k], k);
  return o;
}

/**
 * The first element where actual and expected disagree beyond the tolerance, or null. `groups`: for
 * each input, the reference's results under perturbations of that input alone; `ftz`: the reference
 * with subnormal inputs flushed to zero (their contribution is the uncertainty they bring), or null.
 */
function mismatch(actual, expected, groups, ftz, dtype, scale = null, ftzScale = null, slack = null) {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  const rtol = dtype === "float32" ? 1e-5 : 1e-9, atol = dtype === "float32" ? 1e-37 : 1e-300;
  const fr = dtype === "float32" ? Math.fround : (v) => v;
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]), e = expected[i], er = fr(e);
    if (Number.isNaN(er) || !Number.isFinite(er)) {
      if (Object.is(a, er) || (Number.isNaN(a) && Number.isNaN(er))) continue;
      return `element ${i}: got ${a}, expected ${e}`;
    }
    let M = 0;
    for (const group of groups) M += Math.max(...group.map((p) => Math.abs(p[i] - e) / DELTA));
    M = Math.max(M, scale ? scale[i] : 0);
    const sub = ftz ? 2 * (Math.abs(ftz[i] - e) + (scale && ftzScale ? Math.abs(ftzScale[i] - scale[i]) : 0)) : 0;
    if (Number.isNaN(M + sub) || M + sub === Infinity) continue; // at an overflow / NaN boundary: any answer is as good
    const tol = rtol * (Math.abs(e) + M) + atol + sub + (slack ? slack[i] : 0);
    if (Math.abs(a - e) <= tol) continue;
    return `element ${i}: got ${a}, expected ${e} (±${tol})`;
  }
  return null;
}

function check(fn, c, rng) {
  const args = c.args.map((a) => nnArg(a, c.dtype));
  const out = nn[fn](...args, options(c, (t) => nnArg(t, c.dtype)));
  let g = null;
  if (out.requiresGrad) {
    if (out.shape.length === 0) {
      if (c.gScalar === null) out.backward();
      else out.backward(c.gScalar);
      if (c.gScalar !== null) g = c.dtype === "float32" ? Math.fround(c.gScalar) : c.gScalar;
    } else {
      const ga = CTORS[c.dtype].from(c.gArray.slice(0, out.numel));
      out.backward(nn.tensor(ga, out.shape));
      g = { data: Array.from(ga) };
    }
  }
  // the reference with input `id` (an argument index or an option name) changed by `perturb`
  const same = (v) => v;
  const reference = (pert) => REF[fn](c.args.map((a, j) => refArg(a, c.dtype, pert(j))),
    options(c, (t, key) => refArg(t, c.dtype, pert(key))), g, c.dtype);
  const expected = reference(() => same);
  const ids = [...c.args.keys()].filter((j) => c.args[j].data && !c.args[j].int || c.args[j].number !== undefined)
    .concat(["weight", "posWeight"].filter((k) => c.opts?.[k]));
  const groups = ids.map((id) => [0, 1].map(() => reference((j) => (j === id ? (v) => v * (1 + DELTA * (rng() < 0.5 ? -1 : 1)) : same))));
  const tiny = dtype32(c.dtype) ? 2 ** -126 : 2 ** -1022;
  const hasSub = ids.some((id) => (typeof id === "number" ? [c.args[id]] : [c.opts[id]]).some((a) =>
    (a.data ?? [a.number]).some((v) => v !== 0 && Math.abs(v) < tiny)));
  const ftz = hasSub ? reference(() => (v) => (Math.abs(v) < tiny ? 0 : v)) : null;
  const perturbed = { groups: (pick) => groups.map((grp) => grp.map(pick)), ftz: (pick) => (ftz ? pick(ftz) ?? null : null) };
  const where = `${fn} ${c.dtype} ${JSON.stringify({ ...c, gArray: g?.data })}`;
  assert.equal(out.shape, expected.out.shape, `${where}: shape`);
  const bad = mismatch(out.data, expected.out.data, perturbed.groups((p) => p.out.data), perturbed.ftz((p) => p.out.data), c.dtype,
    expected.outScale, perturbed.ftz((p) => p.outScale));
  assert.ok(bad === null, `${where}: output ${bad}`);
  args.forEach((a, i) => {
    if (!(a instanceof nn.Tensor) || !a.requiresGrad || !out.requiresGrad) return;
    assert.ok(a.grad !== null, `${where}: arg ${i} has no grad`);
    const badG = mismatch(a.grad.data, expected.grads[i], perturbed.groups((p) => p.grads[i]), perturbed.ftz((p) => p.grads[i]), c.dtype,
      expected.scales?.[i], perturbed.ftz((p) => p.scales?.[i]), expected.slack?.[i]);
    assert.ok(badG === null, `${where}: grad of arg ${i}: ${badG}`);
  });
}

let total = 0;
for (const [fn, arb] of Object.entries(CASES)) {
  test(`[${BUILD}] property: ${fn} agrees with the float64 reference`, () => {
    let k = 0, last = null;
    const mem = nn.memoryStats();
    const details = fc.check(fc.property(withG(arb), (c) => {
      try {
        check(fn, c, prng(SEED + k++));
      } catch (e) {
        last = e;
        throw e;
      }
    }), { seed: SEED, numRuns: RUNS, endOnFailure: true });
    if (details.failed) {
      assert.unreachable(`${last?.message ?? details.errorInstance}\n    (seed ${details.seed}, path "${details.counterexamplePath}"; ` +
        `reproduce with NNLOSS_SEED=${details.seed})`);
    }
    total += RUNS;
    assert.is(nn.memoryStats().arenaBytes, 0);
    assert.is(nn.memoryStats().residentBytes, mem.residentBytes);
  });
}

test(`[${BUILD}] property: every loss has a property`, () => {
  assert.equal(Object.keys(CASES).sort(), Object.keys(REF).sort());
  assert.is(Object.keys(CASES).length, 21);
  if (envNumber("NNLOSS_VERBOSE", 0)) console.log(`  property runs: ${total} (${RUNS} per loss, seed ${SEED})`);
});

test.run();
