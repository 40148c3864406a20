// tfjsLoss against tfjs's own losses (same loss, same numbers and gradients to float32 rounding), inside
// every tfjs training API (tf.grad, tf.valueAndGrad, tf.grads, tf.variableGrads, optimizer.minimize,
// tf.tidy), with tf.memory().numTensors flat across steps; argument forms, zero gradients for arguments
// PyTorch does not differentiate, and errors.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BACKEND, close, nn, tf, tfjsLoss } from "./_setup.mjs";

const tag = `[tfjs ${BACKEND}]`;

/** Deterministic pseudo-random floats (no Math.random: failures must reproduce). */
function rand(n, seed, scale = 1, offset = 0) {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale + offset;
  }
  return out;
}
const randn = (shape, seed, scale = 2) => tf.tensor(rand(shape.reduce((a, b) => a * b, 1), seed, scale), shape);
const classes = (n, C, seed) => Array.from(rand(n, seed), (v) => Math.min(C - 1, Math.floor((v + 1) / 2 * C)));

/** Value and gradient of f at x, read out and disposed. */
function vg(f, x) {
  const { value, grad } = tf.valueAndGrad(f)(x);
  const r = { value: value.dataSync()[0], grad: grad.dataSync().slice() };
  tf.dispose([value, grad]);
  return r;
}

/** Value and gradients of f at each of xs. */
function vgs(f, xs) {
  const { value, grads } = tf.valueAndGrads(f)(xs);
  const r = { value: value.dataSync()[0], grads: grads.map((g) => g.dataSync().slice()) };
  tf.dispose([value, ...grads]);
  return r;
}

// ---------------------------------------------------------------- the same loss as tfjs's own

for (const [N, C] of [[16, 10], [64, 1000]]) {
  test(`${tag} CrossEntropyLoss(logits, float32 class indices) = tf.losses.softmaxCrossEntropy(oneHot, logits) [${N},${C}]`, () => {
    const x = randn([N, C], 11 + C);
    const idx = classes(N, C, 7 + C);
    const labels = tf.tensor1d(idx); // float32, as tfjs labels usually are
    const oneHot = tf.oneHot(tf.tensor1d(idx, "int32"), C);
    const ours = vg((x) => tfjsLoss(new nn.CrossEntropyLoss())(x, labels), x);
    const theirs = vg((x) => tf.losses.softmaxCrossEntropy(oneHot, x), x);
    close([ours.value], [theirs.value], "loss");
    close(ours.grad, theirs.grad, "∂/∂logits");
    tf.dispose([x, labels, oneHot]);
  });
}

test(`${tag} CrossEntropyLoss label smoothing and probability targets = softmaxCrossEntropy's`, () => {
  const N = 12, C = 7;
  const x = randn([N, C], 3);
  const idx = classes(N, C, 4);
  const oneHot = tf.oneHot(tf.tensor1d(idx, "int32"), C);
  for (const ls of [0.1, 0.3]) {
    const ours = vg((x) => tfjsLoss(new nn.CrossEntropyLoss({ labelSmoothing: ls }))(x, idx), x);
    const theirs = vg((x) => tf.losses.softmaxCrossEntropy(oneHot, x, undefined, ls), x);
    close([ours.value], [theirs.value], `loss, smoothing ${ls}`);
    close(ours.grad, theirs.grad, `∂/∂logits, smoothing ${ls}`);
  }
  const soft = tf.softmax(randn([N, C], 5));
  const ours = vg((x) => tfjsLoss(new nn.CrossEntropyLoss())(x, soft), x);
  const theirs = vg((x) => tf.losses.softmaxCrossEntropy(soft, x), x);
  close([ours.value], [theirs.value], "loss, probability targets");
  close(ours.grad, theirs.grad, "∂/∂logits, probability targets");
  const sum = vg((x) => tfjsLoss(new nn.CrossEntropyLoss({ reduction: "sum" }))(x, idx), x);
  const tfSum = vg((x) => tf.losses.softmaxCrossEntropy(oneHot, x, undefined, 0, tf.Reduction.SUM), x);
  close([sum.value], [tfSum.value], "loss, sum");
  close(sum.grad, tfSum.grad, "∂/∂logits, sum");
  tf.dispose([x, oneHot, soft]);
});

test(`${tag} BCEWithLogitsLoss = tf.losses.sigmoidCrossEntropy, input and target gradients`, () => {
  const x = randn([9, 6], 21, 3);
  const y = tf.tidy(() => tf.cast(tf.greater(randn([9, 6], 22), 0), "float32"));
  const ours = vgs((x, y) => tfjsLoss(new nn.BCEWithLogitsLoss())(x, y), [x, y]);
  const theirs = vgs((x, y) => tf.losses.sigmoidCrossEntropy(y, x), [x, y]);
  close([ours.value], [theirs.value], "loss");
  close(ours.grads[0], theirs.grads[0], "∂/∂logits");
  close(ours.grads[1], theirs.grads[1], "∂/∂target");
  tf.dispose([x, y]);
});

for (const [name, make, theirs] of [
  ["MSELoss = tf.losses.meanSquaredError", () => new nn.MSELoss(), (x, y) => tf.losses.meanSquaredError(y, x)],
  ["L1Loss = tf.losses.absoluteDifference", () => new nn.L1Loss(), (x, y) => tf.losses.absoluteDifference(y, x)],
  ["HuberLoss = tf.losses.huberLoss (delta 1)", () => new nn.HuberLoss(), (x, y) => tf.losses.huberLoss(y, x)],
  ["HuberLoss = tf.losses.huberLoss (delta 0.4)", () => new nn.HuberLoss({ delta: 0.4 }), (x, y) => tf.losses.huberLoss(y, x, undefined, 0.4)],
  ["MSELoss sum = meanSquaredError with Reduction.SUM", () => new nn.MSELoss({ reduction: "sum" }),
    (x, y) => tf.losses.meanSquaredError(y, x, undefined, tf.Reduction.SUM)],
]) {
  test(`${tag} ${name}, input and target gradients`, () => {
    const x = randn([7, 5], 31), y = randn([7, 5], 32);
    const a = vgs((x, y) => tfjsLoss(make())(x, y), [x, y]);
    const b = vgs(theirs, [x, y]);
    close([a.value], [b.value], "loss");
    close(a.grads[0], b.grads[0], "∂/∂input");
    close(a.grads[1], b.grads[1], "∂/∂target");
    tf.dispose([x, y]);
  });
}

// ---------------------------------------------------------------- inside tfjs's training APIs

test(`${tag} tf.grad, tf.grads, tf.valueAndGrads: a gradient for every tensor argument, zeros where PyTorch has none`, () => {
  const [a, p, n] = [randn([5, 4], 41), randn([5, 4], 42), randn([5, 4], 43)];
  const triplet = tfjsLoss(new nn.TripletMarginLoss());
  const gs = tf.grads((a, p, n) => triplet(a, p, n))([a, p, n]);
  assert.is(gs.length, 3);
  for (const g of gs) assert.equal(g.shape, [5, 4]);
  // the anchor's gradient is minus the sum of the others' (the distance terms)
  close(tf.neg(tf.add(gs[1], gs[2])), gs[0].dataSync(), "∂a = −(∂p + ∂n)");
  const g1 = tf.grad((a) => triplet(a, p, n))(a);
  close(g1, gs[0].dataSync(), "tf.grad = tf.grads[0]");
  // CE with float32 class-index labels: labels get a zero gradient (tf.grads asks for one)
  const x = randn([4, 3], 44), t = tf.tensor1d([0, 2, 1, 2]);
  const [gx, gt] = tf.grads((x, t) => tfjsLoss(new nn.CrossEntropyLoss())(x, t))([x, t]);
  assert.ok(gx.dataSync().some((v) => v !== 0));
  assert.equal(Array.from(gt.dataSync()), [0, 0, 0, 0]);
  // cosine embedding's ±1 target: PyTorch does not differentiate it → zeros
  const y = tf.tensor1d([1, -1, 1, -1, 1]);
  const cg = tf.grads((a, p, y) => tfjsLoss(new nn.CosineEmbeddingLoss())(a, p, y))([a, p, y]);
  assert.equal(Array.from(cg[2].dataSync()), [0, 0, 0, 0, 0]);
  tf.dispose([a, p, n, x, t, y, g1, gx, gt, ...gs, ...cg]);
});

test(`${tag} tf.variableGrads and optimizer.minimize: the same gradients as tfjs's own loss; training lowers the loss`, () => {
  const N = 32, D = 6, C = 4;
  const X = randn([N, D], 51, 1);
  const idx = Array.from(tf.tidy(() => tf.argMax(tf.matMul(X, randn([D, C], 54, 1)), 1)).dataSync()); // learnable labels
  const oneHot = tf.oneHot(tf.tensor1d(idx, "int32"), C);
  const W = tf.variable(randn([D, C], 53, 0.1)), b = tf.variable(tf.zeros([C]));
  const logits = () => tf.add(tf.matMul(X, W), b);
  const ce = tfjsLoss(new nn.CrossEntropyLoss());
  const ours = tf.variableGrads(() => ce(logits(), idx));
  const theirs = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(oneHot, logits()));
  close([ours.value.dataSync()[0]], [theirs.value.dataSync()[0]], "loss");
  close(ours.grads[W.name], theirs.grads[W.name].dataSync(), "∂/∂W");
  close(ours.grads[b.name], theirs.grads[b.name].dataSync(), "∂/∂b");
  tf.dispose([ours.value, theirs.value, ...Object.values(ours.grads), ...Object.values(theirs.grads)]);

  const opt = tf.train.adam(0.05);
  const first = opt.minimize(() => ce(logits(), idx), true);
  const l0 = first.dataSync()[0];
  first.dispose();
  const before = tf.memory().numTensors;
  let last = l0;
  for (let step = 0; step < 40; step++) {
    const l = opt.minimize(() => ce(logits(), idx), true);
    last = l.dataSync()[0];
    l.dispose();
    assert.is(tf.memory().numTensors, before, `numTensors flat at step ${step}`);
  }
  assert.ok(last < 0.5 * l0, `loss ${l0} → ${last}`);
  tf.dispose([X, oneHot, W, b]);
  opt.dispose();
});

test(`${tag} tf.tidy: forward-only calls (no tape) and gradient steps leave tf.memory().numTensors flat`, () => {
  const x = randn([8, 5], 61), t = [0, 1, 2, 3, 4, 0, 1, 2];
  const ce = tfjsLoss(new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }));
  const ctc = tfjsLoss(new nn.CTCLoss(), { batchFirst: true });
  const lp = tf.logSoftmax(randn([2, 6, 4], 62));
  const before = tf.memory().numTensors;
  const v0 = tf.tidy(() => ce(x, t).dataSync()[0]);
  for (let i = 0; i < 10; i++) {
    const v = tf.tidy(() => ce(x, t).dataSync()[0]);
    assert.is(v, v0, "the same value every call");
    tf.tidy(() => tf.grad((x) => ce(x, t))(x).dataSync());
    tf.tidy(() => tf.grad((lp) => ctc(lp, [1, 2, 3, 3], [6, 5], [2, 2]))(lp).dataSync());
    assert.is(tf.memory().numTensors, before, `numTensors flat at call ${i}`);
  }
  // a loss kept across a tidy is one tensor, and nothing else
  const kept = ce(x, t);
  assert.is(tf.memory().numTensors, before + 1);
  kept.dispose();
  tf.dispose([x, lp]);
});

test(`${tag} reduction "none": PyTorch's shape, gradients weighted by dy`, () => {
  const x = randn([3, 4], 71), y = randn([3, 4], 72);
  const f = tfjsLoss(new nn.MSELoss({ reduction: "none" }));
  const dy = randn([3, 4], 73);
  const out = f(x, y);
  assert.equal(out.shape, [3, 4]);
  const g = tf.grad((x) => f(x, y))(x, dy);
  // ∂/∂x of (x − y)² · dy = 2 (x − y) dy
  close(g, tf.mul(tf.mul(2, tf.sub(x, y)), dy).dataSync(), "∂/∂x");
  tf.dispose([x, y, dy, out, g]);
});

// ---------------------------------------------------------------- argument forms and layouts

test(`${tag} labels and lengths as tfjs float32 or int32 tensors, typed arrays or plain arrays: the same numbers`, () => {
  const lp = tf.logSoftmax(randn([7, 2, 5], 81)); // [T, N, C]
  const ctc = tfjsLoss(new nn.CTCLoss());
  const forms = [
    [tf.tensor2d([[1, 2, 3], [4, 4, 0]]), tf.tensor1d([7, 6]), tf.tensor1d([3, 2])],
    [tf.tensor2d([[1, 2, 3], [4, 4, 0]], undefined, "int32"), tf.tensor1d([7, 6], "int32"), tf.tensor1d([3, 2], "int32")],
    [new Int32Array([1, 2, 3, 4, 4]), new Int32Array([7, 6]), new Int32Array([3, 2])],
    [[1, 2, 3, 4, 4], [7, 6], [3, 2]],
    [new Float32Array([1, 2, 3, 4, 4]), [7, 6], [3, 2]],
  ];
  const values = forms.map((args) => vg((lp) => ctc(lp, ...args), lp));
  for (const v of values.slice(1)) {
    close([v.value], [values[0].value], "loss");
    close(v.grad, values[0].grad, "gradient");
  }
  const x = randn([4, 3], 82);
  const ce = tfjsLoss(new nn.CrossEntropyLoss({ weight: new Float32Array([1, 2, 3]) }));
  const ref = vg((x) => ce(x, tf.tensor1d([0, 2, 1, 2])), x);
  for (const t of [[0, 2, 1, 2], new Int32Array([0, 2, 1, 2]), tf.tensor1d([0, 2, 1, 2], "int32"), new BigInt64Array([0n, 2n, 1n, 2n])]) {
    const v = vg((x) => ce(x, t), x);
    close([v.value], [ref.value], "loss");
    close(v.grad, ref.grad, "gradient");
  }
  tf.dispose([lp, x, ...forms.flat().filter((a) => a instanceof tf.Tensor)]);
});

test(`${tag} batchFirst CTC = the time-first loss on the transposed input, gradient back in [N, T, C]`, () => {
  const lpNTC = tf.logSoftmax(randn([3, 8, 5], 91));
  const lpTNC = tf.transpose(lpNTC, [1, 0, 2]);
  const args = [tf.tensor2d([[1, 2], [3, 3], [4, 0]]), [8, 7, 5], [2, 2, 1]];
  const a = vg((x) => tfjsLoss(new nn.CTCLoss(), { batchFirst: true })(x, ...args), lpNTC);
  const b = tf.valueAndGrad((x) => tfjsLoss(new nn.CTCLoss())(x, ...args))(lpTNC);
  close([a.value], [b.value.dataSync()[0]], "loss");
  close(a.grad, tf.transpose(b.grad, [1, 0, 2]).dataSync(), "gradient, [N, T, C]");
  tf.dispose([lpNTC, lpTNC, args[0], b.value, b.grad]);
});

test(`${tag} channelsLast cross-entropy = the channels-first loss on the transposed input`, () => {
  const x = randn([2, 3, 4, 5], 101); // [N, H, W, C]
  const t = tf.tensor(classes(24, 5, 102), [2, 3, 4]);
  const w = new Float32Array([1, 0.5, 2, 1, 3]);
  for (const reduction of ["mean", "sum"]) {
    const a = vg((x) => tfjsLoss(new nn.CrossEntropyLoss({ weight: w, reduction }), { channelsLast: true })(x, t), x);
    const b = vg((x) => tfjsLoss(new nn.CrossEntropyLoss({ weight: w, reduction }))(tf.transpose(x, [0, 3, 1, 2]), t), x);
    close([a.value], [b.value], `loss, ${reduction}`);
    close(a.grad, b.grad, `gradient, ${reduction}`);
  }
  const none = tfjsLoss(new nn.CrossEntropyLoss({ reduction: "none" }), { channelsLast: true })(x, t);
  assert.equal(none.shape, [2, 3, 4]);
  tf.dispose([x, t, none]);
});

test(`${tag} a criterion from another nnloss entry (nnloss/relaxed) runs on that entry's runtime`, async () => {
  let relaxed;
  try {
    relaxed = await import("nnloss/relaxed");
  } catch {
    return; // the page's import map may not offer it
  }
  await relaxed.init();
  const x = randn([6, 4], 111);
  const a = vg((x) => tfjsLoss(new relaxed.CrossEntropyLoss())(x, [0, 1, 2, 3, 0, 1]), x);
  const b = vg((x) => tfjsLoss(new nn.CrossEntropyLoss())(x, [0, 1, 2, 3, 0, 1]), x);
  close([a.value], [b.value], "loss");
  close(a.grad, b.grad, "gradient");
  x.dispose();
});

// ---------------------------------------------------------------- errors

test(`${tag} errors: NNLossError in PyTorch's words, tfjs's state unharmed`, () => {
  const x = randn([3, 4], 121), frac = tf.tensor1d([0, 1.5, 1]);
  const before = tf.memory().numTensors;
  const ce = tfjsLoss(new nn.CrossEntropyLoss());
  assert.throws(() => ce(x, [0, 4, 1]), (e) => e instanceof nn.NNLossError && /Target 4 is out of bounds/.test(e.message));
  assert.throws(() => tf.grad((x) => ce(x, [0, 4, 1]))(x), (e) => e instanceof nn.NNLossError);
  assert.throws(() => ce(x, frac), (e) => e instanceof nn.NNLossError && /element 1 is 1.5/.test(e.message));
  assert.throws(() => ce(x), (e) => e instanceof nn.NNLossError && /takes 2 arguments, got 1/.test(e.message));
  assert.throws(() => ce(x, [0, 1]), (e) => /Expected input batch_size \(3\) to match target batch_size \(2\)/.test(e.message));
  assert.throws(() => tfjsLoss(new nn.CrossEntropyLoss(), { batchFirst: true }), /batchFirst is an option of CTCLoss/);
  assert.throws(() => tfjsLoss(new nn.MSELoss(), { channelsLast: true }), /channelsLast is an option of CrossEntropyLoss and NLLLoss/);
  assert.throws(() => tfjsLoss(new nn.MSELoss(), { layout: "x" }), /unexpected option 'layout'/);
  assert.throws(() => tfjsLoss({ forward() {} }), (e) => e instanceof TypeError && /nnloss loss module/.test(e.message));
  assert.throws(() => tfjsLoss(new nn.CTCLoss(), { batchFirst: true })([1, 2], [1], [1], [1]), /must be a tfjs tensor \[N, T, C\]/);
  assert.is(tf.memory().numTensors, before, "no tensor left behind by the failed calls");
  // and the next call works
  const v = tf.tidy(() => ce(x, [0, 3, 1]).dataSync()[0]);
  assert.ok(Number.isFinite(v));
  tf.dispose([x, frac]);
});
test.run();
