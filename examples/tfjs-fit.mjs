// A TensorFlow.js classifier trained with model.compile + model.fit and nnloss's CrossEntropyLoss, with
// what tfjs's own losses cannot express: class weights with PyTorch's weighted mean (Σ w·ℓ / Σ w) and
// unlabelled samples that the loss ignores. Three classes of 2-D points, the third one rare; a third of
// the training points have no label.
//
//   const loss = tfjsCompileLoss(new CrossEntropyLoss({ weight: new Float32Array([1, 1, 4]) }));
//   model.compile({ optimizer: "adam", loss, metrics: [loss.accuracy] });
//   await model.fit(x, tf.oneHot(labels, 3), ...);     // label −1 → an all-zero row → ignored
//
// Prints loss and accuracy per epoch (training: over the labelled points only; validation), the recall
// of each class, and what tfjs's built-in "accuracy" metric would have reported on the training data.
//
//   npm run example:tfjs                  (runs tfjs-ctc.mjs, then this)
//   node examples/tfjs-fit.mjs [--epochs N] [--backend wasm|cpu] [--quiet]
import * as tf from "@tensorflow/tfjs";
import { useTfjsBackend } from "./tfjs-backend.mjs";
import { init, CrossEntropyLoss } from "nnloss";
import { tfjsCompileLoss } from "nnloss/tfjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const epochs = Number(arg("--epochs", 25));
const tfBackend = arg("--backend", "wasm");
const quiet = process.argv.includes("--quiet");

await useTfjsBackend(tf, tfBackend);
await init();

// ---------------------------------------------------------------- data
const C = 3, CENTERS = [[-1.5, 0], [1.5, 0], [0, 1.6]], SHARE = [0.46, 0.46, 0.08];
let seed = 7;
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());

function makeSet(n, unlabelled) {
  const xs = new Float32Array(2 * n), truth = new Int32Array(n), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rnd(), k = u < SHARE[0] ? 0 : u < SHARE[0] + SHARE[1] ? 1 : 2;
    xs[2 * i] = CENTERS[k][0] + 0.9 * gauss();
    xs[2 * i + 1] = CENTERS[k][1] + 0.9 * gauss();
    truth[i] = k;
    labels[i] = rnd() < unlabelled ? -1 : k; // −1: no label
  }
  return { n, x: tf.tensor2d(xs, [n, 2]), y: tf.oneHot(tf.tensor1d(labels, "int32"), C).cast("float32"), truth, labels };
}
const train = makeSet(1200, 1 / 3), valid = makeSet(600, 0);

// ---------------------------------------------------------------- model, training
const weight = new Float32Array([1, 1, 4]); // the rare class counts four times

/** Train a fresh 2 → 24 → 3 model with the given class weights; returns its final logs, the model and the loss. */
async function trainWith(weight, log) {
  const loss = tfjsCompileLoss(new CrossEntropyLoss({ weight }));
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 24, activation: "tanh", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: C, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.02), loss, metrics: [loss.accuracy] });
  let last;
  await model.fit(train.x, train.y, {
    epochs, batchSize: 64, shuffle: false, verbose: 0, validationData: [valid.x, valid.y],
    callbacks: {
      onEpochEnd: (epoch, logs) => {
        last = { epoch: epoch + 1, ...logs };
        if (log) {
          console.log(`epoch ${String(epoch + 1).padStart(2)}/${epochs}  loss ${logs.loss.toFixed(4)}  acc ${(logs.acc * 100).toFixed(1)}%  ` +
            `val_loss ${logs.val_loss.toFixed(4)}  val_acc ${(logs.val_acc * 100).toFixed(1)}%`);
        }
      },
    },
  });
  // recall of each class on the validation set
  const pred = tf.tidy(() => tf.argMax(model.predict(valid.x), 1)).dataSync();
  const recall = Array.from({ length: C }, (_, k) => {
    const idx = [...valid.truth.keys()].filter((i) => valid.truth[i] === k);
    return idx.filter((i) => pred[i] === k).length / idx.length;
  });
  return { last, recall, model, loss };
}

const labelled = train.labels.filter((v) => v >= 0).length;
console.log(`data: ${train.n} training points (${labelled} labelled, ${train.n - labelled} not), ${valid.n} validation points; ` +
  `class shares ${SHARE.map((s) => `${Math.round(s * 100)}%`).join(" / ")}`);
console.log(`model: 2 → 24 (tanh) → ${C}, Adam 0.02, batch 64; loss tfjsCompileLoss(new CrossEntropyLoss({ weight: [${weight.join(", ")}] })), ` +
  `metrics [loss.accuracy]; tfjs ${tf.version.tfjs} ${tf.getBackend()} backend`);

const t0 = performance.now();
const weighted = await trainWith(weight, !quiet);
const plain = await trainWith(null, false);
const { last, recall, model, loss } = weighted;
// tfjs's built-in accuracy on the training data counts the unlabelled (all-zero) rows as class 0
const builtin = tf.tidy(() => tf.metrics.categoricalAccuracy(train.y, model.predict(train.x)).mean().dataSync()[0]);
const ours = tf.tidy(() => loss.accuracy(train.y, model.predict(train.x)).dataSync()[0]);
const pct = (v) => `${(v * 100).toFixed(1)}%`;
console.log(`validation recall per class: ${recall.map((r, k) => `${k}: ${pct(r)}`).join(", ")}; ` +
  `without class weights: ${plain.recall.map((r, k) => `${k}: ${pct(r)}`).join(", ")}`);
console.log(`training accuracy over the labelled points (loss.accuracy): ${pct(ours)}; ` +
  `tfjs's metrics: ["accuracy"] would report ${pct(builtin)} (unlabelled rows counted as class 0)`);
console.log(`final: epoch ${last.epoch}  loss ${last.loss.toFixed(4)}  val_loss ${last.val_loss.toFixed(4)}  val_acc ${pct(last.val_acc)}  ` +
  `rare-class recall ${pct(recall[2])} (${pct(plain.recall[2])} without class weights)  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
