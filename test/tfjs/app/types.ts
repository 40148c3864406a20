// Type-checked by test/tfjs/packaging.e2e.mjs (strict, moduleResolution "nodenext") against the installed
// tarball and tfjs 4: what an application writes with nnloss/tfjs, with no cast anywhere — the loss
// straight into optimizer.minimize (which wants a Scalar), tf.grad, tf.variableGrads, model.compile and
// metrics; labels as tfjs tensors, typed arrays or plain arrays; `reduction: "none"` typed by rank.
import * as tf from "@tensorflow/tfjs";
import { init, CrossEntropyLoss, CTCLoss, MSELoss, TripletMarginLoss, NNLossError } from "nnloss";
import { tfjsLoss, tfjsCompileLoss, type TfjsCompiledLoss } from "nnloss/tfjs";

export async function main(): Promise<number> {
  await init();
  const x = tf.variable(tf.randomNormal([8, 5]));
  const labels = tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2]);

  const ce = tfjsLoss(new CrossEntropyLoss({ weight: new Float32Array([1, 2, 1, 1, 1]), ignoreIndex: 4 }));
  const opt = tf.train.adam(0.1);
  const cost: tf.Scalar | null = opt.minimize(() => ce(x, labels), true);
  const g: tf.Tensor = tf.grad((x: tf.Tensor) => ce(x, [0, 1, 2, 3, 4, 0, 1, 2]))(x);
  const vg = tf.variableGrads(() => ce(x, new Int32Array(8)));

  const ctc = tfjsLoss(new CTCLoss(), { batchFirst: true });
  const lp = tf.logSoftmax(tf.randomNormal([2, 6, 4]));
  const c: tf.Scalar = ctc(lp, tf.tensor2d([[1, 2], [3, 0]]), [6, 5], new Int32Array([2, 1]));
  // @ts-expect-error CTCLoss.forward takes four arguments: the returned function does too
  ctc(lp, [1, 2]);

  const none = tfjsLoss<tf.Rank.R2>(new MSELoss({ reduction: "none" }));
  const perElement: tf.Tensor2D = none(tf.ones([2, 3]), tf.zeros([2, 3]));
  const triplet = tfjsLoss(new TripletMarginLoss({ margin: 0.5 }));
  const t: tf.Scalar = triplet(tf.ones([3, 4]), tf.zeros([3, 4]), tf.ones([3, 4]));

  const loss: TfjsCompiledLoss = tfjsCompileLoss(new CrossEntropyLoss({ weight: new Float32Array([1, 1, 3]) }));
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3 })] });
  model.compile({ optimizer: "adam", loss, metrics: [loss.accuracy] });
  const s: tf.Scalar = loss(tf.oneHot(tf.tensor1d([0, -1], "int32"), 3), tf.zeros([2, 3]));
  const seg = tfjsCompileLoss(new CrossEntropyLoss(), { channelsLast: true, labels: "probabilities" });
  // @ts-expect-error labels is "onehot" | "probabilities"
  tfjsCompileLoss(new CrossEntropyLoss(), { labels: "sparse" });
  const e: Error = new NNLossError("x");

  return (cost?.dataSync()[0] ?? 0) + g.size + Object.keys(vg.grads).length + c.size + perElement.size + t.size + s.size +
    (typeof seg === "function" ? 1 : 0) + e.message.length;
}
