// The browser benchmark page (bench/web/index.html, served by `npm run bench:web`): the CE and MSE
// cases of bench/cases.mjs, timed with bench/lib.mjs's interleaved loop for the SIMD build, the scalar
// build and the plain-JS reference, each result checked against the reference first; a table and the
// speed-up chart. Publishes window.__bench = { done, results, ... } for the Chromium test.
import * as nn from "../../dist/index.js";
import { copyingPass, LOSSES } from "../cases.mjs";
import { caseSeed, measureInterleaved, relError, rng } from "../lib.mjs";
import { speedupChart } from "./chart.mjs";

const TOLERANCE = 1e-4; // nnloss vs the float64-accumulating reference (as bench/run.mjs)
const params = new URL(location.href).searchParams;
const flag = (name) => params.has(name) && params.get(name) !== "0";
const $ = (sel) => document.querySelector(sel);
const status = (text, error = false) => { $("#status").textContent = text; $("#status").className = error ? "error" : ""; };
const tick = () => new Promise((ok) => setTimeout(ok, 0)); // let the page repaint between cases
const COLORS = { scalar: "#8aa4d6", simd: "#1f5fbf", relaxed: "#0b3a80" };
const BAR_NAMES = { scalar: "scalar", simd: "SIMD", relaxed: "relaxed SIMD" };
const PASSES = [["fwd", "fwd"], ["fwdBwd", "fwd+bwd"]];

// As bench/run.mjs, but batches of at least 5 ms even when quick: browsers coarsen performance.now()
// (5 µs when cross-origin isolated, as `npm run bench:web` serves the page; 100 µs otherwise).
function settings(quick) {
  return quick
    ? { warmupCalls: 3, warmupMs: 10, minReps: 3, budgetMs: 60, batchMs: 5, maxMs: 0 }
    : { warmupCalls: 3, warmupMs: 50, minReps: 5, budgetMs: 400, batchMs: 5, maxMs: 2500 };
}

let sink;
/** A batch runner for measureInterleaved that times the k calls together and reports their mean
 *  k times: per-call timing would read 0 for calls shorter than the browser's timer resolution. */
function batchMean(fn) {
  return (k, lead) => {
    for (let i = 0; i < lead; i++) sink = fn();
    const s = performance.now();
    for (let i = 0; i < k; i++) sink = fn();
    return new Array(k).fill((performance.now() - s) / k);
  };
}

async function run() {
  const quick = $("#quick").checked;
  const cfg = settings(quick);
  const names = (params.get("losses") ?? "ce,mse").split(",").map((s) => s.trim());
  const cases = LOSSES.filter((l) => names.includes(l.name)).flatMap((loss) => loss.sizes.map((size) => ({ loss, size, name: `${loss.name} ${size.label}` })));
  if (cases.length === 0) throw new Error(`no loss named ${names.join(", ")} in bench/cases.mjs`);

  const simd = nn.simdSupported();
  const builds = [];
  if (simd) {
    await nn.init({ simd: true });
    builds.push(["simd", nn]);
  }
  const nnScalar = await import("../../dist/index.js?scalar"); // a second module instance
  await nnScalar.init({ simd: false });
  builds.push(["scalar", nnScalar]);
  // the opt-in relaxed-SIMD build (nnloss/relaxed), where the browser validates it
  const nnRelaxed = await import("../../dist/index-relaxed.js?relaxed");
  await nnRelaxed.init();
  const relaxed = nnRelaxed.backend() === "relaxed-simd";
  if (relaxed) builds.push(["relaxed", nnRelaxed]);
  $("#env").textContent = `${navigator.userAgent.match(/(Chrome|Firefox|Version)\/[\d.]+/)?.[0] ?? navigator.userAgent} · ` +
    `${navigator.hardwareConcurrency ?? "?"} threads · wasm SIMD ${simd ? "yes" : "no"} · relaxed SIMD ${relaxed ? "yes" : "no"}`;

  const results = [];
  const tbody = $("#results tbody");
  tbody.textContent = "";
  $("#chart").textContent = "";
  for (const [i, c] of cases.entries()) {
    status(`running ${c.name} (${i + 1}/${cases.length})…`);
    await tick();
    const A = c.loss.args(c.size, rng(caseSeed(c.name)));
    const D = A.map((a) => a.data);
    for (const [pass, label] of PASSES) {
      const refPass = () => {
        if (pass === "fwd") return { loss: c.loss.ref(D, c.size, null) };
        const grad = new Float32Array(D[0].length);
        return { loss: c.loss.ref(D, c.size, grad), grad };
      };
      const expected = refPass();
      const impls = [{ name: "js", fn: refPass }];
      for (const [name, mod] of builds) impls.push({ name, fn: copyingPass(mod, c.loss, c.size, A, pass) });
      const errs = {};
      for (const impl of impls) {
        if (impl.name === "js") continue;
        const r = impl.fn();
        const e = Math.max(relError(r.loss, expected.loss), pass === "fwdBwd" ? (r.grad ? relError(r.grad, expected.grad) : NaN) : 0);
        if (!(e < TOLERANCE)) throw new Error(`WRONG RESULT: ${c.name} ${label} ${impl.name}: relative error ${e} (loss ${r.loss}, expected ${expected.loss}); not timing a wrong answer`);
        errs[impl.name] = e;
      }
      const stats = await measureInterleaved(impls.map((m) => ({ name: m.name, batch: batchMean(m.fn) })), cfg);
      for (const m of impls) {
        const s = stats.get(m.name);
        results.push({ case: c.name, pass: label, impl: m.name, reps: s.reps, medianMs: s.median, q1Ms: s.q1, q3Ms: s.q3, relErr: errs[m.name] ?? 0 });
      }
      addRow(tbody, c.name, label, results);
      await tick();
    }
  }
  drawChart(results, cases);
  return { results, simd, relaxed, quick, settings: cfg, userAgent: navigator.userAgent, isolated: globalThis.crossOriginIsolated === true };
}

const get = (results, c, pass, impl) => results.find((r) => r.case === c && r.pass === pass && r.impl === impl);
const ms = (v) => (v === undefined ? "–" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ratio = (a, b) => (a && b ? a.medianMs / b.medianMs : NaN);
const times = (v) => (Number.isFinite(v) ? `${v.toFixed(1)}×` : "–");

function addRow(tbody, c, pass, results) {
  const [js, sc, simd, rx] = ["js", "scalar", "simd", "relaxed"].map((i) => get(results, c, pass, i));
  const tr = document.createElement("tr");
  const cells = [c, pass, ms(js?.medianMs), ms(sc?.medianMs), ms(simd?.medianMs), times(ratio(js, sc)), times(ratio(js, simd)), times(ratio(sc, simd)),
    ms(rx?.medianMs), times(ratio(simd, rx))];
  for (const [i, v] of cells.entries()) {
    const td = document.createElement("td");
    td.textContent = v;
    if ((i === 5 || i === 6 || i === 9) && parseFloat(v) > 1) td.className = "fast";
    tr.append(td);
  }
  tbody.append(tr);
}

function drawChart(results, cases) {
  const rows = cases.flatMap((c) => PASSES.map(([, pass]) => {
    const js = get(results, c.name, pass, "js");
    return {
      label: `${c.name} ${pass}`,
      bars: ["scalar", "simd", "relaxed"].filter((i) => get(results, c.name, pass, i)).map((i) => ({ name: BAR_NAMES[i], value: ratio(js, get(results, c.name, pass, i)), color: COLORS[i] })),
    };
  }));
  $("#chart").innerHTML = speedupChart(rows);
}

async function start() {
  $("#run").disabled = true;
  globalThis.__bench = { done: false };
  const t0 = performance.now();
  try {
    const r = await run();
    globalThis.__bench = { done: true, seconds: (performance.now() - t0) / 1000, ...r };
    status(`done in ${globalThis.__bench.seconds.toFixed(1)} s${r.quick ? " (quick: few repetitions, noisy)" : ""}`);
  } catch (e) {
    globalThis.__bench = { done: true, error: String(e?.stack ?? e) };
    status(String(e?.message ?? e), true);
  } finally {
    $("#run").disabled = false;
  }
}

$("#quick").checked = flag("quick");
$("#run").addEventListener("click", start);
if (params.get("run") !== "0") start();
else status("ready: press Run");
