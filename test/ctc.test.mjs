// CTCLoss beyond the generic fixture runner: lengths as plain JS arrays / typed arrays / numbers,
// the PyTorch 2.x input_length = 0 rule, option handling (no legacy sizeAverage/reduce), labels out of
// range, memory, and long sequences against a float64 JS reference.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD, mismatch } from "./_setup.mjs";
import { throwsNN } from "./util.mjs";

const close = (a, b, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);
const same = (actual, expected, dtype) => {
  const bad = mismatch(actual, expected, dtype);
  assert.ok(bad === null, bad ?? "");
};

/** log_softmax over the last dim of a flat [rows, C] array, in float64. */
function logSoftmax(x, C) {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / C; r++) {
    const row = x.slice(r * C, r * C + C);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    for (let c = 0; c < C; c++) out[r * C + c] = row[c] - lse;
  }
  return out;
}

// The CTC worked example (docs/semantics.md, "Worked examples"): T=4, N=2, C=3
const LOGITS = [[[.5, 1, -.5], [1, 0, .2]], [[0, 2, .1], [.3, .3, .3]], [[1.5, -1, .5], [0, 1, 0]], [[.2, .1, 1.7], [-.5, .5, 1]]].flat(2);
const LP = logSoftmax(LOGITS, 3);
const lp32 = (grad = false) => nn.tensor(Float32Array.from(LP), [4, 2, 3], { requiresGrad: grad });
const lp64 = (grad = false) => nn.tensor(Float64Array.from(LP), [4, 2, 3], { requiresGrad: grad });
const TARGETS = () => nn.tensor(new BigInt64Array([1n, 2n, 1n, 1n]), [2, 2]);

test(`[${BUILD}] ctc: lengths as plain arrays, Int32Array, BigInt64Array and { data, shape } agree`, () => {
  const forms = [
    [[4, 3], [2, 2]],
    [new Int32Array([4, 3]), new Int32Array([2, 2])],
    [new BigInt64Array([4n, 3n]), new BigInt64Array([2n, 2n])],
    [{ data: [4, 3], shape: [2] }, nn.tensor(new Int32Array([2, 2]))],
    [nn.tensor(new BigInt64Array([4n, 3n]), [1, 2]), [2, 2]],
  ];
  for (const [il, tl] of forms) {
    const out = nn.ctcLoss(lp32(), TARGETS(), il, tl, { reduction: "none" });
    assert.equal(out.shape, [2]);
    same(out.data, [0.5635299, 3.2473583].map(Number), "float32");
    close(nn.ctcLoss(lp32(), TARGETS(), il, tl).item(), 0.9527221);
    close(new nn.CTCLoss({ reduction: "sum" }).forward(lp32(), TARGETS(), il, tl).item(), 3.8108883);
  }
  // targets as a plain array of class indices (int64), concatenated
  close(nn.ctcLoss(lp64(), [1, 2, 1, 1], [4, 3], [2, 2], { reduction: "sum" }).item(), 3.8108883, 1e-7);
  // unbatched: a single integer per length
  const u = nn.tensor(Float64Array.from(LP.filter((_, i) => Math.floor(i / 3) % 2 === 0)), [4, 3]);
  const ub = nn.ctcLoss(u, [1, 2], 4, 2, { reduction: "none" });
  assert.equal(ub.shape, []);
  close(ub.item(), 0.5635299, 1e-6);
  close(nn.ctcLoss(u, [1, 2], [4], new Int32Array([2])).item(), 0.5635299 / 2, 1e-6);
});

test(`[${BUILD}] ctc: float lengths are rejected in every form`, () => {
  throwsNN(() => nn.ctcLoss(lp32(), TARGETS(), [4.5, 3], [2, 2]), "input_lengths must be integral");
  throwsNN(() => nn.ctcLoss(lp32(), TARGETS(), [4, 3], new Float32Array([2, 2])), "target_lengths must be integral");
  throwsNN(() => nn.ctcLoss(lp32(), TARGETS(), nn.tensor([4, 3]), [2, 2]), "input_lengths must be integral");
  throwsNN(() => nn.ctcLoss(lp32(), TARGETS(), [4, 3], 2.5), "target_lengths must be integral");
});

test(`[${BUILD}] ctc: input_length 0 gives 0 for an empty target, else inf (PyTorch 2.x); its gradient is 0`, () => {
  for (const lp of [lp32, lp64]) {
    const x = lp(true);
    const out = nn.ctcLoss(x, TARGETS(), [0, 3], [0, 2], { reduction: "none" });
    assert.is(out.data[0], 0);
    close(out.data[1], nn.ctcLoss(lp(), TARGETS(), [4, 3], [2, 2], { reduction: "none" }).data[1]);
    out.backward(new (x.dtype === "float32" ? Float32Array : Float64Array)([1, 1]));
    for (let t = 0; t < 4; t++) for (let c = 0; c < 3; c++) assert.is(x.grad.data[t * 6 + c], 0);
    // sample 1's gradient is the one it has on its own
    const y = lp(true);
    nn.ctcLoss(y, TARGETS(), [4, 3], [2, 2], { reduction: "sum" }).backward();
    for (let t = 0; t < 4; t++) for (let c = 0; c < 3; c++) {
      close(x.grad.data[t * 6 + 3 + c], y.grad.data[t * 6 + 3 + c], 1e-12);
    }
    // a non-empty target cannot be explained by no frames: inf, zeroed by zeroInfinity
    const z = lp(true);
    const inf = nn.ctcLoss(z, TARGETS(), [0, 3], [2, 2], { reduction: "none" });
    assert.is(inf.data[0], Infinity);
    inf.backward([1, 1]);
    assert.ok(Array.from(z.grad.data).every(Number.isFinite));
    const zi = nn.ctcLoss(lp(), TARGETS(), [0, 3], [2, 2], { reduction: "mean", zeroInfinity: true });
    close(zi.item(), inf.data[1] / 2 / 2, 1e-6);
  }
});

test(`[${BUILD}] ctc: no legacy sizeAverage/reduce, unknown keys rejected, module attributes`, () => {
  throwsNN(() => new nn.CTCLoss({ sizeAverage: true }), "CTCLoss.__init__() got an unexpected keyword argument 'sizeAverage'");
  throwsNN(() => new nn.CTCLoss({ reduce: false }), "CTCLoss.__init__() got an unexpected keyword argument 'reduce'");
  throwsNN(() => nn.ctcLoss(lp32(), TARGETS(), [4, 3], [2, 2], { sizeAverage: false }),
    "ctc_loss() got an unexpected keyword argument 'sizeAverage'");
  throwsNN(() => nn.ctcLoss(lp32(), TARGETS(), [4, 3], [2, 2], { zero_infinity: true }),
    "ctc_loss() got an unexpected keyword argument 'zero_infinity'");
  throwsNN(() => nn.ctcLoss(lp32(), TARGETS(), [4, 3], [2, 2], { blank: 0.5 }));
  throwsNN(() => nn.ctcLoss(lp32(), TARGETS(), [4, 3], [2, 2], { zeroInfinity: 1 }));
  const m = new nn.CTCLoss({ blank: 2, zeroInfinity: true });
  assert.is(m.blank, 2);
  assert.is(m.zeroInfinity, true);
  assert.is(m.reduction, "mean");
  m.blank = 0;
  m.zeroInfinity = false;
  m.reduction = "none";
  assert.equal(Array.from(m.forward(lp32(), TARGETS(), [4, 2], [2, 2]).data).map((v) => Math.round(v * 1e6) / 1e6),
    [0.56353, Infinity]);
  // reduction is validated at forward time, as in PyTorch
  const bad = new nn.CTCLoss({ reduction: "avg" });
  throwsNN(() => bad.forward(lp32(), TARGETS(), [4, 3], [2, 2]), "avg is not a valid value for reduction");
});

test(`[${BUILD}] ctc: labels outside [0, C) are errors (PyTorch reads out of bounds); padding is never read`, () => {
  throwsNN(() => nn.ctcLoss(lp32(), { data: [1, 3, 1, 1], shape: [2, 2] }, [4, 3], [2, 2]), "Target 3 is out of bounds.");
  throwsNN(() => nn.ctcLoss(lp32(), new Int32Array([1, 2, -1, 1]), [4, 3], [2, 2]), "Target -1 is out of bounds.");
  throwsNN(() => nn.ctcLoss(lp32(), new Float64Array([1, 2, NaN, 1]), [4, 3], [2, 2]), "Target NaN is out of bounds.");
  const padded = nn.tensor(new Int32Array([1, 2, 9, 1, -5, 7]), [2, 3]);
  close(nn.ctcLoss(lp32(), padded, [4, 3], [2, 1], { reduction: "none" }).data[0], 0.5635299);
  // the library is still usable and the arena is empty after errors
  assert.is(nn.memoryStats().arenaBytes, 0);
});

test(`[${BUILD}] ctc: memory stays bounded across calls with gradients`, () => {
  const run = () => {
    const x = lp64(true);
    nn.ctcLoss(x, TARGETS(), [4, 3], [2, 2]).backward();
    return x.grad.data[0];
  };
  const first = run();
  const mem = nn.memoryStats().wasmBytes;
  for (let i = 0; i < 50; i++) assert.is(run(), first);
  assert.is(nn.memoryStats().wasmBytes, mem);
  assert.is(nn.memoryStats().arenaBytes, 0);
});

// ---------------------------------------------------------------- float64 JS reference

/** Plain log-space CTC for one sample (no PyTorch quirks): loss and d loss / d lp = exp(lp) − γ. */
function refSample(lp, T, N, C, b, Tb, target, blank) {
  const S = 2 * target.length + 1;
  const l = Array.from({ length: S }, (_, s) => (s % 2 ? target[(s - 1) / 2] : blank));
  const at = (t, c) => lp[(t * N + b) * C + c];
  const lse = (...v) => {
    const m = Math.max(...v);
    return m === -Infinity ? -Infinity : m + Math.log(v.reduce((s, x) => s + Math.exp(x - m), 0));
  };
  const a = Array.from({ length: Tb }, () => new Array(S).fill(-Infinity));
  const be = Array.from({ length: Tb }, () => new Array(S).fill(-Infinity));
  a[0][0] = at(0, blank);
  if (S > 1) a[0][1] = at(0, l[1]);
  for (let t = 1; t < Tb; t++) for (let s = 0; s < S; s++) {
    const terms = [a[t - 1][s]];
    if (s > 0) terms.push(a[t - 1][s - 1]);
    if (s > 1 && l[s] !== l[s - 2]) terms.push(a[t - 1][s - 2]);
    a[t][s] = lse(...terms) + at(t, l[s]);
  }
  be[Tb - 1][S - 1] = at(Tb - 1, blank);
  if (S > 1) be[Tb - 1][S - 2] = at(Tb - 1, l[S - 2]);
  for (let t = Tb - 2; t >= 0; t--) for (let s = 0; s < S; s++) {
    const terms = [be[t + 1][s]];
    if (s < S - 1) terms.push(be[t + 1][s + 1]);
    if (s < S - 2 && l[s] !== l[s + 2]) terms.push(be[t + 1][s + 2]);
    be[t][s] = lse(...terms) + at(t, l[s]);
  }
  const nll = -(S > 1 ? lse(a[Tb - 1][S - 1], a[Tb - 1][S - 2]) : a[Tb - 1][0]);
  const grad = new Float64Array(T * C);
  for (let t = 0; t < Tb; t++) for (let c = 0; c < C; c++) {
    const terms = [];
    for (let s = 0; s < S; s++) if (l[s] === c) terms.push(a[t][s] + be[t][s]);
    const lcab = terms.length ? lse(...terms) : -Infinity;
    grad[t * C + c] = Math.exp(at(t, c)) - Math.exp(lcab + nll - at(t, c));
  }
  return { nll, grad };
}

test(`[${BUILD}] ctc: long sequences (T=300, L up to 60) match a float64 JS reference`, () => {
  const T = 300, N = 3, C = 29, blank = 28;
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lp = logSoftmax(Float64Array.from({ length: T * N * C }, () => (rand() - 0.5) * 6), C);
  const il = [300, 251, 180], tl = [60, 0, 45];
  const targets = tl.map((L) => Array.from({ length: L }, () => Math.floor(rand() * (C - 1))));
  targets[0][10] = targets[0][11] = targets[0][12] = 5;   // repeats
  const x = nn.tensor(lp, [T, N, C], { requiresGrad: true });
  const out = nn.ctcLoss(x, targets.flat(), il, tl, { blank, reduction: "sum" });
  out.backward();
  let total = 0;
  for (let b = 0; b < N; b++) {
    const r = refSample(lp, T, N, C, b, il[b], targets[b], blank);
    total += r.nll;
    for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) {
      const got = x.grad.data[(t * N + b) * C + c];
      assert.ok(Math.abs(got - r.grad[t * C + c]) <= 1e-9, `b=${b} t=${t} c=${c}: ${got} vs ${r.grad[t * C + c]}`);
    }
  }
  close(out.item(), total, 1e-12);
  // float32 input: the loss stays within float32 accuracy of the float64 value
  const y = nn.tensor(Float32Array.from(lp), [T, N, C]);
  close(nn.ctcLoss(y, targets.flat(), il, tl, { blank, reduction: "sum" }).item(), total, 1e-5);
});

test.run();
