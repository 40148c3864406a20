// A TensorFlow.js sequence model trained with nnloss's CTCLoss — the loss tfjs does not have — on a
// synthetic task made here: read a noisy stream of feature frames and write out the symbols it spells.
// Each sample is 2–4 symbols from an alphabet of 5, each symbol a run of 2–4 frames around that
// symbol's prototype vector, with silence of random length between and around them (so runs, repeats and
// timing vary and no frame-level alignment is given: CTC learns it). The model is a tfjs GRU over the
// frames and a dense layer to 6 classes (blank + 5 symbols); the loss is
//
//   const ctc = tfjsLoss(new CTCLoss(), { batchFirst: true });    // log-probs [N, T, C], as tfjs has them
//   optimizer.minimize(() => ctc(tf.logSoftmax(model.apply(x, { training: true })), targets, inputLengths, targetLengths));
//
// Prints the loss and the greedy-decoded exact-sequence accuracy on held-out samples per epoch, and
// writes the loss curve as an SVG.
//
//   npm run example:tfjs                  (or: node examples/tfjs-ctc.mjs [options])
//
//   --epochs N        epochs to train (default 12)
//   --backend NAME    tfjs backend: wasm (default; @tensorflow/tfjs-backend-wasm) or cpu
//   --quiet           no per-epoch lines, only the final one
//   --svg PATH        where to write the loss curve (default examples/tfjs-ctc-loss.svg)
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { useTfjsBackend } from "./tfjs-backend.mjs";
import { init, backend, CTCLoss } from "nnloss";
import { tfjsLoss } from "nnloss/tfjs";
import { lossChartSvg } from "./loss-chart.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const epochs = Number(arg("--epochs", 12));
const tfBackend = arg("--backend", "wasm");
const quiet = process.argv.includes("--quiet");
const svgPath = arg("--svg", fileURLToPath(new URL("./tfjs-ctc-loss.svg", import.meta.url)));
if (!Number.isInteger(epochs) || epochs < 1) {
  console.error("--epochs takes a positive integer");
  process.exit(2);
}

// ---------------------------------------------------------------- tfjs and nnloss
await useTfjsBackend(tf, tfBackend);
await init();

// ---------------------------------------------------------------- the synthetic task
const SYMBOLS = 5, C = SYMBOLS + 1, BLANK = 0; // classes: blank, symbols 1..5
const T = 24, F = 8, MAX_LABELS = 4;
const NOISE = 0.6;

let seed = 20261206;
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
// each symbol's prototype frame: a random ±1 pattern (silence is all zeros)
const prototypes = Array.from({ length: SYMBOLS + 1 }, (_, k) => Array.from({ length: F }, () => (k === 0 ? 0 : rnd() < 0.5 ? -1 : 1)));

/** n samples: frames [n, T, F], padded targets [n, MAX_LABELS] (0 = padding), target lengths. */
function makeSet(n) {
  const frames = new Float32Array(n * T * F), targets = new Int32Array(n * MAX_LABELS), lengths = new Int32Array(n);
  const labels = [];
  for (let s = 0; s < n; s++) {
    const L = int(2, MAX_LABELS), seq = Array.from({ length: L }, () => int(1, SYMBOLS));
    const frameSymbol = new Array(T).fill(0);
    let t = int(0, 2);
    seq.forEach((k, i) => {
      const d = int(2, 4);
      for (let j = 0; j < d && t < T; j++) frameSymbol[t++] = k;
      if (i < L - 1) t += int(1, 2); // silence between symbols: repeats stay countable
    });
    for (let f = 0; f < T; f++) {
      for (let j = 0; j < F; j++) frames[(s * T + f) * F + j] = prototypes[frameSymbol[f]][j] + NOISE * gauss();
    }
    targets.set(seq, s * MAX_LABELS);
    lengths[s] = L;
    labels.push(seq);
  }
  return { n, x: tf.tensor3d(frames, [n, T, F]), targets, lengths, labels };
}

const train = makeSet(1536), valid = makeSet(256);

// ---------------------------------------------------------------- model, loss, training
const model = tf.sequential({
  layers: [
    tf.layers.gru({ units: 48, returnSequences: true, inputShape: [T, F], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      recurrentInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    tf.layers.dense({ units: C, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
  ],
});
const ctc = tfjsLoss(new CTCLoss({ blank: BLANK }), { batchFirst: true });
const optimizer = tf.train.adam(0.01);
const BATCH = 64;

/** Greedy (best-path) decoding: the arg-max class per frame, repeats merged, blanks dropped. */
function greedyDecode(logits) {
  const best = tf.tidy(() => tf.argMax(logits, -1)).arraySync();
  return best.map((path) => path.filter((k, t) => k !== BLANK && k !== path[t - 1]));
}

function accuracy(set) {
  const logits = tf.tidy(() => model.predict(set.x));
  const decoded = greedyDecode(logits);
  logits.dispose();
  return decoded.filter((seq, i) => seq.length === set.labels[i].length && seq.every((k, j) => k === set.labels[i][j])).length / set.n;
}

console.log(`task: ${train.n} training and ${valid.n} held-out sequences of ${T} frames × ${F} features, 2–${MAX_LABELS} symbols of ${SYMBOLS}`);
console.log(`model: GRU(48) → dense(${C}), Adam 0.01, batch ${BATCH}; loss tfjsLoss(new CTCLoss(), { batchFirst: true }); ` +
  `tfjs ${tf.version.tfjs} ${tf.getBackend()} backend, nnloss ${backend()} build`);

const history = [];
const t0 = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  const order = Array.from({ length: train.n / BATCH }, (_, b) => b);
  for (let i = order.length - 1; i > 0; i--) {
    const j = int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  let sum = 0;
  for (const b of order) {
    const lo = b * BATCH;
    const xb = train.x.slice([lo, 0, 0], [BATCH, T, F]);
    const targets = train.targets.subarray(lo * MAX_LABELS, (lo + BATCH) * MAX_LABELS);
    const lengths = train.lengths.subarray(lo, lo + BATCH);
    const inputLengths = new Int32Array(BATCH).fill(T);
    const l = optimizer.minimize(() => ctc(tf.logSoftmax(model.apply(xb, { training: true })),
      tf.tensor2d(targets, [BATCH, MAX_LABELS], "int32"), inputLengths, lengths), true);
    sum += l.dataSync()[0];
    tf.dispose([l, xb]);
  }
  const loss = sum / order.length, acc = accuracy(valid);
  history.push({ epoch, loss, accuracy: acc });
  if (!quiet) {
    console.log(`epoch ${String(epoch).padStart(2)}/${epochs}  loss ${loss.toFixed(4)}  greedy-decoded accuracy ${(acc * 100).toFixed(1)}%` +
      `  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
}
writeFileSync(svgPath, lossChartSvg(history, { title: "tfjs GRU + nnloss CTCLoss: loss and held-out greedy-decoded sequence accuracy" }));
const last = history[history.length - 1];
console.log(`final: epoch ${last.epoch}  loss ${last.loss.toFixed(4)}  accuracy ${(last.accuracy * 100).toFixed(1)}%  (${((performance.now() - t0) / 1000).toFixed(1)} s, ${tf.memory().numTensors} tensors)`);
console.log(`loss curve: ${svgPath}`);
