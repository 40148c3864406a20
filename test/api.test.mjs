// The public contract of DESIGN.md beyond the loss values: tensors, dtypes, argument forms,
// autograd (accumulation, gradOutput, freed graphs), option handling and library state.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD, INIT_OPTIONS } from "./_setup.mjs";
import { throwsNN } from "./util.mjs";

const close = (a, b, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

test(`[${BUILD}] tensor(): dtype follows the array, shape defaults to [length]`, () => {
  assert.is(nn.tensor(new Float64Array(3)).dtype, "float64");
  assert.is(nn.tensor(new Int32Array(3)).dtype, "int32");
  assert.is(nn.tensor(new BigInt64Array(3)).dtype, "int64");
  const t = nn.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  assert.is(t.dtype, "float32");
  assert.ok(t.data instanceof Float32Array);
  assert.equal(t.shape, [2, 3]);
  assert.equal(nn.tensor([1, 2]).shape, [2]);
  assert.is(nn.tensor([1, 2], undefined, { dtype: "float64" }).dtype, "float64");
  assert.is(nn.tensor(2.5).item(), 2.5);
  assert.equal(nn.tensor(2.5).shape, []);
  assert.is(t.grad, null);
  assert.is(t.requiresGrad, false);
});

test(`[${BUILD}] tensor(): shape/product mismatch and grad on integers are errors`, () => {
  throwsNN(() => nn.tensor([1, 2, 3], [2, 2]), "shape '[2, 2]' is invalid for input of size 3");
  throwsNN(() => nn.tensor([1, 2], [-1, -2]));
  throwsNN(() => nn.tensor(new Int32Array(2), [2], { requiresGrad: true }), "Only Tensors of floating point and complex dtype can require gradients");
  throwsNN(() => nn.tensor([1, 2], [2]).item(), "a Tensor with 2 elements cannot be converted to Scalar");
});

test(`[${BUILD}] arguments: Tensor, { data, shape } and bare typed arrays are equivalent`, () => {
  const x = [0.5, -1, 2, 3], y = [1, 1, 0, 3];
  const a = nn.mseLoss(nn.tensor(x), nn.tensor(y)).item();
  const b = nn.mseLoss({ data: new Float32Array(x), shape: [4] }, { data: new Float32Array(y), shape: [2, 2] }.data).item();
  const c = nn.mseLoss(new Float32Array(x), new Float32Array(y)).item();
  close(a, 2.0625);
  assert.is(a, b);
  assert.is(a, c);
  // class indices as a plain JS array are int64, like torch.tensor([1, 0])
  const ce = nn.crossEntropy({ data: [1, 2, 0.5, 0.1, -1, 3], shape: [2, 3] }, [1, 2]);
  close(ce.item(), (0.4643688 + 0.07077423) / 2, 1e-6);
});

test(`[${BUILD}] results keep the input dtype; float64 works end to end`, () => {
  const x = nn.tensor(new Float64Array([1, 2, 0.5, 0.1, -1, 3]), [2, 3], { requiresGrad: true });
  const out = nn.crossEntropy(x, new Int32Array([1, 2]));
  assert.is(out.dtype, "float64");
  assert.ok(out.data instanceof Float64Array);
  out.backward();
  assert.ok(x.grad.data instanceof Float64Array);
  // mixed float32/float64 promotes to float64, gradients keep each leaf's dtype
  const a = nn.tensor([1, 2], [2], { requiresGrad: true });
  const r = nn.mseLoss(a, new Float64Array([0, 0]));
  assert.is(r.dtype, "float64");
  r.backward();
  assert.ok(a.grad.data instanceof Float32Array);
  assert.equal(Array.from(a.grad.data), [1, 2]);
});

test(`[${BUILD}] backward: gradients accumulate; grad = null clears`, () => {
  const x = nn.tensor([1, 2, 3], [3], { requiresGrad: true });
  const y = new Float32Array([0, 0, 0]);
  nn.mseLoss(x, y, { reduction: "sum" }).backward();
  nn.mseLoss(x, y, { reduction: "sum" }).backward();
  assert.equal(Array.from(x.grad.data), [4, 8, 12]);
  x.grad = null;
  nn.mseLoss(x, y, { reduction: "sum" }).backward(3);
  assert.equal(Array.from(x.grad.data), [6, 12, 18]);
});

test(`[${BUILD}] backward: gradOutput is required for non-scalar results and must match the shape`, () => {
  const x = nn.tensor([1, 2, 3, 4], [2, 2], { requiresGrad: true });
  const out = nn.l1Loss(x, new Float32Array([0, 0, 0, 0]).subarray(0, 2), { reduction: "none" });
  assert.equal(out.shape, [2, 2]);
  throwsNN(() => out.backward(), "grad can be implicitly created only for scalar outputs");
  throwsNN(() => out.backward(nn.tensor([1, 1, 1], [3])));
  out.backward(nn.tensor([1, 2, 3, 4], [2, 2]), { retainGraph: true });
  assert.equal(Array.from(x.grad.data), [1, 2, 3, 4]);
  // a bare typed array (no shape of its own) is read at the result's shape
  x.grad = null;
  out.backward(new Float32Array([1, 1, 2, 2]));
  assert.equal(Array.from(x.grad.data), [1, 1, 2, 2]);
});

test(`[${BUILD}] backward: the graph is freed after backward unless retainGraph`, () => {
  const x = nn.tensor([1, 2], [2], { requiresGrad: true });
  const out = nn.mseLoss(x, new Float32Array([0, 0]));
  out.backward(undefined, { retainGraph: true });
  out.backward();
  assert.equal(Array.from(x.grad.data), [2, 4]);
  throwsNN(() => out.backward(), undefined);
  // a result without any differentiable argument has no grad_fn
  throwsNN(() => nn.mseLoss(new Float32Array([1]), new Float32Array([0])).backward(),
    "element 0 of tensors does not require grad and does not have a grad_fn");
});

test(`[${BUILD}] broadcasting: gradient of the smaller operand is summed over broadcast dims`, () => {
  const x = nn.tensor([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
  const y = nn.tensor([1, 1, 1], [3], { requiresGrad: true });
  const out = nn.mseLoss(x, y, { reduction: "sum" });
  close(out.item(), 0 + 1 + 4 + 9 + 16 + 25);
  out.backward();
  assert.equal(Array.from(y.grad.data), [-2 * (0 + 3), -2 * (1 + 4), -2 * (2 + 5)]);
  throwsNN(() => nn.mseLoss(nn.tensor([1, 2, 3]), nn.tensor([1, 2])),
    "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0");
});

test(`[${BUILD}] options: reductions, legacy sizeAverage/reduce, unknown keys`, () => {
  const x = nn.tensor([1, 2, 3, 4]), y = nn.tensor([0, 0, 0, 0]);
  close(nn.l1Loss(x, y).item(), 2.5);
  close(nn.l1Loss(x, y, { reduction: "sum" }).item(), 10);
  close(nn.l1Loss(x, y, { reduction: "elementwise_mean" }).item(), 2.5);
  close(nn.l1Loss(x, y, { sizeAverage: false }).item(), 10);
  assert.equal(nn.l1Loss(x, y, { reduce: false, reduction: "sum" }).shape, [4]);
  assert.is(new nn.L1Loss({ sizeAverage: false }).reduction, "sum");
  throwsNN(() => nn.l1Loss(x, y, { reduction: "avg" }), "avg is not a valid value for reduction");
  throwsNN(() => new nn.L1Loss({ reduction: "avg" }).forward(x, y), "avg is not a valid value for reduction");
  throwsNN(() => nn.crossEntropy(nn.tensor([1, 2], [1, 2]), [0], { ignore_index: 1 }),
    "cross_entropy() got an unexpected keyword argument 'ignore_index'");
});

test(`[${BUILD}] modules expose their options like torch.nn`, () => {
  const m = new nn.CrossEntropyLoss({ weight: new Float32Array([1, 2, 3]), ignoreIndex: 1, labelSmoothing: 0.1 });
  assert.is(m.ignoreIndex, 1);
  assert.is(m.labelSmoothing, 0.1);
  assert.is(m.reduction, "mean");
  assert.ok(m.weight instanceof nn.Tensor);
  assert.equal(m.weight.shape, [3]);
  m.reduction = "sum";
  const out = m.forward(nn.tensor([1, 2, 3], [1, 3]), [0]);
  assert.equal(out.shape, []);
});

test(`[${BUILD}] bad input leaves the library usable and memory bounded`, () => {
  const x = nn.tensor([1, 2, 0.5, 0.1, -1, 3], [2, 3]);
  const good = () => nn.crossEntropy(x, [1, 2]).item();
  const before = good();
  throwsNN(() => nn.crossEntropy(x, [1, 3]), "Target 3 is out of bounds.");
  throwsNN(() => nn.crossEntropy(x, [1, -1]), "Target -1 is out of bounds.");
  throwsNN(() => nn.binaryCrossEntropy(nn.tensor([0.5, 1.5]), nn.tensor([0, 1])), "all elements of input should be between 0 and 1");
  assert.is(good(), before);
  const big = nn.tensor(new Float32Array(1 << 16).fill(0.25), [1 << 16]);
  const warm = () => nn.mseLoss(big, big, { reduction: "none" });
  warm();
  const mem = nn.memoryStats().wasmBytes;
  for (let i = 0; i < 50; i++) warm();
  assert.is(nn.memoryStats().wasmBytes, mem);
  assert.is(nn.memoryStats().arenaBytes, 0);
});

test(`[${BUILD}] SIMD tails and long rows agree with a float64 reference`, () => {
  for (const [N, C] of [[3, 1], [5, 7], [2, 33], [4, 1003], [2, 40000]]) {
    const logits = new Float32Array(N * C).map((_, i) => Math.sin(i * 12.9898) * 8);
    const target = Int32Array.from({ length: N }, (_, i) => (i * 7) % C);
    let ref = 0;
    for (let n = 0; n < N; n++) {
      let m = -Infinity;
      for (let c = 0; c < C; c++) m = Math.max(m, logits[n * C + c]);
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(logits[n * C + c] - m);
      ref += m + Math.log(s) - logits[n * C + target[n]];
    }
    close(nn.crossEntropy(nn.tensor(logits, [N, C]), target).item(), ref / N, 2e-6);
  }
  const n = 1_000_003;
  const a = new Float32Array(n).map((_, i) => Math.sin(i)), b = new Float32Array(n).map((_, i) => Math.cos(i * 0.7));
  let ref = 0;
  for (let i = 0; i < n; i++) ref += (a[i] - b[i]) ** 2;
  close(nn.mseLoss(a, b).item(), ref / n, 1e-6);
});

test(`[${BUILD}] short rows (the 4-rows-in-lanes path) match a float64 reference, grads and 'none' included`, () => {
  // every C ≤ 16 tiling (C < 4, whole and overlapping 4-class tiles); sparse ignores give long runs of
  // staged blocks (more than one stage), dense ones single blocks; N not a multiple of 4 leaves a tail
  const shapes = [[4, 1], [5, 2], [37, 10], [12, 16], [9, 3], [8, 4], [150, 10], [203, 5], [77, 7], [66, 13], [70, 3]];
  for (const [N, C] of shapes) {
    const sparse = N > 40;
    const logits = new Float32Array(N * C).map((_, i) => Math.sin(i * 7.31) * 6);
    if (sparse) { // non-finite logits in a few rows: NaN anywhere, +inf off the target, −inf at the target
      logits[7 * C + 1] = NaN;
      logits[17 * C + (C > 1 ? 1 : 0)] = Infinity;
      logits[30 * C + (30 * 3) % C] = -Infinity;
    }
    const ignored = (i) => (sparse ? i % 37 === 20 : i % 5 === 3);
    const target = Int32Array.from({ length: N }, (_, i) => (ignored(i) ? -100 : (i * 3) % C));
    const valid = target.filter((t) => t >= 0).length;
    const ref = new Float64Array(N * C), refNone = new Float64Array(N);
    let loss = 0;
    for (let n = 0; n < N; n++) {
      if (target[n] < 0) continue;
      let m = -Infinity, s = 0;
      for (let c = 0; c < C; c++) m = Math.max(m, logits[n * C + c]);
      if (logits.subarray(n * C, n * C + C).some(Number.isNaN)) m = NaN;
      for (let c = 0; c < C; c++) s += Math.exp(logits[n * C + c] - m);
      refNone[n] = m + Math.log(s) - logits[n * C + target[n]];
      if (Number.isFinite(refNone[n])) loss += refNone[n];
      for (let c = 0; c < C; c++) ref[n * C + c] = (Math.exp(logits[n * C + c] - m) / s - (c === target[n] ? 1 : 0)) / valid;
    }
    const near = (a, b) => (Number.isFinite(b) ? Math.abs(a - b) <= 1e-6 + 1e-5 * Math.abs(b) : Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)));
    const x = nn.tensor(logits, [N, C], { requiresGrad: true });
    const none = nn.crossEntropy(x, target, { reduction: "none" });
    assert.equal(none.shape, [N]);
    none.data.forEach((v, i) => assert.ok(near(v, refNone[i]), `[${N},${C}] none ${i}: ${v} vs ${refNone[i]}`));
    if (sparse) continue; // the mean is NaN there; the finite rows are checked through 'none'
    const out = nn.crossEntropy(x, target);
    close(out.item(), loss / valid, 2e-6);
    out.backward();
    x.grad.data.forEach((g, i) => assert.ok(near(g, ref[i]), `[${N},${C}] grad ${i}: ${g} vs ${ref[i]}`));
  }
});

test(`[${BUILD}] K-dim input (four positions in lanes) matches a float64 reference, grads and 'none' included`, () => {
  for (const [N, C, d1, d2] of [[2, 5, 6, 3], [1, 3, 4, 1], [3, 20, 5, 2], [2, 1, 8, 1]]) {
    const K = d1 * d2;
    const logits = new Float32Array(N * C * K).map((_, i) => Math.sin(i * 3.17) * 5);
    const target = Int32Array.from({ length: N * K }, (_, i) => (i % 7 === 2 ? -100 : (i * 5) % C));
    const valid = target.filter((t) => t >= 0).length;
    const ref = new Float64Array(N * C * K), refNone = new Float64Array(N * K);
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < K; k++) {
        const t = target[n * K + k];
        if (t < 0) continue;
        const at = (c) => (n * C + c) * K + k;
        let m = -Infinity, s = 0;
        for (let c = 0; c < C; c++) m = Math.max(m, logits[at(c)]);
        for (let c = 0; c < C; c++) s += Math.exp(logits[at(c)] - m);
        refNone[n * K + k] = m + Math.log(s) - logits[at(t)];
        for (let c = 0; c < C; c++) ref[at(c)] = (Math.exp(logits[at(c)] - m) / s - (c === t ? 1 : 0)) / valid;
      }
    }
    const x = nn.tensor(logits, [N, C, d1, d2], { requiresGrad: true });
    const tt = nn.tensor(target, [N, d1, d2]);
    const out = nn.crossEntropy(x, tt);
    close(out.item(), refNone.reduce((a, b) => a + b, 0) / valid, 2e-6);
    out.backward();
    x.grad.data.forEach((g, i) => assert.ok(Math.abs(g - ref[i]) <= 1e-6 + 1e-5 * Math.abs(ref[i]), `[${N},${C},${d1},${d2}] grad ${i}: ${g} vs ${ref[i]}`));
    const none = nn.crossEntropy(x, tt, { reduction: "none" });
    assert.equal(none.shape, [N, d1, d2]);
    none.data.forEach((v, i) => assert.ok(Math.abs(v - refNone[i]) <= 1e-6 + 1e-5 * refNone[i], `none ${i}: ${v} vs ${refNone[i]}`));
  }
});

test(`[${BUILD}] init is idempotent and reports its build`, async () => {
  const p1 = nn.init(INIT_OPTIONS);
  const p2 = nn.init(INIT_OPTIONS);
  assert.is(p1, p2);
  await p1;
  assert.is(nn.backend(), BUILD);
  assert.is(typeof nn.simdSupported(), "boolean");
});

test(`[${BUILD}] nnloss/relaxed: relaxed SIMD exactly where the engine validates it, opt-in only, same numbers`, async () => {
  const stamp = Date.now();
  const rx = await import(`../dist/index-relaxed.js?probe=${stamp}`); // fresh module instances
  const plain = await import(`../dist/index.js?probe=${stamp}`);
  await rx.init();
  const expected = rx.relaxedSimdSupported() ? "relaxed-simd" : rx.simdSupported() ? "simd" : "scalar";
  assert.is(rx.backend(), expected, "the relaxed entry's default: relaxed SIMD where validated, else as auto");
  const x = Float32Array.from({ length: 64 * 37 }, (_, i) => Math.sin(i * 0.7) * 6), t = BigInt64Array.from({ length: 64 }, (_, i) => BigInt(i % 37));
  const lossOf = (m) => m.crossEntropy(m.tensor(x, [64, 37]), m.tensor(t, [64])).item();
  await plain.init({ simd: plain.simdSupported() });
  const a = lossOf(rx), b = lossOf(plain);
  assert.ok(Math.abs(a - b) <= 1e-6 * Math.abs(b), `relaxed ${a} vs SIMD ${b}`);
  // the default entry has no relaxed build: asking for it is a clear error, never a silent switch
  const e = await plain.init({ simd: "relaxed" }).then(() => null, (err) => err);
  assert.ok(e instanceof plain.NNLossError && /nnloss\/relaxed/.test(e.message), `default entry: ${e?.message}`);
  assert.is(plain.backend(), plain.simdSupported() ? "simd" : "scalar");
  // explicit choices still work on the relaxed entry
  await rx.init({ simd: false });
  assert.is(rx.backend(), "scalar");
});

test(`[${BUILD}] a loss before init() throws a clear NNLossError`, async () => {
  const fresh = await import(`../dist/index.js?fresh=${Date.now()}`);
  try {
    fresh.mseLoss(new Float32Array([1]), new Float32Array([0]));
    assert.unreachable("expected an error");
  } catch (e) {
    assert.instance(e, fresh.NNLossError);
    assert.match(e.message, /init\(\)/);
  }
});

test.run();
