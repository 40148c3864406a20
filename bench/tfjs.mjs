// nnloss/tfjs benchmark: one training step's loss + gradient through the adapter against tfjs's own loss
// on the same tfjs backend (bench/tfjs-cases.mjs has the cases and how a step is timed).
//
//   npm run bench:tfjs                        Node: tfjs's cpu and wasm backends
//   node bench/tfjs.mjs --chromium            also headless Chromium: cpu, wasm and webgl (SwiftShader,
//                                             a software GPU: no GPU here), after `npm run build`
//   node bench/tfjs.mjs --quick               fewer repetitions
//   node bench/tfjs.mjs --backend wasm        one backend only (cpu, wasm, webgl)
//
// Medians in ms, implementations interleaved; writes bench/results/tfjs.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import * as nn from "nnloss";
import { tfjsLoss } from "nnloss/tfjs";
import { machineInfo } from "./lib.mjs";
import { runTfjsBench } from "./tfjs-cases.mjs";

const quick = process.argv.includes("--quick");
const withChromium = process.argv.includes("--chromium");
const only = process.argv.includes("--backend") ? process.argv[process.argv.indexOf("--backend") + 1] : null;
const wanted = (b) => only === null || only === b;
await nn.init();
const results = [];

for (const backend of ["cpu", "wasm"].filter(wanted)) {
  if (backend === "wasm") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(fileURLToPath(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url)));
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not initialise`);
  await tf.ready();
  const engine = `Node ${process.versions.node}, tfjs ${tf.version.tfjs} ${backend}${backend === "wasm" ? (tf.env().getBool("WASM_HAS_SIMD_SUPPORT") ? " (SIMD, 1 thread)" : " (1 thread)") : ""}`;
  console.log(`\n=== ${engine}; nnloss ${nn.backend()} build ===`);
  const r = await runTfjsBench(tf, nn, tfjsLoss, { quick, log: (l) => console.log(l) });
  results.push({ engine, backend, ...r });
}

if (withChromium) {
  const { serve, ISOLATED } = await import("../scripts/lib/server.mjs");
  const { launchBrowser } = await import("../scripts/lib/browsers.mjs");
  const { ROOT } = await import("../scripts/lib/suite-page.mjs");
  const { tfjsImports } = await import("../test/tfjs/imports.mjs");
  const shim = "/bench/web/node-shim.mjs";
  const imports = { ...tfjsImports(), "node:child_process": shim, "node:fs": shim, "node:os": shim };
  const page = `<!doctype html><meta charset="utf-8"><title>nnloss/tfjs bench</title>
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module">
import * as tf from "@tensorflow/tfjs";
import * as wasm from "@tensorflow/tfjs-backend-wasm";
import * as nn from "nnloss";
import { tfjsLoss } from "nnloss/tfjs";
import { runTfjsBench } from "/bench/tfjs-cases.mjs";
const backend = new URL(location.href).searchParams.get("backend");
try {
  wasm.setWasmPaths("/node_modules/@tensorflow/tfjs-backend-wasm/dist/");
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  await nn.init();
  if (!(await tf.setBackend(backend))) throw new Error("no " + backend);
  await tf.ready();
  const r = await runTfjsBench(tf, nn, tfjsLoss, { quick: ${quick} });
  window.__bench = { ...r, backend: tf.getBackend(), nnloss: nn.backend(), tfjs: tf.version.tfjs };
} catch (e) { window.__bench = { error: String(e?.stack ?? e) }; }
</script>`;
  // cross-origin isolated, for 5 µs timers instead of 100 µs
  const server = await serve(ROOT, { pages: { "/bench/tfjs.html": page }, headers: () => ISOLATED });
  const browser = await launchBrowser("chromium");
  try {
    for (const backend of ["cpu", "wasm", "webgl"].filter(wanted)) {
      const p = await browser.newPage();
      await p.goto(new URL(`bench/tfjs.html?backend=${backend}`, server.url).href);
      const r = await p.waitFor(() => globalThis.__bench, { timeout: 600_000, what: "the tfjs bench page" });
      await p.close();
      if (r.error) throw new Error(`Chromium ${backend}: ${r.error}`);
      const engine = `${browser.version}, tfjs ${r.tfjs} ${r.backend}${r.backend === "webgl" ? " (SwiftShader, software GPU)" : ""}`;
      console.log(`\n=== ${engine}; nnloss ${r.nnloss} build ===`);
      for (const row of r.rows) console.log(`${row.case.padEnd(28)} ${row.impl.padEnd(36)} ${row.median.toFixed(2).padStart(8)} ms  (${row.reps} reps)`);
      results.push({ engine, backend, rows: r.rows, checks: r.checks });
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

// summary: adapter vs tfjs's own, per case and engine
console.log("\n=== adapter vs tfjs's own loss (median ms per step, speed-up) ===");
for (const r of results) {
  const byCase = new Map();
  for (const row of r.rows) byCase.set(row.case, { ...byCase.get(row.case), [row.impl]: row.median });
  for (const [c, m] of byCase) {
    const ours = m["nnloss/tfjs (tfjsLoss)"], theirs = m["tfjs softmaxCrossEntropy"] ?? m["CTC in tfjs ops (autodiff)"];
    if (ours && theirs) console.log(`${r.engine.padEnd(58)} ${c.padEnd(28)} ${ours.toFixed(2).padStart(8)} vs ${theirs.toFixed(2).padStart(8)}  ×${(theirs / ours).toFixed(1)}`);
  }
}
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
const out = new URL("./results/tfjs.json", import.meta.url);
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: machineInfo(), quick, results }, null, 2) + "\n");
console.log(`\nwrote ${fileURLToPath(out)}`);
