// Resident tensors (data in wasm memory): zero-copy use by the losses, resident gradients, explicit
// lifetimes, validity across memory growth.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD } from "./_setup.mjs";

const X = [1, 2, 0.5, 0.1, -1, 3, 2, 2, 2, -0.5, 0.3, 1.2];
const T = [1, 2, 0, 1];

function resident(values, shape, opts = {}) {
  const t = nn.empty(shape, opts);
  t.data.set(values);
  return t;
}

test(`[${BUILD}] empty/zeros: shape, dtype, resident data`, () => {
  const z = nn.zeros([2, 3], "float64");
  assert.ok(z.resident);
  assert.is(z.dtype, "float64");
  assert.equal(z.shape, [2, 3]);
  assert.ok(z.data instanceof Float64Array);
  assert.equal(Array.from(z.data), [0, 0, 0, 0, 0, 0]);
  const i = nn.zeros([3], { dtype: "int64" });
  assert.equal(Array.from(i.data), [0n, 0n, 0n]);
  assert.is(nn.tensor([1]).resident, false);
  z.dispose();
  i.dispose();
});

test(`[${BUILD}] losses read resident tensors in place and agree with the copying path`, () => {
  const x = resident(X, [4, 3], { requiresGrad: true });
  const t = resident(T.map(BigInt), [4], "int64");
  const ref = nn.tensor(X, [4, 3], { requiresGrad: true });
  const out = nn.crossEntropy(x, t, { labelSmoothing: 0.1 });
  const refOut = nn.crossEntropy(ref, T, { labelSmoothing: 0.1 });
  assert.is(out.item(), refOut.item());
  out.backward();
  refOut.backward();
  assert.ok(x.grad.resident, "the gradient of a resident leaf is resident");
  assert.equal(Array.from(x.grad.data), Array.from(ref.grad.data));
  // accumulation into the resident gradient (in wasm), with a scalar gradOutput
  nn.crossEntropy(x, t, { labelSmoothing: 0.1 }).backward(2);
  nn.crossEntropy(ref, T, { labelSmoothing: 0.1 }).backward(2);
  assert.equal(Array.from(x.grad.data), Array.from(ref.grad.data));
  for (const v of [x, x.grad, t]) v.dispose();
});

test(`[${BUILD}] resident operands with broadcasting, gradOutput and mixed dtypes`, () => {
  const a = resident([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
  const b = resident([1, 0, -1], [3], { requiresGrad: true });
  const ra = nn.tensor([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
  const rb = nn.tensor([1, 0, -1], [3], { requiresGrad: true });
  const g = nn.tensor([1, -2, 0.5, 3, 1, 1], [2, 3]);
  const o1 = nn.mseLoss(a, b, { reduction: "none" }), o2 = nn.mseLoss(ra, rb, { reduction: "none" });
  assert.equal(Array.from(o1.data), Array.from(o2.data));
  o1.backward(g);
  o2.backward(g);
  assert.equal(Array.from(a.grad.data), Array.from(ra.grad.data));
  assert.equal(Array.from(b.grad.data), Array.from(rb.grad.data));
  assert.ok(b.grad.resident);
  const c = resident([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [2, 3], "float64");
  assert.is(nn.l1Loss(a, c).dtype, "float64");
  for (const v of [a, b, a.grad, b.grad, c]) v.dispose();
});

test(`[${BUILD}] disposed tensors are errors; memory returns to its baseline`, () => {
  const base = nn.memoryStats().residentBytes;
  const x = resident(X, [4, 3], { requiresGrad: true });
  nn.crossEntropy(x, T).backward();
  assert.ok(nn.memoryStats().residentBytes > base);
  x.grad.dispose();
  x.dispose();
  assert.is(nn.memoryStats().residentBytes, base);
  assert.is(nn.memoryStats().arenaBytes, 0);
  try {
    nn.crossEntropy(x, T);
    assert.unreachable("a disposed tensor must not be usable");
  } catch (e) {
    assert.instance(e, nn.NNLossError);
    assert.match(e.message, /disposed/);
  }
  x.dispose(); // idempotent
  const disposeSym = Symbol.dispose ?? Symbol.for("Symbol.dispose");
  assert.type(nn.empty([1])[disposeSym], "function");
});

test(`[${BUILD}] resident data stays valid across wasm memory growth`, () => {
  const small = resident([1, 2, 3], [3]);
  const before = nn.memoryStats().wasmBytes;
  const big = nn.empty([8 << 20], "float32"); // 32 MiB: forces memory.grow
  assert.ok(nn.memoryStats().wasmBytes > before);
  assert.equal(Array.from(small.data), [1, 2, 3]);
  assert.is(nn.mseLoss(small, new Float32Array([1, 2, 3])).item(), 0);
  big.dispose();
  small.dispose();
});

test(`[${BUILD}] repeated resident training steps allocate no new wasm memory`, () => {
  const x = resident(X, [4, 3], { requiresGrad: true });
  const step = () => {
    nn.crossEntropy(x, T).backward();
    x.grad.dispose();
    x.grad = null;
  };
  for (let i = 0; i < 5; i++) step();
  const mem = nn.memoryStats();
  for (let i = 0; i < 200; i++) step();
  assert.equal(nn.memoryStats(), mem);
  x.dispose();
});

test.run();
