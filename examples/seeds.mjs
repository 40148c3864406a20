// The PyTorch examples a user meets first, in nnloss, each value printed beside the one real PyTorch
// gives (examples/seeds.json, written by examples/seeds_torch.py from the same inputs) with ✓ when
// they agree to float32 precision (1e-5 relative). Exit code 1 if any value disagrees.
//
//   npm run example:seeds            (or: node examples/seeds.mjs [--code])
//
// --code also prints each example's PyTorch code and its nnloss translation.
import { readFileSync } from "node:fs";
import {
  init, tensor, backend, logSoftmax, softmax, sigmoid, nllLoss,
  CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss, MarginRankingLoss, CTCLoss, LogSoftmax,
} from "nnloss";

const X3 = [1, 2, .5, .1, -1, 3, 2, 2, 2]; // the 3×3 logits of the weight / ignoreIndex examples

// One function per seed of seeds.json, in nnloss; it returns the values the PyTorch side recorded.
const SEEDS = [
  {
    id: "ce-first", title: "CrossEntropyLoss: the first example",
    run() {
      const x = tensor([-0.7715, -0.6205, -0.2562], [1, 3], { requiresGrad: true });
      const loss = new CrossEntropyLoss().forward(x, [0]);
      loss.backward();
      return { loss, grad: x.grad };
    },
  },
  {
    id: "nll-logsoftmax-first", title: "NLLLoss after LogSoftmax = CrossEntropyLoss", same: { loss: "ce-first" },
    run() {
      const x = tensor([-0.7715, -0.6205, -0.2562], [1, 3], { requiresGrad: true });
      const loss = new NLLLoss().forward(new LogSoftmax({ dim: 1 }).forward(x), [0]);
      loss.backward();
      return { loss, grad: x.grad };
    },
  },
  {
    id: "ce-3x3", title: "CrossEntropyLoss on three samples",
    run() {
      const loss = new CrossEntropyLoss().forward(tensor(X3, [3, 3]), [0, 1, 2]);
      return { loss };
    },
  },
  {
    id: "nll-logsoftmax-3x3", title: "NLLLoss after log_softmax = CrossEntropyLoss, three samples", same: { loss: "ce-3x3" },
    run() {
      const x = tensor(X3, [3, 3], { requiresGrad: true });
      const loss = nllLoss(logSoftmax(x, { dim: 1 }), [0, 1, 2]);
      loss.backward();
      return { loss, grad: x.grad };
    },
  },
  {
    id: "ce-weight-none", title: "class weights [0.6, 0.2, 0.2], reduction 'none'",
    run() {
      const ce = new CrossEntropyLoss({ weight: new Float32Array([0.6, 0.2, 0.2]), reduction: "none" });
      return { loss: ce.forward(tensor(X3, [3, 3]), [0, 1, 2]) };
    },
  },
  {
    id: "ce-ignore-1", title: "ignoreIndex 1 (the second sample does not count)",
    run() {
      return { loss: new CrossEntropyLoss({ ignoreIndex: 1 }).forward(tensor(X3, [3, 3]), [0, 1, 2]) };
    },
  },
  {
    id: "ce-ignore-2", title: "ignoreIndex 2 (the third sample does not count)",
    run() {
      return { loss: new CrossEntropyLoss({ ignoreIndex: 2 }).forward(tensor(X3, [3, 3]), [0, 1, 2]) };
    },
  },
  {
    id: "ce-kdim-1x3x2-weight", title: "weighted mean over (N, C, d): Σ loss / Σ weight[target], (1, 3, 2)",
    run() {
      const x = tensor([1, 2, .5, .1, -1, 3], [1, 3, 2], { requiresGrad: true });
      const t = tensor(new Int32Array([0, 2]), [1, 2]);
      const weight = new Float32Array([1, 2, 3]);
      const loss = new CrossEntropyLoss({ weight }).forward(x, t);
      loss.backward();
      const none = new CrossEntropyLoss({ weight, reduction: "none" }).forward(x, t);
      return { loss, none, grad: x.grad };
    },
  },
  {
    id: "ce-kdim-1x3x4-weight", title: "weighted mean over (N, C, d), (1, 3, 4)",
    run() {
      const x = tensor([1, 2, .5, .1, -1, 3, 2, 2, 2, -.5, .3, 1.2], [1, 3, 4]);
      const t = tensor(new Int32Array([0, 1, 2, 1]), [1, 4]);
      const weight = new Float32Array([1, 2, 3]);
      const loss = new CrossEntropyLoss({ weight }).forward(x, t);
      const none = new CrossEntropyLoss({ weight, reduction: "none" }).forward(x, t);
      return { loss, none };
    },
  },
  {
    id: "bce", title: "BCELoss on probabilities",
    run() {
      const p = tensor([0.8, 0.3, 0.6, 0.1], [4], { requiresGrad: true });
      const loss = new BCELoss().forward(p, new Float32Array([1, 0, 1, 0]));
      loss.backward();
      return { loss, grad: p.grad };
    },
  },
  {
    id: "bce-logits-pos-weight", title: "BCEWithLogitsLoss with posWeight",
    run() {
      const z = tensor([0.5, -1.2, 2.0, -0.3, 0.8, -2.5], [2, 3], { requiresGrad: true });
      const y = tensor([1, 0, 1, 0, 1, 0], [2, 3]);
      const loss = new BCEWithLogitsLoss({ posWeight: new Float32Array([1, 2, 3]) }).forward(z, y);
      loss.backward();
      return { loss, grad: z.grad };
    },
  },
  {
    id: "bce-sigmoid", title: "BCELoss after sigmoid = BCEWithLogitsLoss",
    run() {
      const z = tensor([0.5, -1.2, 2.0, -0.3, 0.8, -2.5], [2, 3], { requiresGrad: true });
      const loss = new BCELoss().forward(sigmoid(z), tensor([1, 0, 1, 0, 1, 0], [2, 3]));
      loss.backward();
      return { loss, grad: z.grad };
    },
  },
  {
    id: "kldiv-batchmean", title: "KLDivLoss, reduction 'batchmean'",
    run() {
      const logP = tensor([-1.2, -0.5, -2.0, -0.3, -1.5, -2.5], [2, 3], { requiresGrad: true });
      const q = tensor([0.2, 0.5, 0.3, 0.0, 0.6, 0.4], [2, 3]);
      const loss = new KLDivLoss({ reduction: "batchmean" }).forward(logP, q);
      loss.backward();
      return { loss, grad: logP.grad };
    },
  },
  {
    id: "kldiv-log-softmax", title: "KLDivLoss(log_softmax(a), softmax(b)): gradients into a and b",
    run() {
      const a = tensor([0.3, 1.2, -0.5, 2.0, 0.1, 0.4], [2, 3], { requiresGrad: true });
      const b = tensor([1.0, 0.2, -0.3, 0.5, 0.5, 1.5], [2, 3], { requiresGrad: true });
      const loss = new KLDivLoss({ reduction: "batchmean" }).forward(logSoftmax(a, { dim: 1 }), softmax(b, { dim: 1 }));
      loss.backward();
      return { loss, grad: a.grad, grad_b: b.grad };
    },
  },
  {
    id: "margin-ranking", title: "MarginRankingLoss, margin 0.5",
    run() {
      const x1 = tensor([0.5, -1.0, 2.0, 0.3], [4], { requiresGrad: true });
      const x2 = tensor([1.0, -2.0, 0.0, 0.3]);
      const loss = new MarginRankingLoss({ margin: 0.5 }).forward(x1, x2, tensor([1, 1, -1, -1]));
      loss.backward();
      return { loss, grad: x1.grad };
    },
  },
  {
    id: "ctc", title: "CTCLoss: T=6, batch of 2, 4 classes, targets of length 3 and 2",
    run() {
      const logits = [
        0.1, 0.6, 0.1, 0.2, 0.5, 0.1, 0.2, 0.9,
        0.3, 0.2, 1.1, 0.1, 0.2, 0.4, 0.3, 1.3,
        1.2, 0.1, 0.4, 0.3, 0.9, 1.0, 0.2, 0.1,
        0.2, 0.3, 1.0, 0.2, 0.1, 1.4, 0.2, 0.3,
        0.4, 0.2, 0.9, 0.5, 1.1, 0.3, 0.2, 0.2,
        0.8, 0.3, 0.2, 0.1, 0.6, 0.2, 0.1, 0.2,
      ]; // (T=6, N=2, C=4)
      const x = tensor(logits, [6, 2, 4], { requiresGrad: true });
      const logProbs = new LogSoftmax({ dim: 2 }).forward(x);
      const targets = tensor(new Int32Array([1, 2, 2, 3, 1, 0]), [2, 3]);
      const loss = new CTCLoss().forward(logProbs, targets, [6, 5], [3, 2]);
      loss.backward();
      return { loss, grad: x.grad };
    },
  },
];

const RTOL = 1e-5, ATOL = 1e-6; // float32
const showCode = process.argv.includes("--code");
const torch = JSON.parse(readFileSync(new URL("./seeds.json", import.meta.url), "utf8"));
const fromTorch = new Map(torch.seeds.map((s) => [s.id, s]));

const asNumbers = (v) => (v?.shape?.length === 0 ? v.item() : Array.from(v?.data ?? v, Number));
const close = (a, e) => Math.abs(a - e) <= ATOL + RTOL * Math.abs(e);
const agree = (a, e) => (Array.isArray(e) ? Array.isArray(a) && a.length === e.length && a.every((v, i) => close(v, e[i])) : close(a, e));
const fmt = (v) => {
  const n = (x) => String(Number(x.toPrecision(7)));
  if (!Array.isArray(v)) return n(v);
  const shown = v.slice(0, 6).map(n).join(", ");
  return v.length > 6 ? `[${shown}, … ${v.length} values]` : `[${shown}]`;
};
/** The body of a seed's run(), dedented: the nnloss lines of the example. */
const body = (fn) => {
  const lines = fn.toString().split("\n").slice(1, -1);
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)[0].length));
  return lines.map((l) => l.slice(indent));
};

await init();
console.log(`nnloss (${backend()} build) beside PyTorch ${torch.torch} (values from ${torch.generatedBy})\n`);
let good = 0, bad = 0;
const results = new Map();
for (const seed of SEEDS) {
  const expected = fromTorch.get(seed.id);
  console.log(seed.title);
  if (showCode) {
    console.log("  PyTorch:");
    for (const l of expected?.torch.split("\n") ?? []) console.log(`    ${l}`);
    console.log("  nnloss:");
    for (const l of body(seed.run)) console.log(`    ${l}`);
  }
  if (!expected) {
    console.log(`  ✗ no PyTorch values for "${seed.id}" in seeds.json: re-run examples/seeds_torch.py`);
    bad++;
    continue;
  }
  let got;
  try {
    got = Object.fromEntries(Object.entries(seed.run()).map(([k, v]) => [k, asNumbers(v)]));
  } catch (e) {
    console.log(`  ✗ threw ${e.name}: ${e.message}`);
    bad++;
    continue;
  }
  results.set(seed.id, got);
  for (const [name, want] of Object.entries(expected.values)) {
    const ok = agree(got[name], want);
    ok ? good++ : bad++;
    const [mine, theirs] = [fmt(got[name] ?? NaN), fmt(want)];
    const mark = `  ${ok ? "✓" : "✗"} ${name.padEnd(5)}`;
    if (mine.length + theirs.length <= 60) console.log(`${mark} nnloss ${mine.padEnd(32)} PyTorch ${theirs}`);
    else console.log(`${mark} nnloss  ${mine}\n${" ".repeat(mark.length)} PyTorch ${theirs}`);
  }
  for (const [name, other] of Object.entries(seed.same ?? {})) {
    const ok = agree(got[name], results.get(other)?.[name]);
    ok ? good++ : bad++;
    console.log(`  ${ok ? "✓" : "✗"} ${name.padEnd(5)} equals nnloss's ${name} of "${other}" (${fmt(results.get(other)?.[name] ?? NaN)})`);
  }
}
console.log(`\n${SEEDS.length} examples, ${good + bad} values: ${bad === 0 ? "all agree with PyTorch" : `${bad} disagree`} (float32: ${RTOL.toExponential()} relative)`);
process.exitCode = bad === 0 ? 0 : 1;
