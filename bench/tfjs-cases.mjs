// The nnloss/tfjs benchmark cases, browser-safe (run in Node by bench/tfjs.mjs and in Chromium by its
// page): one training step's loss + gradient on a tfjs backend, through the adapter and through tfjs's own
// loss, on the same data, each result checked against the other before it is timed.
//
//   CE [1024,1000], CE [8192,10]: tfjsLoss(new CrossEntropyLoss())(logits, float32 labels) vs
//     tf.losses.softmaxCrossEntropy(oneHot, logits), under tf.valueAndGrad
//   CTC T=50 N=32 C=32 (targets ≤ 12), logits through tf.logSoftmax: tfjsLoss(new CTCLoss(),
//     { batchFirst: true }) vs the forward
//     algorithm written with tfjs ops (log-space alpha recursion, differentiated by tfjs's autodiff) —
//     tfjs has no CTC loss, so this is what a tfjs user writes without nnloss
//
// A step ends when its value is read (dataSync); on webgl, where kernels run asynchronously, the
// gradient is also reduced to one number and read, so the step includes computing it. Also timed:
// nnloss alone on JS arrays (what the adapter adds is the rest), and on webgl the synchronous readback
// and the upload of a [1024,1000] tensor, which the adapter pays for the logits and their gradient on
// every step (readback ≈ B − A, upload ≈ C − D).
import { measureInterleaved, relError, rng, syncBatch } from "./lib.mjs";

const GRAD_TOL = 2e-4; // float32, summed in different orders (max |Δ| / max |g|)

function randomArray(n, seed, scale = 2) {
  const r = rng(seed), out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() * 2 - 1) * scale;
  return out;
}

/** The step runner: value (and on webgl the gradient) read back, every tensor disposed. */
function stepper(tf, vg, x) {
  const gpu = tf.getBackend() === "webgl";
  return () => {
    const { value, grad } = vg(x);
    const v = value.dataSync()[0];
    if (gpu) tf.tidy(() => tf.sum(grad).dataSync());
    tf.dispose([value, grad]);
    return v;
  };
}

function check(tf, name, a, b, x) {
  const ra = tf.valueAndGrad(a)(x), rb = tf.valueAndGrad(b)(x);
  const ev = relError(ra.value.dataSync()[0], rb.value.dataSync()[0]);
  const eg = relError(ra.grad.dataSync(), rb.grad.dataSync());
  tf.dispose([ra.value, ra.grad, rb.value, rb.grad]);
  if (!(ev < 1e-5 && eg < GRAD_TOL)) throw new Error(`${name}: the adapter and tfjs disagree (loss ${ev}, gradient ${eg})`);
  return { lossErr: ev, gradErr: eg };
}

/** CTC written with tfjs ops: log-space forward algorithm over [T, N, C] log-probs, PyTorch's mean. */
export function tfjsOpsCtc(tf, lp, targets, S, inputLengths, targetLengths, blank = 0) {
  const [T, N] = lp.shape, L = 2 * S + 1, NEG = -1e30;
  const ext = new Int32Array(N * L), skip = new Uint8Array(N * L), first = new Uint8Array(N * L), last = new Uint8Array(N * L);
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < L; s++) {
      const k = s % 2 === 0 ? blank : targets[n * S + (s - 1) / 2];
      ext[n * L + s] = k;
      skip[n * L + s] = s >= 2 && k !== blank && k !== ext[n * L + s - 2] ? 1 : 0;
    }
    first[n * L] = 1;
    if (targetLengths[n] > 0) first[n * L + 1] = 1;
    last[n * L + 2 * targetLengths[n]] = 1;
    if (targetLengths[n] > 0) last[n * L + 2 * targetLengths[n] - 1] = 1;
  }
  return tf.tidy(() => {
    const neg = tf.fill([N, L], NEG);
    // log-probs of the extended labels, [N, T, L]: a batched product with one-hot columns (exact: one
    // term per sum; tf.gather with batchDims crashes tfjs-wasm 4.22)
    const select = tf.transpose(tf.oneHot(tf.tensor2d(ext, [N, L], "int32"), lp.shape[2]), [0, 2, 1]); // [N, C, L]
    const lpExt = tf.matMul(tf.transpose(lp, [1, 0, 2]), select);
    const frames = tf.unstack(lpExt, 1); // T × [N, L]
    const skipM = tf.tensor2d(skip, [N, L], "bool"), firstM = tf.tensor2d(first, [N, L], "bool");
    const lastM = tf.tensor2d(last, [N, L], "bool");
    const negCol = tf.fill([N, 1], NEG), negCol2 = tf.fill([N, 2], NEG);
    let alpha = tf.where(firstM, frames[0], neg);
    for (let t = 1; t < T; t++) {
      const a1 = tf.concat([negCol, tf.slice(alpha, [0, 0], [N, L - 1])], 1);
      const a2 = tf.where(skipM, tf.concat([negCol2, tf.slice(alpha, [0, 0], [N, L - 2])], 1), neg);
      const m = tf.maximum(tf.maximum(alpha, a1), a2);
      const lse = tf.add(m, tf.log(tf.addN([tf.exp(tf.sub(alpha, m)), tf.exp(tf.sub(a1, m)), tf.exp(tf.sub(a2, m))])));
      const active = tf.tensor2d(Array.from(inputLengths, (len) => (t < len ? 1 : 0)), [N, 1], "bool");
      alpha = tf.where(tf.broadcastTo(active, [N, L]), tf.add(lse, frames[t]), alpha);
    }
    const ll = tf.logSumExp(tf.where(lastM, alpha, neg), 1); // [N]
    return tf.mean(tf.div(tf.neg(ll), tf.tensor1d(Array.from(targetLengths, (l) => Math.max(l, 1)))));
  });
}

/**
 * Run the cases on tfjs's current backend. `nn` is nnloss (initialised), `tfjsLoss` the adapter.
 * Returns rows { case, impl, median, q1, q3, reps } and the checks.
 */
export async function runTfjsBench(tf, nn, tfjsLoss, { quick = false, log = () => {} } = {}) {
  const budget = quick ? { warmupCalls: 2, warmupMs: 100, minReps: 5, budgetMs: 600 } : { warmupCalls: 5, warmupMs: 400, minReps: 15, budgetMs: 3000 };
  const rows = [], checks = [];
  const record = (name, results) => {
    for (const [impl, s] of results) {
      rows.push({ case: name, impl, median: s.median, q1: s.q1, q3: s.q3, reps: s.reps });
      log(`${name.padEnd(28)} ${impl.padEnd(36)} ${s.median.toFixed(2).padStart(8)} ms  (${s.reps} reps)`);
    }
  };

  for (const [N, C] of [[1024, 1000], [8192, 10]]) {
    const name = `CE [${N},${C}] loss+grad`;
    const xData = randomArray(N * C, 17 + C);
    const idx = Array.from(randomArray(N, 29 + C, 1), (v) => Math.min(C - 1, Math.floor((v + 1) / 2 * C)));
    const x = tf.tensor2d(xData, [N, C]);
    const labels = tf.tensor1d(idx); // float32, as tfjs labels are
    const oneHot = tf.oneHot(tf.tensor1d(idx, "int32"), C);
    const ce = tfjsLoss(new nn.CrossEntropyLoss());
    const ours = (x) => ce(x, labels);
    const theirs = (x) => tf.losses.softmaxCrossEntropy(oneHot, x);
    checks.push({ case: name, ...check(tf, name, ours, theirs, x) });
    // nnloss alone: the same loss and gradient on JS arrays, no tfjs
    const target = Int32Array.from(idx);
    const alone = () => {
      const t = nn.tensor(xData, [N, C], { requiresGrad: true });
      const out = nn.crossEntropy(t, target);
      out.backward();
      return t.grad.data[0] + out.item();
    };
    const impls = [
      { name: "nnloss/tfjs (tfjsLoss)", batch: syncBatch(stepper(tf, tf.valueAndGrad(ours), x)) },
      { name: "tfjs softmaxCrossEntropy", batch: syncBatch(stepper(tf, tf.valueAndGrad(theirs), x)) },
      { name: "nnloss alone (JS arrays, no tfjs)", batch: syncBatch(alone) },
    ];
    record(name, await measureInterleaved(impls, budget));
    tf.dispose([x, labels, oneHot]);
  }

  {
    const T = 50, N = 32, C = 32, S = 12;
    const name = `CTC T=${T} N=${N} C=${C} loss+grad`;
    const r = rng(4242);
    const targets = new Int32Array(N * S), targetLengths = new Int32Array(N), inputLengths = new Int32Array(N);
    for (let n = 0; n < N; n++) {
      targetLengths[n] = 4 + Math.floor(r() * (S - 3));
      inputLengths[n] = T - Math.floor(r() * 10);
      for (let s = 0; s < S; s++) targets[n * S + s] = 1 + Math.floor(r() * (C - 1));
    }
    // logits [N, T, C] through log-softmax, as in training: PyTorch's (and so nnloss's) gradient with
    // respect to log-probs is exp(lp) − γ, the gradient for the logits of the log-softmax that made
    // them, not the free partial derivative −γ that tfjs's autodiff gives; through tf.logSoftmax both
    // give the same gradient for the logits (docs/semantics.md, "CTC loss and gradient")
    const x = tf.tensor3d(randomArray(N * T * C, 99), [N, T, C]);
    const ctc = tfjsLoss(new nn.CTCLoss(), { batchFirst: true });
    const tgt = tf.tensor2d(targets, [N, S], "int32");
    const ours = (x) => ctc(tf.logSoftmax(x), tgt, inputLengths, targetLengths);
    const theirs = (x) => tfjsOpsCtc(tf, tf.transpose(tf.logSoftmax(x), [1, 0, 2]), targets, S, inputLengths, targetLengths);
    checks.push({ case: name, ...check(tf, name, ours, theirs, x) });
    const impls = [
      { name: "nnloss/tfjs (tfjsLoss)", batch: syncBatch(stepper(tf, tf.valueAndGrad(ours), x)) },
      { name: "CTC in tfjs ops (autodiff)", batch: syncBatch(stepper(tf, tf.valueAndGrad(theirs), x)) },
    ];
    record(name, await measureInterleaved(impls, { ...budget, budgetMs: budget.budgetMs * 2 }));
    tf.dispose([x, tgt]);
  }

  if (tf.getBackend() === "webgl") {
    // what the adapter pays on a GPU backend for [1024,1000]: the logits read back synchronously and the
    // gradient uploaded. Each is the difference of two steps that differ only in it (a fresh GPU result
    // read whole vs one element of it; a fresh upload vs none, one element read either way).
    const x = tf.tensor2d(randomArray(1024 * 1000, 5), [1024, 1000]);
    const data = randomArray(1024 * 1000, 6);
    const one = (t) => tf.slice(t, [0, 0], [1, 1]).dataSync()[0];
    record("webgl transfer [1024,1000]", await measureInterleaved([
      { name: "A: add, read 1 element", batch: syncBatch(() => tf.tidy(() => one(tf.add(x, 1)))) },
      { name: "B: add, read all (dataSync, 4 MB)", batch: syncBatch(() => tf.tidy(() => tf.add(x, 1).dataSync()[0])) },
      { name: "C: upload 4 MB, read 1 element", batch: syncBatch(() => tf.tidy(() => one(tf.tensor2d(data, [1024, 1000])))) },
      { name: "D: read 1 element", batch: syncBatch(() => tf.tidy(() => one(x))) },
    ], budget));
    x.dispose();
  }
  return { rows, checks };
}
