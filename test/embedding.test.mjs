// Embedding losses beyond the generic fixture runner: pairwiseDistance / cosineSimilarity as
// differentiable functions, TripletMarginWithDistanceLoss with distance functions written in JS
// (gradients through nnloss ops; a plain typed array: forward only, backward errors clearly), p = ±∞,
// the 2.x margin ≤ 0 rule (constructors only), keyword-only options, retained graphs and memory.
// Expected values come from PyTorch (test/fixtures/embedding-functions.json, made by
// test/fixtures/families/embedding.py).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD, fromFixture, mismatch, num } from "./_setup.mjs";
import { throwsNN } from "./util.mjs";
import fx from "./fixtures/embedding-functions.json" with { type: "json" };

const same = (actual, expected, dtype, what = "") => {
  const bad = mismatch(actual, expected, dtype);
  assert.ok(bad === null, `${what}: ${bad}`);
};

/** Squared euclidean distance over the last dim, in plain JS: no autograd history. */
function squaredEuclidean(a, b) {
  const D = a.shape[a.shape.length - 1], rows = a.numel / D;
  const out = new a.data.constructor(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let k = 0; k < D; k++) s += (a.data[r * D + k] - b.data[r * D + k]) ** 2;
    out[r] = s;
  }
  return out;
}

/** The JS distance functions the fixtures name. */
const JS_DISTANCES = {
  pairwiseDistance: (o) => (a, b) => nn.pairwiseDistance(a, b, o),
  // `1 - F.cosine_similarity(a, b)` (dim 1 = the last dim of these 2-D inputs) is the built-in "cosine"
  oneMinusCosineSimilarity: () => "cosine",
  squaredEuclideanTypedArray: () => squaredEuclidean,
};

function options(c) {
  const out = {};
  for (const [k, v] of Object.entries(c.options)) out[k] = typeof v === "string" && k === "p" ? num(v) : v;
  if (c.jsDistance) out.distanceFunction = JS_DISTANCES[c.jsDistance.fn](c.jsDistance.options ?? {});
  return out;
}

for (const c of fx.cases) {
  test(`[${BUILD}] embedding-functions: ${c.id}`, () => {
    const args = c.args.map(fromFixture);
    const out = nn[c.fn](...args, options(c));
    assert.equal(out.shape, c.output.shape, "output shape");
    assert.is(out.dtype, c.output.dtype, "output dtype");
    same(out.data, c.output.data, c.output.dtype, "output");
    if (!c.grads.some((g) => g !== null)) return;
    out.backward(c.gradOutput ? fromFixture(c.gradOutput) : undefined);
    c.grads.forEach((g, i) => {
      if (g === null) return;
      assert.ok(args[i].grad, `arg ${i} has a grad`);
      assert.equal(args[i].grad.shape, g.shape, `grad ${i} shape`);
      same(args[i].grad.data, g.data, args[i].dtype, `grad of arg ${i}`);
    });
  });
}

const A = [[0, 1, 2], [1, 1, 1], [.5, -.5, 0]].flat();
const P = [[.5, 1, 2.5], [1, 1, 1], [.2, .1, 0]].flat();
const N = [[2, 1, 0], [1.2, 1, .9], [.5, -.4, .1]].flat();
const triple = (grad = true, dtype = "float32") =>
  [A, P, N].map((v) => nn.tensor(v, [3, 3], { requiresGrad: grad, dtype }));

test(`[${BUILD}] embedding: a JS distance returning a typed array: forward works, backward errors clearly`, () => {
  const case_ = fx.cases.find((c) => c.id === "triplet_margin_with_distance_loss/f32/js-squared-euclidean");
  const args = case_.args.map((a) => fromFixture({ ...a, requiresGrad: true }));
  const out = nn.tripletMarginWithDistanceLoss(...args, { distanceFunction: squaredEuclidean, swap: true, margin: 2 });
  same(out.data, case_.output.data, "float32", "output");
  assert.ok(out.requiresGrad);
  const e = throwsNN(() => out.backward());
  assert.match(e.message, /distance function's output has no gradient/);
  assert.match(e.message, /distance\(anchor, positive\)/);
  assert.is(args[0].grad, null, "nothing was accumulated");
  // without inputs that require grad the loss has no graph, as in PyTorch
  const plain = case_.args.map(fromFixture);
  const out2 = new nn.TripletMarginWithDistanceLoss({ distanceFunction: squaredEuclidean, swap: true, margin: 2 })
    .forward(...plain);
  same(out2.data, case_.output.data, "float32", "module output");
  throwsNN(() => out2.backward(), "element 0 of tensors does not require grad and does not have a grad_fn");
});

test(`[${BUILD}] embedding: the distance function sees the inputs; only pairs that need a gradient must have one`, () => {
  // only the negative requires grad: d(anchor, positive) may be a plain array, d(·, negative) must not
  const [a, p] = triple(false), n = nn.tensor(N, [3, 3], { requiresGrad: true });
  const seen = [];
  const mixed = (x, y) => {
    seen.push([x, y]);
    return x === a && y === p ? squaredEuclidean(x, y) : nn.pairwiseDistance(x, y);
  };
  const out = nn.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: mixed, swap: true, reduction: "sum" });
  assert.equal(seen.map(([x, y]) => [x === a ? "a" : x === p ? "p" : "n", y === a ? "a" : y === p ? "p" : "n"]),
    [["a", "p"], ["a", "n"], ["p", "n"]]);
  out.backward();
  assert.ok(n.grad && n.grad.shape.join() === "3,3");
  assert.is(a.grad, null);
});

test(`[${BUILD}] embedding: "pairwise", the default and pairwiseDistance itself are the same distance`, () => {
  const results = [undefined, "pairwise", nn.pairwiseDistance, (x, y) => nn.pairwiseDistance(x, y)].map((df) => {
    const [a, p, n] = triple(true, "float64");
    const out = nn.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: df, swap: true });
    out.backward();
    return [out.item(), ...a.grad.data, ...p.grad.data, ...n.grad.data];
  });
  for (const r of results.slice(1)) same(r, results[0], "float64");
});

test(`[${BUILD}] embedding: retainGraph through a JS distance, then the freed-graph error`, () => {
  const [a, p, n] = triple();
  const out = nn.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: (x, y) => nn.pairwiseDistance(x, y, { p: 1 }) });
  out.backward(undefined, { retainGraph: true });
  const once = Float32Array.from(a.grad.data);
  out.backward();
  same(a.grad.data, once.map((v) => 2 * v), "float32");
  throwsNN(() => out.backward(), undefined);
});

test(`[${BUILD}] embedding: a distance that is itself a leaf requiring grad receives dℓ/dd`, () => {
  const [a, p, n] = triple(false);
  const dists = [];
  const leaf = (x, y) => {
    const d = nn.pairwiseDistance(x, y);
    const t = nn.tensor(Float32Array.from(d.data), d.shape, { requiresGrad: true });
    dists.push(t);
    return t;
  };
  const out = nn.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: leaf, reduction: "sum" });
  out.backward();
  // rows 1 and 2 are active (loss > 0): dℓ/d d(a,p) = 1, dℓ/d d(a,n) = −1 there
  same(dists[0].grad.data, [0, 1, 1], "float32");
  same(dists[1].grad.data, [0, -1, -1], "float32");
});

test(`[${BUILD}] embedding: 2.x margin rule — the constructors reject margin ≤ 0, the functions accept it`, () => {
  throwsNN(() => new nn.TripletMarginLoss({ margin: 0 }), "TripletMarginLoss: expected margin to be greater than 0, got 0 instead");
  throwsNN(() => new nn.TripletMarginLoss({ margin: -0.5 }), "TripletMarginLoss: expected margin to be greater than 0, got -0.5 instead");
  throwsNN(() => new nn.TripletMarginWithDistanceLoss({ margin: -1 }),
    "TripletMarginWithDistanceLoss: expected margin to be greater than 0, got -1 instead");
  assert.is(new nn.TripletMarginLoss({ margin: 0.1 }).margin, 0.1);
  assert.is(new nn.CosineEmbeddingLoss({ margin: -0.5 }).margin, -0.5);
  const [a, p, n] = triple(false);
  assert.ok(Number.isFinite(nn.tripletMarginLoss(a, p, n, { margin: 0 }).item()));
  assert.ok(Number.isFinite(nn.tripletMarginWithDistanceLoss(a, p, n, { margin: -1 }).item()));
});

test(`[${BUILD}] embedding: option names follow the PyTorch signatures`, () => {
  const [a, p, n] = triple(false);
  // TripletMarginWithDistanceLoss is keyword-only, without the legacy size_average / reduce
  throwsNN(() => new nn.TripletMarginWithDistanceLoss({ sizeAverage: false }),
    "TripletMarginWithDistanceLoss.__init__() got an unexpected keyword argument 'sizeAverage'");
  throwsNN(() => nn.tripletMarginWithDistanceLoss(a, p, n, { reduce: false }),
    "triplet_margin_with_distance_loss() got an unexpected keyword argument 'reduce'");
  throwsNN(() => nn.tripletMarginLoss(a, p, n, { distanceFunction: "cosine" }),
    "triplet_margin_loss() got an unexpected keyword argument 'distanceFunction'");
  throwsNN(() => nn.cosineEmbeddingLoss(a, p, nn.tensor([1, -1, 1]), { p: 2 }),
    "cosine_embedding_loss() got an unexpected keyword argument 'p'");
  throwsNN(() => nn.pairwiseDistance(a, p, { dim: 0 }), "pairwise_distance() got an unexpected keyword argument 'dim'");
  throwsNN(() => nn.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: "euclid" }),
    'distanceFunction must be a function, "pairwise" or "cosine", got "euclid"');
  throwsNN(() => nn.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: () => "x" }), undefined);
  // legacy flags on the losses that have them
  assert.is(new nn.TripletMarginLoss({ sizeAverage: false }).reduction, "sum");
  assert.is(new nn.CosineEmbeddingLoss({ reduce: false }).reduction, "none");
});

test(`[${BUILD}] embedding: cosineSimilarity dim errors and broadcasting, PyTorch's messages`, () => {
  const x = nn.tensor([1, 2, 3, 4]);
  throwsNN(() => nn.cosineSimilarity(x, x), "Dimension out of range (expected to be in range of [-1, 0], but got 1)");
  throwsNN(() => nn.cosineSimilarity(nn.tensor([1, 2, 3, 4, 5, 6], [2, 3]), nn.tensor([1, 2, 3, 4, 5, 6], [2, 3]), { dim: 2 }),
    "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
  throwsNN(() => nn.cosineSimilarity(nn.tensor(new Float32Array(12), [3, 4]), nn.tensor(new Float32Array(8), [2, 4])),
    "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0");
});

test(`[${BUILD}] embedding: p = 0 counts non-zeros and has a zero gradient`, () => {
  const [a, p, n] = triple();
  const out = nn.tripletMarginLoss(a, p, n, { p: 0, eps: 0, margin: 1, reduction: "none" });
  // non-zero counts: d(a,p) = [2, 0, 2], d(a,n) = [2, 2, 2]
  same(out.data, [1, 0, 1], "float32");
  out.backward(nn.tensor([1, 1, 1]));
  same(a.grad.data, new Float32Array(9), "float32");
});

test(`[${BUILD}] embedding: nothing stays allocated, inputs are left untouched`, () => {
  const before = nn.memoryStats().arenaBytes;
  const [a, p, n] = triple(true, "float64");
  const copies = [a, p, n].map((t) => Float64Array.from(t.data));
  for (const df of ["pairwise", "cosine", (x, y) => nn.pairwiseDistance(x, y, { p: 3 })]) {
    const out = nn.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: df, swap: true });
    out.backward();
  }
  nn.cosineEmbeddingLoss(a, p, nn.tensor([1, -1, 1]), { reduction: "sum" }).backward();
  nn.tripletMarginLoss(a, p, n, { p: 1.5, swap: true }).backward();
  assert.is(nn.memoryStats().arenaBytes, before);
  [a, p, n].forEach((t, i) => same(t.data, copies[i], "float64"));
});

test.run();
