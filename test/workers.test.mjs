// Concurrency: nnloss in several workers at once — Node worker_threads, or Web Workers in Deno and
// Chromium — each with its own wasm instance, running seeded random calls (plain and resident) while
// the main thread runs the same calls: every worker's results and gradients are bitwise the main
// thread's (same build). One more worker runs the other build (SIMD vs scalar): its answers agree to
// the dtype's precision. Registered only where workers exist.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD } from "./_setup.mjs";
import { makeCase, prng, runCase, sameSnapshot } from "./cases.mjs";
import { seedFromEnv } from "./util.mjs";

const SEED = seedFromEnv();
const WORKERS = 4, COUNT = 40;
const url = new URL("./workers/worker.mjs", import.meta.url);
const isNode = !!globalThis.process?.versions?.node && !globalThis.Deno;

/** Start a worker, send it `task`, resolve with its reply. */
async function spawn(task) {
  if (isNode) {
    const { Worker } = await import("node:worker_threads");
    const w = new Worker(url);
    try {
      return await new Promise((resolve, reject) => {
        w.once("message", resolve);
        w.once("error", reject);
        w.postMessage(task);
      });
    } finally {
      await w.terminate();
    }
  }
  const w = new Worker(url, { type: "module" });
  try {
    return await new Promise((resolve, reject) => {
      w.onmessage = (e) => resolve(e.data);
      w.onerror = (e) => { e.preventDefault?.(); reject(new Error(e.message ?? "worker error")); };
      w.postMessage(task);
    });
  } finally {
    w.terminate();
  }
}

const available = isNode || typeof globalThis.Worker === "function";

if (available) {
  test(`[${BUILD}] workers: ${WORKERS} workers at once give the main thread's answers`, async () => {
    const tasks = Array.from({ length: WORKERS }, (_, i) => ({ build: BUILD, seed: SEED + (i % 2), count: COUNT, resident: i >= 2 }));
    const replies = await Promise.all(tasks.map(spawn)); // all running concurrently
    for (const [i, r] of replies.entries()) {
      assert.ok(r.ok, `worker ${i}: ${r.error}`);
      assert.is(r.backend, BUILD, `worker ${i} loaded the ${r.backend} build`);
      assert.is(r.arenaBytes, 0, `worker ${i}: scratch memory left behind`);
      assert.is(r.residentBytes, 0, `worker ${i}: resident memory left behind`);
      const rng = prng(tasks[i].seed);
      for (let k = 0; k < COUNT; k++) {
        const c = makeCase(rng, undefined, 4096);
        const mine = runCase(nn, c);
        assert.ok(sameSnapshot(r.snaps[k], mine), `worker ${i}, call ${k} (${c.fn}, ${c.dtype}): differs from the main thread`);
      }
    }
  });

  if (nn.simdSupported()) {
    test(`[${BUILD}] workers: the other build agrees to the dtype's precision`, async () => {
      const other = BUILD === "simd" ? "scalar" : "simd";
      const r = await spawn({ build: other, seed: SEED + 7, count: COUNT, resident: false });
      assert.ok(r.ok, r.error);
      assert.is(r.backend, other);
      const rng = prng(SEED + 7);
      for (let k = 0; k < COUNT; k++) {
        const c = makeCase(rng, undefined, 4096);
        const mine = runCase(nn, c);
        const rtol = c.dtype === "float32" ? 1e-4 : 1e-9;
        const close = (a, b) => a.length === b.length && a.every((v, j) => Object.is(v, b[j]) ||
          (Number.isNaN(v) && Number.isNaN(b[j])) || Math.abs(v - b[j]) <= rtol * (Math.abs(b[j]) + Math.max(...b.map(Math.abs))));
        assert.ok(close(r.snaps[k].out, mine.out), `call ${k} (${c.fn}, ${c.dtype}): results of the two builds differ`);
        mine.grads.forEach((g, j) => assert.ok(g === null || close(r.snaps[k].grads[j], g), `call ${k} (${c.fn}): gradient ${j} differs`));
      }
    });
  }
}

test.run();
