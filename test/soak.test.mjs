// Memory soak: mixed calls across all 21 losses with random sizes, float32 and float64, every third
// call with resident arguments (nnloss.empty) whose resident gradients are disposed with them. After
// every call no scratch memory is left (arenaBytes 0) and resident memory is back where it was; after
// a warm-up pass over every case wasm memory never grows again; and every call's result and gradients
// are bitwise those of the case's first run.
//
// NNLOSS_SOAK sets the number of calls (default 3000 in `npm test`; `npm run soak` runs 100 000 on both
// builds). NNLOSS_SEED reproduces a run.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD } from "./_setup.mjs";
import { LOSS_NAMES, makeCase, prng, runCase, sameSnapshot } from "./cases.mjs";
import { envNumber, seedFromEnv } from "./util.mjs";

const CALLS = envNumber("NNLOSS_SOAK", 3000);
const SEED = seedFromEnv();
const POOL = 96; // distinct cases (every loss appears in it; the calls draw from it at random)

test(`[${BUILD}] soak: ${CALLS} mixed calls — no leaks, bounded memory, exact results`, () => {
  const rng = prng(SEED);
  const cases = Array.from({ length: POOL }, (_, i) =>
    makeCase(rng, i < LOSS_NAMES.length ? LOSS_NAMES[i] : undefined, rng.pick([64, 1024, 8192, 65536])));
  const variant = (k) => ({ resident: k % 3 === 2 });
  const start = nn.memoryStats();
  const t0 = performance.now();

  // warm-up: every case in every variant once; the first results are the reference for the rest
  const first = cases.map((c) => [runCase(nn, c), runCase(nn, c, { resident: true })]);
  first.forEach(([plain, resident], i) => {
    // resident arguments (read in place) give the same numbers as copied ones
    assert.ok(sameSnapshot(plain, resident), `case ${i} (${cases[i].fn}): resident and plain runs differ`);
  });
  const warm = nn.memoryStats();
  assert.is(warm.arenaBytes, 0);
  assert.is(warm.residentBytes, start.residentBytes, "the warm-up left resident memory behind");

  let calls = 0;
  for (let k = 0; k < CALLS; k++) {
    const i = Math.floor(rng() * POOL);
    const before = nn.memoryStats().residentBytes;
    const snap = runCase(nn, cases[i], variant(k));
    calls++;
    const m = nn.memoryStats();
    if (m.arenaBytes !== 0 || m.residentBytes !== before || m.wasmBytes !== warm.wasmBytes || !sameSnapshot(snap, first[i][0])) {
      assert.is(m.arenaBytes, 0, `call ${k} (${cases[i].fn}): scratch memory left behind`);
      assert.is(m.residentBytes, before, `call ${k} (${cases[i].fn}): resident memory not returned`);
      assert.is(m.wasmBytes, warm.wasmBytes, `call ${k} (${cases[i].fn}): wasm memory grew after warm-up`);
      assert.unreachable(`call ${k} (${cases[i].fn}, ${cases[i].dtype}, ${JSON.stringify(cases[i].opts)}): result differs from its first run`);
    }
  }
  const end = nn.memoryStats();
  const seconds = (performance.now() - t0) / 1000;
  assert.is(end.wasmBytes, warm.wasmBytes);
  assert.is(end.residentBytes, start.residentBytes);
  if (CALLS >= 10000 || envNumber("NNLOSS_VERBOSE", 0)) {
    const mib = (b) => `${(b / 2 ** 20).toFixed(2)} MiB`;
    console.log(`  soak [${BUILD}]: ${calls} calls + ${2 * POOL} warm-up in ${seconds.toFixed(1)} s; wasm memory ${mib(start.wasmBytes)} ` +
      `before, ${mib(warm.wasmBytes)} after warm-up, ${mib(end.wasmBytes)} at the end; resident ${start.residentBytes} → ` +
      `${end.residentBytes} bytes; scratch ${end.arenaBytes} bytes`);
  }
});

test.run();
