// A worker for test/workers.test.mjs, in a Node worker_thread or a Web Worker (Deno, Chromium): loads
// nnloss with the build it is told, runs the seeded random calls of test/cases.mjs and posts back
// their snapshots. No bare imports (a Web Worker in a browser has no import map).
import { makeCase, prng, runCase } from "../cases.mjs";

const port = globalThis.Deno || !globalThis.process?.versions?.node
  ? { on: (f) => { globalThis.onmessage = (e) => f(e.data); }, post: (m) => globalThis.postMessage(m) }
  : await import("node:worker_threads").then(({ parentPort }) => ({ on: (f) => parentPort.on("message", f), post: (m) => parentPort.postMessage(m) }));

port.on(async ({ build, seed, count, resident }) => {
  try {
    const nn = build === "relaxed-simd" ? await import("../../dist/index-relaxed.js") : await import("../../dist/index.js");
    await nn.init(build === "relaxed-simd" ? {} : { simd: build === "simd" });
    const rng = prng(seed);
    const snaps = [];
    for (let k = 0; k < count; k++) snaps.push(runCase(nn, makeCase(rng, undefined, 4096), { resident: resident && k % 2 === 1 }));
    const m = nn.memoryStats();
    port.post({ ok: true, backend: nn.backend(), snaps, arenaBytes: m.arenaBytes, residentBytes: m.residentBytes });
  } catch (e) {
    port.post({ ok: false, error: String(e?.stack ?? e) });
  }
});
