// nnloss micro-benchmark: CrossEntropy and MSE, forward and forward+backward, through the public API
// (with its copies in and out of wasm memory), for the SIMD build, the scalar build and plain JS.
//
//   node bench/run.mjs [filter...] [--quick]     (npm run bench builds first)
//
// A filter keeps the cases whose name contains it ("ce", "mse", "32000"). Progress goes to stderr,
// a markdown table to stdout, and the numbers to bench/results/latest.json.
import { mkdirSync, writeFileSync } from "node:fs";
import * as nn from "../dist/index.js";
import { machineInfo, measure, relError, rng } from "./lib.mjs";
import * as ref from "./reference.mjs";

const TOLERANCE = 1e-4;
const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith("--"));
const filters = args.filter((a) => !a.startsWith("--")).map((a) => a.toLowerCase());
for (const f of flags) if (f !== "--quick") throw new Error(`unknown option ${f} (usage: node bench/run.mjs [filter...] [--quick])`);
const quick = flags.includes("--quick");
const SETTINGS = quick
  ? { warmupCalls: 3, warmupMs: 0, minReps: 3, budgetMs: 0 }
  : { warmupCalls: 5, warmupMs: 300, minReps: 7, budgetMs: 1000 };

function floats(n, rand, lo, hi) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

// Each case's setup() makes its data once and returns, per implementation, the two passes; every pass
// returns { loss, grad? } so the results can be checked against the reference.
function crossEntropyCase(N, C) {
  return {
    name: `ce ${N}x${C}`,
    setup() {
      const rand = rng(N ^ (C << 8));
      const x = floats(N * C, rand, -5, 5);
      const t = BigInt64Array.from({ length: N }, () => BigInt(Math.floor(rand() * C)));
      const T = nn.tensor(t, [N]);
      return {
        js: {
          fwd: () => ({ loss: ref.crossEntropy(x, t, N, C) }),
          fwdBwd: () => ref.crossEntropyWithGrad(x, t, N, C),
        },
        nn: {
          fwd: () => ({ loss: nn.crossEntropy(nn.tensor(x, [N, C]), T).item() }),
          fwdBwd: () => {
            const X = nn.tensor(x, [N, C], { requiresGrad: true });
            const loss = nn.crossEntropy(X, T);
            loss.backward();
            return { loss: loss.item(), grad: X.grad.data };
          },
        },
      };
    },
  };
}

function mseCase(n) {
  return {
    name: `mse ${n / 2 ** 20}M`,
    setup() {
      const rand = rng(n);
      const x = floats(n, rand, -1, 1), y = floats(n, rand, -1, 1);
      const Y = nn.tensor(y, [n]);
      return {
        js: { fwd: () => ({ loss: ref.mseLoss(x, y) }), fwdBwd: () => ref.mseLossWithGrad(x, y) },
        nn: {
          fwd: () => ({ loss: nn.mseLoss(nn.tensor(x, [n]), Y).item() }),
          fwdBwd: () => {
            const X = nn.tensor(x, [n], { requiresGrad: true });
            const loss = nn.mseLoss(X, Y);
            loss.backward();
            return { loss: loss.item(), grad: X.grad.data };
          },
        },
      };
    },
  };
}

const CASES = [crossEntropyCase(4096, 1000), crossEntropyCase(65536, 10), crossEntropyCase(256, 32000), mseCase(2 ** 22)]
  .filter((c) => filters.length === 0 || filters.some((f) => c.name.includes(f)));
if (CASES.length === 0) throw new Error(`no case matches ${filters.join(", ")}`);
const IMPLS = [{ name: "js" }, { name: "scalar", simd: false }, { name: "simd", simd: true }];
const MODES = [{ name: "fwd", key: "fwd" }, { name: "fwd+bwd", key: "fwdBwd" }];

const machine = machineInfo();
const sig = (v) => +v.toPrecision(4);
const results = [];
for (const c of CASES) {
  const data = c.setup();
  const expected = data.js.fwdBwd();
  for (const impl of IMPLS) {
    if (impl.simd !== undefined) {
      await nn.init({ simd: impl.simd }); // a fresh instance: the first call below runs cold
      if (nn.backend() !== impl.name) throw new Error(`init({ simd: ${impl.simd} }) loaded ${nn.backend()}`);
    }
    for (const mode of MODES) {
      const fn = (impl.simd === undefined ? data.js : data.nn)[mode.key];
      const t0 = performance.now();
      const r = fn();
      const firstMs = performance.now() - t0;
      const relErr = Math.max(relError(r.loss, expected.loss), r.grad ? relError(r.grad, expected.grad) : 0);
      if (mode.key === "fwdBwd" && !r.grad) throw new Error(`${c.name} ${mode.name} ${impl.name}: no gradient`);
      if (!(relErr < TOLERANCE)) {
        throw new Error(`WRONG RESULT: ${c.name} ${mode.name} ${impl.name}: relative error ${relErr} ` +
          `(loss ${r.loss}, expected ${expected.loss}); not timing a wrong answer`);
      }
      const s = measure(fn, SETTINGS);
      results.push({
        case: c.name, mode: mode.name, impl: impl.name, reps: s.reps,
        medianMs: sig(s.median), q1Ms: sig(s.q1), q3Ms: sig(s.q3), minMs: sig(s.min), maxMs: sig(s.max),
        firstMs: sig(firstMs), relErr: sig(relErr),
      });
      console.error(`${c.name.padEnd(14)} ${mode.name.padEnd(7)} ${impl.name.padEnd(6)} ` +
        `${s.median.toFixed(2).padStart(8)} ms  [${s.q1.toFixed(2)}–${s.q3.toFixed(2)}]  n=${s.reps}  relErr=${relErr.toExponential(1)}`);
    }
  }
}

// ---------------------------------------------------------------- report
const ms = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const get = (c, mode, impl) => results.find((r) => r.case === c && r.mode === mode && r.impl === impl);
const cell = (r) => `${ms(r.medianMs)} ±${Math.round((50 * (r.q3Ms - r.q1Ms)) / r.medianMs)}%`;
const ratio = (a, b) => `${(a.medianMs / b.medianMs).toFixed(1)}×`;
const lines = [
  `## nnloss micro-benchmark${quick ? " (--quick)" : ""}`,
  "",
  `${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB · Node ${machine.node} (V8 ${machine.v8}) · ` +
    `${machine.platform} · ${machine.date.slice(0, 10)} · commit ${machine.commit ?? "?"}`,
  "",
  "| case | pass | plain JS | nnloss scalar | nnloss SIMD | scalar vs JS | SIMD vs JS | SIMD vs scalar |",
  "|---|---|---:|---:|---:|---:|---:|---:|",
];
for (const c of CASES) {
  for (const mode of MODES) {
    const [js, sc, simd] = IMPLS.map((i) => get(c.name, mode.name, i.name));
    lines.push(`| ${c.name} | ${mode.name} | ${cell(js)} | ${cell(sc)} | ${cell(simd)} | ` +
      `${ratio(js, sc)} | ${ratio(js, simd)} | ${ratio(sc, simd)} |`);
  }
}
lines.push("", "Times in ms: median ± half the interquartile range over the reps; ratios are speed-ups of medians. " +
  "float32 data, mean reduction, int64 targets; every pass goes through the public API (tensor copies included).");
console.log(lines.join("\n"));

const dir = new URL("./results/", import.meta.url);
mkdirSync(dir, { recursive: true });
const meta = {
  machine,
  settings: { quick, filters, ...SETTINGS, tolerance: TOLERANCE },
  note: "ms per call; firstMs is the un-warmed correctness-check call (for nnloss fwd: the first call on a fresh instance)",
  results: "@",
};
const json = JSON.stringify(meta, null, 2)
  .replace('"@"', `[\n${results.map((r) => `    ${JSON.stringify(r)}`).join(",\n")}\n  ]`);
writeFileSync(new URL("latest.json", dir), `${json}\n`);
console.error(`wrote ${new URL("latest.json", dir).pathname}`);
