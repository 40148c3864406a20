// Autograd state across calls: noGrad, and the saved local gradients of forward-only loops (the
// evaluation pattern "compute the loss of tensors that require grad, never call backward") — wasm
// memory stays flat with no GC and no awaits, and backward() on any result of the loop, newest or
// oldest, still gives exactly the gradient a lone call gives.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD } from "./_setup.mjs";
import { throwsNN, prng } from "./util.mjs";

const rand = prng(7);
const randoms = (n) => Float32Array.from({ length: n }, () => rand() * 4 - 2);

/** A resident copy of `data` at `shape`. */
function resident(data, shape, options = {}) {
  const t = nn.empty(shape, { dtype: data instanceof Float64Array ? "float64" : "float32", ...options });
  t.data.set(data);
  return t;
}

/** The gradient of a lone crossEntropy call on a fresh JS copy of x. */
function referenceGrad(data, shape, targets, options = {}) {
  const x = nn.tensor(data.slice(), shape, { requiresGrad: true });
  nn.crossEntropy(x, targets, options).backward();
  return Array.from(x.grad.data);
}

const same = (a, b, what) => assert.equal(Array.from(a), Array.from(b), what);

// ---------------------------------------------------------------- noGrad

test(`[${BUILD}] noGrad: results do not require grad, nothing is saved, the mode is restored`, () => {
  const x = nn.tensor(randoms(12), [4, 3], { requiresGrad: true });
  const t = nn.tensor(new Int32Array([0, 2, 1, 2]));
  const withGrad = nn.crossEntropy(x, t);
  assert.ok(nn.isGradEnabled());
  const out = nn.noGrad(() => {
    assert.not.ok(nn.isGradEnabled());
    return nn.crossEntropy(x, t);
  });
  assert.ok(nn.isGradEnabled());
  assert.is(out.item(), withGrad.item(), "the same value");
  assert.not.ok(out.requiresGrad);
  throwsNN(() => out.backward(), "element 0 of tensors does not require grad and does not have a grad_fn");
  assert.is(x.grad, null);
  // every family, and the distances, follow the mode
  const a = nn.tensor(randoms(6), [2, 3], { requiresGrad: true }), b = nn.tensor(randoms(6), [2, 3], { requiresGrad: true });
  const results = nn.noGrad(() => [
    nn.mseLoss(a, b), nn.huberLoss(a, b), nn.binaryCrossEntropyWithLogits(a, b.detach()), nn.klDiv(a, b),
    nn.marginRankingLoss(a, b, nn.tensor(new Float32Array(6).fill(1), [2, 3])), nn.multiMarginLoss(a, [0, 2]),
    nn.tripletMarginLoss(a, b, a), nn.pairwiseDistance(a, b), nn.cosineSimilarity(a, b),
    nn.tripletMarginWithDistanceLoss(a, b, a, { distanceFunction: (u, v) => nn.pairwiseDistance(u, v, { p: 1 }) }),
  ]);
  results.forEach((r, i) => assert.not.ok(r.requiresGrad, `result ${i}`));
});

test(`[${BUILD}] noGrad: nested calls and exceptions restore the previous mode`, () => {
  const inner = nn.noGrad(() => nn.noGrad(() => 5) + (nn.isGradEnabled() ? 1 : 0));
  assert.is(inner, 5);
  assert.ok(nn.isGradEnabled());
  try {
    nn.noGrad(() => { throw new Error("boom"); });
    assert.unreachable("noGrad swallowed the error");
  } catch (e) {
    assert.is(e.message, "boom");
  }
  assert.ok(nn.isGradEnabled(), "restored after an exception");
  nn.noGrad(() => {
    try {
      nn.noGrad(() => { throw new Error("inner"); });
    } catch {}
    assert.not.ok(nn.isGradEnabled(), "an inner exception restores the outer noGrad, not grad mode");
  });
  throwsNN(() => nn.noGrad(42), "noGrad(fn): fn must be a function");
});

test(`[${BUILD}] noGrad on resident tensors keeps nothing in wasm memory`, () => {
  const x = resident(randoms(64 * 100), [64, 100], { requiresGrad: true });
  const t = nn.tensor(new Int32Array(64).map((_, i) => i % 100));
  const before = nn.memoryStats();
  const out = nn.noGrad(() => nn.crossEntropy(x, t));
  assert.equal(nn.memoryStats(), before, "no saved gradient");
  const tracked = nn.crossEntropy(x, t);
  assert.is(nn.memoryStats().savedBytes, before.savedBytes + 64 * 100 * 4, "without noGrad the gradient is saved");
  tracked.backward();
  assert.is(nn.memoryStats().savedBytes, before.savedBytes, "backward hands it over");
  assert.is(nn.memoryStats().residentBytes, before.residentBytes + 64 * 100 * 4, "as x.grad");
  x.grad.dispose();
  assert.not.ok(out.requiresGrad);
  x.dispose();
});

// ---------------------------------------------------------------- forward-only loops

/** 10^4 forward-only calls of `call`, no GC, no await; returns every 1000th result and the wasm
 *  memory seen after the warm-up and at the end. */
function forwardLoop(call, count = 10_000) {
  const kept = [];
  let warm = 0;
  for (let i = 0; i < count; i++) {
    const out = call();
    assert.is(typeof out.data[0], "number");
    if (i % 1000 === 0) kept.push(out);
    if (i === 500) warm = nn.memoryStats().wasmBytes;
  }
  return { kept, warm, end: nn.memoryStats().wasmBytes };
}

for (const where of ["resident", "JS"]) {
  test(`[${BUILD}] 10^4 forward-only calls on ${where} tensors that require grad: wasm memory flat, every backward exact`, () => {
    const N = 16, C = 1000;
    const data = randoms(N * C);
    const targets = nn.tensor(Int32Array.from({ length: N }, (_, i) => (i * 37) % C));
    const x = where === "resident" ? resident(data, [N, C], { requiresGrad: true }) : nn.tensor(data, [N, C], { requiresGrad: true });
    const { kept, warm, end } = forwardLoop(() => nn.crossEntropy(x, targets, { labelSmoothing: 0.1 }));
    assert.is(end, warm, `wasm memory grew from ${warm} to ${end} bytes`);
    assert.ok(nn.memoryStats().savedBytes <= 64 << 20, "saved gradients stay within their budget");
    const want = referenceGrad(data, [N, C], targets, { labelSmoothing: 0.1 });
    // the newest result, then the oldest (spilled long ago), then one in between with gradOutput 2
    for (const [out, g, scale] of [[kept.at(-1), undefined, 1], [kept[0], undefined, 1], [kept[5], 2, 2]]) {
      x.grad = null;
      out.backward(g);
      same(x.grad.data, want.map((v) => Math.fround(v * scale)), `${where}: gradient`);
      assert.is(x.grad.resident, where === "resident");
      if (x.grad.resident) x.grad.dispose();
    }
    x.grad = null;
    throwsNN(() => kept[0].backward(), /backward through the graph a second time/);
    if (x.resident) x.dispose();
  });
}

test(`[${BUILD}] forward-only loops of every family on resident tensors keep wasm memory flat`, () => {
  const a = resident(randoms(4 * 64), [4, 64], { requiresGrad: true });
  const b = resident(randoms(4 * 64), [4, 64], { requiresGrad: true });
  const y = nn.tensor(new Float32Array([1, -1, 1, -1]));
  const lp = resident(new Float32Array(5 * 4 * 64).fill(Math.log(1 / 64)), [5, 4, 64], { requiresGrad: true });
  const calls = [
    () => nn.mseLoss(a, b), () => nn.binaryCrossEntropyWithLogits(a, b), () => nn.klDiv(a, b, { reduction: "none" }),
    () => nn.multiMarginLoss(a, [0, 1, 2, 3]), () => nn.cosineEmbeddingLoss(a, b, y), () => nn.tripletMarginLoss(a, b, a),
    () => nn.ctcLoss(lp, nn.tensor(new Int32Array([1, 2, 3, 4]), [4, 1]), [5, 5, 5, 5], [1, 1, 1, 1]),
  ];
  for (const call of calls) {
    const { warm, end } = forwardLoop(call, 1500);
    assert.is(end, warm, `${call}: wasm memory grew`);
  }
  // the last result of a loop still backpropagates into the resident tensors
  const out = nn.mseLoss(a, b);
  for (let i = 0; i < 300; i++) nn.mseLoss(a, b);
  out.backward();
  const want = Array.from(a.data, (v, i) => Math.fround(Math.fround(2 * (v - b.data[i])) / 256));
  assert.equal(Array.from(a.grad.data), want);
  for (const t of [a, b, lp]) {
    t.grad?.dispose();
    t.dispose();
  }
});

// ---------------------------------------------------------------- the graph

test(`[${BUILD}] a tensor used twice accumulates both gradients; retainGraph keeps the graph`, () => {
  const x = nn.tensor(randoms(12), [4, 3], { requiresGrad: true });
  const z = nn.tensor(randoms(12), [4, 3]);
  // the distance function reads anchor twice (with positive and with negative)
  const out = nn.tripletMarginWithDistanceLoss(x, z, x.detach(), {
    distanceFunction: (u, v) => nn.pairwiseDistance(u, v, { p: 1 }),
  });
  out.backward(undefined, { retainGraph: true });
  const first = Array.from(x.grad.data);
  out.backward();
  same(x.grad.data, first.map((v) => Math.fround(v + v)), "second backward adds the same gradient");
  throwsNN(() => out.backward(), /backward through the graph a second time/);
});

test.run();
