// A JavaScript peer (tfjs, onnxruntime-web) in its own process, driven by bench/peers/hosted.mjs over
// the IPC channel. Each library keeps its own heap, allocator and GC: in one process, tfjs's heap and
// its large wasm memory made nnloss's forward+backward (which hands out a fresh 16 MB gradient array per
// call) up to 1.5× slower, and nnloss's allocations would tax tfjs the same way. PyTorch already runs in
// its own process (torch_peer.py); this makes every peer so.
//
// Messages (one reply each): { cmd: "start", peer } → { version, simd } | { skip }
//   { cmd: "setup", loss, size, caseName } → { first: { fwd, fwdBwd? }, firstMs } (the case's data is
//     made here from the same seed as the parent's, so nothing large crosses the channel but the gradient
//     of the correctness check)
//   { cmd: "time", pass, calls, lead } → { times }     { cmd: "release" } → { numTensors }
import { LOSSES } from "../cases.mjs";
import { asyncBatch, caseSeed, rng, syncBatch } from "../lib.mjs";
import { startOrt } from "./ort.mjs";
import { startTfjs } from "./tfjs.mjs";

const START = { tfjs: startTfjs, ort: startOrt };
let peer = null, current = null;

async function handle(m) {
  switch (m.cmd) {
    case "start": {
      peer = await START[m.peer]();
      return peer.skip ? { skip: peer.skip } : { version: peer.version, simd: peer.simd ?? null };
    }
    case "setup": {
      const loss = LOSSES.find((l) => l.name === m.loss);
      const size = loss.sizes.find((s) => s.label === m.size);
      const A = loss.args(size, rng(caseSeed(m.caseName)));
      const c = await peer.setup(loss, A, size);
      // tfjs cases are synchronous ({ fwd, fwdBwd }), onnxruntime's are async and forward only
      const passes = c.fwdBwd ? ["fwd", "fwdBwd"] : ["fwd"];
      const first = {}, firstMs = {};
      for (const pass of passes) {
        const s = performance.now();
        first[pass] = await c[pass](true);
        firstMs[pass] = performance.now() - s;
      }
      const isAsync = (fn) => fn.constructor.name === "AsyncFunction";
      current = { c, batch: Object.fromEntries(passes.map((p) => [p, isAsync(c[p]) ? asyncBatch(c[p]) : syncBatch(c[p])])) };
      return { first, firstMs };
    }
    case "time":
      return { times: await current.batch[m.pass](m.calls, m.lead) };
    case "release":
      await (current?.c.release ?? current?.c.dispose)?.();
      current = null;
      return { numTensors: peer.numTensors?.() ?? 0 };
  }
  throw new Error(`unknown command ${m.cmd}`);
}

process.on("message", (m) => {
  handle(m).then((r) => process.send(r), (e) => process.send({ error: String(e?.message ?? e).slice(0, 300) }));
});
