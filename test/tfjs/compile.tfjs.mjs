// tfjsCompileLoss: model.compile({ loss, metrics: [loss.accuracy] }) with fit and evaluate, for the label
// forms tfjs users have — one-hot rows (all-zero rows = ignored samples) keeping PyTorch's weighted mean
// with class weights (checked against PyTorch 1.13: test/fixtures/tfjs.json), probability rows — and an
// accuracy metric that counts what the loss counts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fx from "../fixtures/tfjs.json" with { type: "json" };
import { BACKEND, close, nn, tf, tfFromFixture, tfjsCompileLoss, tfjsLoss } from "./_setup.mjs";

const tag = `[tfjs ${BACKEND}]`;
const byId = Object.fromEntries(fx.cases.map((c) => [c.id, c]));
const weightOf = (c) => new Float32Array(c.options.weight.data);

/** One-hot labels from class indices along the last dim; −100 (ignored) → an all-zero row. */
function oneHot(indices, shape, C) {
  return tf.tidy(() => tf.oneHot(tf.tensor(indices.map((v) => (v < 0 ? -1 : v)), shape, "int32"), C).cast("float32"));
}

function lossAndGrad(loss, yTrue, yPred) {
  const { value, grad } = tf.valueAndGrad((p) => loss(yTrue, p))(yPred);
  const r = { value: value.dataSync()[0], grad: grad.dataSync().slice(), shape: grad.shape };
  tf.dispose([value, grad]);
  return r;
}

test(`${tag} one-hot labels with zero rows for ignored samples and class weights = PyTorch's weighted mean`, () => {
  for (const id of ["ce/weighted-ignored/mean", "ce/weighted-ignored/sum", "ce/weighted-ignored-smoothing0.1/mean", "ce/all-ignored/mean"]) {
    const c = byId[id];
    const C = c.args[0].shape[1];
    const yPred = tfFromFixture(c.args[0]);
    const yTrue = oneHot(c.args[1].data, c.args[1].shape, C);
    const loss = tfjsCompileLoss(new nn.CrossEntropyLoss({ ...c.options, weight: weightOf(c) }));
    const r = lossAndGrad(loss, yTrue, yPred);
    close([r.value], c.output.data, `${id}: loss`);
    close(r.grad, c.grads[0].data, `${id}: ∂/∂yPred`);
    tf.dispose([yPred, yTrue]);
  }
});

test(`${tag} tf.oneHot's int32 labels as they come: the same loss, gradient and accuracy as float32 ones`, () => {
  const c = byId["ce/weighted-ignored/mean"];
  const yPred = tfFromFixture(c.args[0]);
  const int = tf.oneHot(tf.tensor1d(c.args[1].data.map((v) => (v < 0 ? -1 : v)), "int32"), c.args[0].shape[1]);
  assert.is(int.dtype, "int32");
  const loss = tfjsCompileLoss(new nn.CrossEntropyLoss({ weight: weightOf(c) }));
  const r = lossAndGrad(loss, int, yPred);
  close([r.value], c.output.data, "loss");
  close(r.grad, c.grads[0].data, "∂/∂yPred");
  const f = tf.cast(int, "float32");
  close(loss.accuracy(int, yPred), loss.accuracy(f, yPred).dataSync(), "accuracy");
  const mse = tfjsCompileLoss(new nn.MSELoss());
  close(mse(int, yPred), mse(f, yPred).dataSync(), "an int32 regression target");
  tf.dispose([yPred, int, f]);
});

test(`${tag} an all-ignored batch: NaN loss (0/0, as PyTorch), zero gradient, NaN accuracy`, () => {
  const yPred = tf.tensor2d([[1, 2, 3], [0, 1, 0]]);
  const yTrue = tf.zeros([2, 3]);
  const loss = tfjsCompileLoss(new nn.CrossEntropyLoss({ weight: new Float32Array([1, 2, 3]) }));
  const r = lossAndGrad(loss, yTrue, yPred);
  assert.ok(Number.isNaN(r.value), `loss ${r.value}`);
  assert.ok(r.grad.every((v) => v === 0), "zero gradient");
  assert.ok(Number.isNaN(loss.accuracy(yTrue, yPred).dataSync()[0]));
  tf.dispose([yPred, yTrue]);
});

test(`${tag} ignoreIndex a real class: its one-hot rows drop out of the loss and of the accuracy`, () => {
  const c = byId["ce/weighted-ignore-class3/mean"];
  const yPred = tfFromFixture(c.args[0]);
  const yTrue = oneHot(c.args[1].data, c.args[1].shape, c.args[0].shape[1]);
  const loss = tfjsCompileLoss(new nn.CrossEntropyLoss({ weight: weightOf(c), ignoreIndex: 3 }));
  const r = lossAndGrad(loss, yTrue, yPred);
  close([r.value], c.output.data, "loss");
  close(r.grad, c.grads[0].data, "∂/∂yPred");
  const pred = tf.argMax(yPred, 1).dataSync(), t = c.args[1].data;
  const counted = t.map((v, i) => [v, pred[i]]).filter(([v]) => v !== 3);
  const expected = counted.filter(([v, p]) => v === p).length / counted.length;
  close(loss.accuracy(yTrue, yPred), [expected], "accuracy over the samples the loss counts");
  tf.dispose([yPred, yTrue]);
});

test(`${tag} channels-last [N, H, W, C] one-hot labels and probability labels = PyTorch's K-dim cross-entropy`, () => {
  const c = byId["ce/channels-last-weighted-ignored/mean"];
  const yPred = tfFromFixture(c.args[0]);
  const yTrue = oneHot(c.args[1].data, c.args[1].shape, c.args[0].shape[3]);
  const loss = tfjsCompileLoss(new nn.CrossEntropyLoss({ weight: weightOf(c) }), { channelsLast: true });
  const r = lossAndGrad(loss, yTrue, yPred);
  close([r.value], c.output.data, "loss");
  close(r.grad, c.grads[0].data, "∂/∂yPred");
  assert.equal(r.shape, c.args[0].shape);
  const p = byId["ce/channels-last-probabilities-smoothing0.2/mean"];
  const soft = tfFromFixture(p.args[1]);
  const probLoss = tfjsCompileLoss(new nn.CrossEntropyLoss({ weight: weightOf(p), labelSmoothing: 0.2 }),
    { channelsLast: true, labels: "probabilities" });
  const q = lossAndGrad(probLoss, soft, yPred);
  close([q.value], p.output.data, "loss, probability labels");
  close(q.grad, p.grads[0].data, "∂/∂yPred, probability labels");
  tf.dispose([yPred, yTrue, soft]);
});

test(`${tag} labels: "probabilities" = PyTorch's probability targets (mean over N, not Σw)`, () => {
  const x = tf.tensor2d([[1, 2, 0.5], [0.1, -1, 3], [2, 2, 2], [-0.5, 0.3, 1.2]]);
  const y = tf.tensor2d([[0.1, 0.7, 0.2], [0, 0, 1], [0.3, 0.3, 0.4], [0.5, 0.5, 0]]);
  const w = new Float32Array([0.2, 1, 3]);
  const a = lossAndGrad(tfjsCompileLoss(new nn.CrossEntropyLoss({ weight: w }), { labels: "probabilities" }), y, x);
  const b = tf.valueAndGrad((x) => tfjsLoss(new nn.CrossEntropyLoss({ weight: w }))(x, y))(x);
  close([a.value], b.value.dataSync(), "loss");
  close(a.grad, b.grad.dataSync(), "∂/∂yPred");
  tf.dispose([x, y, b.value, b.grad]);
});

test(`${tag} two-argument losses under compile: MSE, BCEWithLogits (threshold accuracy), NLL on log-probabilities`, () => {
  const yPred = tf.tensor2d([[0.5, -1.2, 3], [2, 0, -0.7]]), yTrue = tf.tensor2d([[1, 0, 1], [0, 1, 0]]);
  const mse = lossAndGrad(tfjsCompileLoss(new nn.MSELoss()), yTrue, yPred);
  close([mse.value], tf.losses.meanSquaredError(yTrue, yPred).dataSync(), "MSE");
  const bce = tfjsCompileLoss(new nn.BCEWithLogitsLoss());
  close([lossAndGrad(bce, yTrue, yPred).value], tf.losses.sigmoidCrossEntropy(yTrue, yPred).dataSync(), "BCEWithLogits");
  // predictions > 0: [1, 0, 1] and [1, 0, 0] against labels [1, 0, 1] and [0, 1, 0] → 4 of 6
  close(bce.accuracy(yTrue, yPred), [4 / 6], "binary accuracy");
  const lp = tf.logSoftmax(yPred), oh = tf.tensor2d([[0, 0, 1], [1, 0, 0]]);
  const nll = lossAndGrad(tfjsCompileLoss(new nn.NLLLoss()), oh, lp);
  close([nll.value], tfjsLoss(new nn.NLLLoss())(lp, [2, 0]).dataSync(), "NLL");
  tf.dispose([yPred, yTrue, lp, oh]);
});

test(`${tag} refused: reduction "none", losses of more than two arguments, rows that are not one-hot`, () => {
  assert.throws(() => tfjsCompileLoss(new nn.CrossEntropyLoss({ reduction: "none" })), /reduction "none".*averages/);
  assert.throws(() => tfjsCompileLoss(new nn.CTCLoss()), /takes 4 arguments.*custom training loop/);
  assert.throws(() => tfjsCompileLoss(new nn.MSELoss(), { labels: "probabilities" }), /"probabilities" is for CrossEntropyLoss/);
  const loss = tfjsCompileLoss(new nn.CrossEntropyLoss());
  const yPred = tf.zeros([2, 3]), soft = tf.tensor2d([[0.2, 0.8, 0], [0, 1, 0]]);
  assert.throws(() => loss(soft, yPred), (e) => e instanceof nn.NNLossError && /row 0 .*labels: "probabilities"/.test(e.message));
  assert.throws(() => tfjsCompileLoss(new nn.MSELoss()).accuracy(yPred, yPred), /has no accuracy/);
  tf.dispose([yPred, soft]);
});

test(`${tag} model.compile + fit + evaluate: class weights, ignored samples, the accuracy metric tells the truth`, async () => {
  // three Gaussian blobs in 2-D; a quarter of the samples unlabelled (all-zero rows); class 2 rare
  const N = 240, C = 3, centers = [[-2, 0], [2, 0], [0, 2.5]];
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const xs = [], ys = [];
  for (let i = 0; i < N; i++) {
    const k = i % 8 === 7 ? 2 : i % 2;
    xs.push(centers[k][0] + 0.7 * gauss(), centers[k][1] + 0.7 * gauss());
    ys.push(i % 4 === 3 ? -1 : k); // −1: unlabelled
  }
  const X = tf.tensor2d(xs, [N, 2]);
  const Y = oneHot(ys, [N], C);
  const weight = new Float32Array([1, 1, 3]); // the rare class counts three times
  const loss = tfjsCompileLoss(new nn.CrossEntropyLoss({ weight }));
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 16, activation: "tanh", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: C, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })] });
  model.compile({ optimizer: tf.train.adam(0.05), loss, metrics: [loss.accuracy] });
  const h0 = await model.fit(X, Y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
  const before = tf.memory().numTensors; // the model's weights and the optimizer's state, now made
  const h = await model.fit(X, Y, { epochs: 29, batchSize: 32, shuffle: false, verbose: 0 });
  assert.is(tf.memory().numTensors, before, "29 more epochs of fit leave no tensor behind");
  assert.ok(Array.isArray(h.history.acc) && h.history.acc.length === 29, "history.acc, one value per epoch");
  assert.ok(h.history.loss[28] < 0.5 * h0.history.loss[0], `loss ${h0.history.loss[0]} → ${h.history.loss[28]}`);

  // evaluate on the whole set in one batch = nnloss's weighted mean over the labelled samples, and
  // the accuracy over the labelled samples only
  const [evLoss, evAcc] = model.evaluate(X, Y, { batchSize: N }).map((t) => t.dataSync()[0]);
  const logits = model.predict(X);
  const labelled = ys.map((v, i) => [v, i]).filter(([v]) => v >= 0);
  const direct = tfjsLoss(new nn.CrossEntropyLoss({ weight }))(logits, ys.map((v) => (v < 0 ? -100 : v)));
  close([evLoss], direct.dataSync(), "evaluate's loss = PyTorch's weighted mean");
  const pred = tf.argMax(logits, 1).dataSync();
  const acc = labelled.filter(([v, i]) => pred[i] === v).length / labelled.length;
  close([evAcc], [acc], "evaluate's accuracy = accuracy over the labelled samples");
  assert.ok(acc > 0.9, `accuracy ${acc}`);
  // tfjs's built-in "accuracy" counts the unlabelled rows as class 0: it would not tell the truth
  const builtin = tf.metrics.categoricalAccuracy(Y, logits).mean().dataSync()[0];
  assert.ok(Math.abs(builtin - acc) > 0.05, `built-in ${builtin} vs ours ${acc}`);
  tf.dispose([X, Y, logits, direct]);
  model.dispose();
});

test.run();
