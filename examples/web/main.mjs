// The Iris training page (examples/web/index.html, served by `npm run example:web`): the training loop
// of examples/iris-model.mjs with a live loss chart (examples/loss-chart.mjs, redrawn every epoch).
// Publishes globalThis.__iris = { done, epochs, history, final, backend, error } for the Chromium test.
import { init, backend } from "nnloss";
import { createTrainer, prepareIris, progressLine } from "../iris-model.mjs";
import { lossChartSvg } from "../loss-chart.mjs";

const params = new URL(location.href).searchParams;
const num = (name, fallback) => (params.has(name) ? Number(params.get(name)) : fallback);
const $ = (sel) => document.querySelector(sel);
const status = (text, error = false) => { $("#status").textContent = text; $("#status").className = error ? "error" : ""; };
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const delay = num("delay", 30);
const options = { hidden: num("hidden", 16), lr: num("lr", 0.1) };

let data;
let running = false;

async function train(epochs) {
  running = true;
  $("#train").disabled = true;
  globalThis.__iris = { done: false, epochs, history: [], backend: backend() };
  const trainer = createTrainer(data, options);
  const log = $("#log");
  log.textContent = "";
  $("#chart").innerHTML = lossChartSvg([], { epochs });
  for (let e = 0; e < epochs; e++) {
    const r = trainer.step();
    $("#chart").innerHTML = lossChartSvg(trainer.history, { epochs });
    log.textContent += progressLine(r, epochs) + "\n";
    log.scrollTop = log.scrollHeight;
    status(`training: ${progressLine(r, epochs)}`);
    await sleep(delay);
  }
  const final = trainer.history.at(-1);
  status(`done: ${epochs} epochs, loss ${final.loss.toFixed(4)}, training accuracy ${(final.accuracy * 100).toFixed(1)}% ` +
    `(${final.seconds.toFixed(2)} s including the ${delay} ms pauses)`);
  globalThis.__iris = { done: true, epochs, history: trainer.history, final, backend: backend() };
  running = false;
  $("#train").disabled = false;
}

try {
  const build = params.get("build");
  await init({ simd: build === "scalar" ? false : build === "simd" ? true : "auto" });
  const rows = await (await fetch("./iris.json")).json();
  data = prepareIris(rows);
  $("#env").textContent = `${data.n} samples · nnloss ${backend()} build`;
  const epochs = num("epochs", 100);
  $("#epochs").value = String(epochs);
  $("#train").addEventListener("click", () => {
    if (!running) train(Math.max(1, Math.floor(Number($("#epochs").value)) || 100)).catch(fail);
  });
  await train(epochs);
} catch (e) {
  fail(e);
}

function fail(e) {
  status(`error: ${e?.stack ?? e}`, true);
  globalThis.__iris = { ...globalThis.__iris, done: true, error: String(e?.message ?? e) };
  running = false;
}
