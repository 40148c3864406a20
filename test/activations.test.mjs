// The activations that feed losses: logSoftmax, softmax, sigmoid, logSigmoid and their modules.
// - every case of test/fixtures/activations.json (PyTorch 1.13, test/fixtures/families/activations.py)
//   through the function and the class (and the function on a resident copy of the input, which must
//   give the same bits), values and gradients; the compositions with losses (NLL∘LogSoftmax against
//   CrossEntropy, BCE∘sigmoid against BCEWithLogits, KLDiv of two softmaxes, a tensor used twice, one
//   output into two losses); PyTorch's errors;
// - long rows (past the kernels' f32 flush block) and wide strided layouts against a float64 reference;
// - finite-difference gradient checks (the method of test/gradcheck.test.mjs) for every op at several dims;
// - hostile inputs: bad dims, non-tensors, integer dtypes, unknown keys, each an NNLossError that leaves
//   the library usable; noGrad; wasm memory flat over a forward-only loop.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD, fromFixture, mismatch } from "./_setup.mjs";
import { prng, sameNumbers, throwsNN } from "./util.mjs";
import fx from "./fixtures/activations.json" with { type: "json" };

/** `precision`: the dtype the values were computed in, when not theirs (the `dtype` option's gradient is
 *  computed in that dtype, then cast to the input's). */
function checkTensor(actual, expected, what, precision = expected.dtype ?? actual.dtype) {
  assert.equal(actual.shape, expected.shape, `${what}: shape`);
  if (expected.dtype) assert.is(actual.dtype, expected.dtype, `${what}: dtype`);
  const bad = mismatch(actual.data, expected.data, precision);
  assert.ok(bad === null, `${what}: ${bad}`);
}

/** A resident copy of t (same dtype and shape), requiring grad like t. */
function resident(t) {
  const r = nn.empty(t.shape, { dtype: t.dtype, requiresGrad: t.requiresGrad });
  r.data.set(t.data);
  return r;
}

const moduleOf = (c) => (c.op === "sigmoid" || c.op === "logSigmoid" ? new nn[c.module]() : new nn[c.module](c.options));

// ---------------------------------------------------------------- fixture cases: each op alone

for (const c of fx.cases.filter((c) => c.kind === "op")) {
  test(`[${BUILD}] activations: ${c.id}`, () => {
    const forms = [["function", (x) => nn[c.op](x, c.options)]];
    if (!c.options.dtype) forms.push(["module", (x) => moduleOf(c).forward(x)]);
    for (const [form, call] of forms) {
      const x = fromFixture(c.input);
      const y = call(x);
      checkTensor(y, c.output, `${form} output`);
      assert.is(y.requiresGrad, c.grad !== null, `${form}: requiresGrad`);
      if (c.grad === null) continue;
      y.backward(fromFixture({ dtype: y.dtype, ...c.gradOutput }));
      checkTensor(x.grad, c.grad, `${form} grad`, c.options.dtype);
    }
    // a resident input: read in place, the same bits out and back
    if (c.input.dtype === "float32" || c.input.dtype === "float64") {
      const x = fromFixture(c.input), xr = resident(x);
      const y = nn[c.op](x, c.options), yr = nn[c.op](xr, c.options);
      assert.ok(sameNumbers(Array.from(yr.data), Array.from(y.data)), "resident input: same output bits");
      if (c.grad !== null) {
        const g = fromFixture({ dtype: y.dtype, ...c.gradOutput });
        y.backward(g);
        yr.backward(g);
        assert.ok(sameNumbers(Array.from(xr.grad.data), Array.from(x.grad.data)), "resident input: same gradient bits");
        xr.grad.dispose();
      }
      xr.dispose();
    }
  });
}

// ---------------------------------------------------------------- fixture cases: compositions

const tensorOpt = (v, dtype) => (Array.isArray(v) ? nn.tensor(dtype === "float64" ? Float64Array.from(v) : Float32Array.from(v)) : v);

/** The nnloss spelling of each recipe of activations.py, as functions or as modules. Returns { name: loss }. */
const RECIPES = {
  nll_logsoftmax: ({ x, t }, o, form) => {
    const nllOpts = { reduction: o.reduction, ignoreIndex: o.ignoreIndex, weight: tensorOpt(o.weight, x.dtype) };
    if (form === "module") {
      const lsm = o.dim === undefined ? new nn.LogSoftmax() : new nn.LogSoftmax({ dim: o.dim });
      return { loss: new nn.NLLLoss(nllOpts).forward(lsm.forward(x), t) };
    }
    return { loss: nn.nllLoss(nn.logSoftmax(x, { dim: o.dim }), t, nllOpts) };
  },
  bce_sigmoid: ({ x, y }, o, form) => {
    const opts = { reduction: o.reduction, weight: tensorOpt(o.weight, x.dtype) };
    return { loss: form === "module" ? new nn.BCELoss(opts).forward(new nn.Sigmoid().forward(x), y) : nn.binaryCrossEntropy(nn.sigmoid(x), y, opts) };
  },
  kldiv_logsoftmax_softmax: ({ a, b }, o, form) => (form === "module"
    ? { loss: new nn.KLDivLoss({ reduction: o.reduction }).forward(new nn.LogSoftmax({ dim: 1 }).forward(a), new nn.Softmax({ dim: 1 }).forward(b)) }
    : { loss: nn.klDiv(nn.logSoftmax(a, { dim: 1 }), nn.softmax(b, { dim: 1 }), { reduction: o.reduction }) }),
  kldiv_logsoftmax_logtarget: ({ a, b }, o) => ({
    loss: nn.klDiv(nn.logSoftmax(a, 1), nn.logSoftmax(b, 1), { reduction: o.reduction, logTarget: true }),
  }),
  twice: ({ x, t, y }, o, form) => (form === "module"
    ? { l1: new nn.NLLLoss().forward(new nn.LogSoftmax({ dim: 1 }).forward(x), t), l2: new nn.BCELoss().forward(new nn.Sigmoid().forward(x), y) }
    : { l1: nn.nllLoss(nn.logSoftmax(x, { dim: 1 }), t), l2: nn.binaryCrossEntropy(nn.sigmoid(x), y) }),
  shared: ({ x, t, p }) => {
    const lp = nn.logSoftmax(x, { dim: 1 });
    return { l1: nn.nllLoss(lp, t), l2: nn.klDiv(lp, p, { reduction: "batchmean" }) };
  },
  mse_logsigmoid: ({ x, y }, o, form) => ({ loss: nn.mseLoss(form === "module" ? new nn.LogSigmoid().forward(x) : nn.logSigmoid(x), y) }),
  mse_softmax: ({ x, y }, o, form) => ({ loss: nn.mseLoss(form === "module" ? new nn.Softmax(o.dim).forward(x) : nn.softmax(x, o.dim), y) }),
};

/** The fused loss each reference of activations.py stands for. */
const REFERENCES = {
  nll_logsoftmax: ({ x, t }, o) => nn.crossEntropy(x, t, { reduction: o.reduction, ignoreIndex: o.ignoreIndex, weight: tensorOpt(o.weight, x.dtype) }),
  bce_sigmoid: ({ x, y }, o) => nn.binaryCrossEntropyWithLogits(x, y, { reduction: o.reduction, weight: tensorOpt(o.weight, x.dtype) }),
};

/** Backpropagate every loss of `outs` into the shared inputs: the graph of all but the last kept. */
function backwardAll(outs) {
  const losses = Object.values(outs);
  losses.forEach((l, i) => l.backward(undefined, { retainGraph: i < losses.length - 1 }));
}

for (const c of fx.cases.filter((c) => c.kind === "compose")) {
  test(`[${BUILD}] activations: ${c.id}`, () => {
    for (const form of ["function", "module"]) {
      const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, fromFixture(v)]));
      const outs = RECIPES[c.recipe](inputs, c.options, form);
      assert.equal(Object.keys(outs).sort(), Object.keys(c.outputs).sort(), "the recipe's losses");
      for (const [k, v] of Object.entries(c.outputs)) checkTensor(outs[k], v, `${form} ${k}`);
      backwardAll(outs);
      for (const [k, g] of Object.entries(c.grads)) checkTensor(inputs[k].grad, { dtype: inputs[k].dtype, ...g }, `${form} grad of ${k}`);
    }
    if (c.reference) {
      // the fused loss agrees with the composition (PyTorch's fused value, and nnloss's own)
      const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, fromFixture(v)]));
      const fused = REFERENCES[c.recipe](inputs, c.options);
      checkTensor(fused, c.reference.output, "fused loss");
      fused.backward();
      for (const [k, g] of Object.entries(c.reference.grads)) checkTensor(inputs[k].grad, { dtype: inputs[k].dtype, ...g }, `fused grad of ${k}`);
    }
  });
}

test(`[${BUILD}] activations: a shared LogSoftmax freed by the first backward refuses the second, as PyTorch`, () => {
  const c = fx.cases.find((c) => c.recipe === "shared");
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, fromFixture(v)]));
  const { l1, l2 } = RECIPES.shared(inputs, c.options);
  l1.backward();
  throwsNN(() => l2.backward(), /^Trying to backward through the graph a second time/);
  // the op's own node too: a softmax result backpropagated twice without retainGraph
  const x = nn.tensor(Float32Array.from([1, 2, 3, 4]), [2, 2], { requiresGrad: true });
  const y = nn.softmax(x, 1);
  const g = nn.tensor(Float32Array.from([1, 0, 0, 1]), [2, 2]);
  y.backward(g, { retainGraph: true });
  const once = Array.from(x.grad.data);
  y.backward(g);
  assert.equal(Array.from(x.grad.data), once.map((v) => Math.fround(v + v)), "retained: accumulated twice");
  throwsNN(() => y.backward(g), /^Trying to backward through the graph a second time/);
});

// ---------------------------------------------------------------- fixture errors

for (const e of fx.errors) {
  test(`[${BUILD}] activations error: ${e.id}`, () => {
    const input = e.input ? fromFixture(e.input) : null;
    const call = e.where === "functional" ? () => nn[e.op](input, e.options)
      : e.where === "module" ? () => new nn[e.module](e.options).forward(input)
        : () => new nn[e.module](e.ctorArg ?? e.options);
    throwsNN(call, e.message, e.id);
  });
}

// ---------------------------------------------------------------- the API around the kernels

test(`[${BUILD}] activations: dim as an option, positionally, implicit; module attributes`, () => {
  const x = nn.tensor(Float32Array.from({ length: 24 }, (_, i) => Math.cos(i * 1.3) * 3), [2, 3, 4]);
  const same = (a, b, what) => assert.ok(sameNumbers(Array.from(a.data), Array.from(b.data)), what);
  for (const op of ["logSoftmax", "softmax"]) {
    const Module = op === "logSoftmax" ? nn.LogSoftmax : nn.Softmax;
    same(nn[op](x, 2), nn[op](x, { dim: 2 }), `${op}: dim as the second argument`);
    same(nn[op](x, -1), nn[op](x, { dim: 2 }), `${op}: negative dim`);
    same(nn[op](x), nn[op](x, { dim: 0 }), `${op}: 3-d input, implicit dim 0`);
    same(nn[op](x, { dim: null }), nn[op](x, 0), `${op}: dim null is implicit`);
    same(nn[op](nn.tensor(x.data, [2, 3, 2, 2])), nn[op](nn.tensor(x.data, [2, 3, 2, 2]), 1), `${op}: 4-d input, implicit dim 1`);
    same(new Module(2).forward(x), nn[op](x, 2), `${op}: module with a positional dim`);
    same(new Module().forward(x), nn[op](x, 0), `${op}: module without dim`);
    assert.is(new Module().dim, null);
    assert.is(new Module({ dim: -1 }).dim, -1);
    assert.is(new Module(1).dim, 1);
    const m = new Module({ dim: 1 });
    m.dim = 2; // an attribute, read at forward, as in PyTorch
    same(m.forward(x), nn[op](x, 2), `${op}: dim changed after construction`);
    assert.not.ok(new Module(1) instanceof nn.Loss, "not a loss");
    // the typed-array and { data, shape } forms of the input
    same(nn[op]({ data: x.data, shape: x.shape }, 1), nn[op](x, 1), `${op}: { data, shape }`);
    same(nn[op](x.data), nn[op](nn.tensor(x.data, [24]), 0), `${op}: a bare typed array is 1-d`);
  }
  assert.not.ok(new nn.Sigmoid() instanceof nn.Loss);
  assert.equal(Array.from(nn.sigmoid([0, 1e4]).data), [0.5, 1], "a plain array is float32");
});

test(`[${BUILD}] activations: dtype casts the input first, and the gradient back`, () => {
  const x = nn.tensor(Float32Array.from([0.5, -1, 2, 0.25, 3, -2]), [2, 3], { requiresGrad: true });
  const y = nn.logSoftmax(x, { dim: 1, dtype: "float64" });
  assert.is(y.dtype, "float64");
  const y64 = nn.logSoftmax(nn.tensor(Float64Array.from(x.data), [2, 3]), 1);
  assert.equal(Array.from(y.data), Array.from(y64.data));
  y.backward(nn.tensor(Float64Array.from([1, 0, 0, 0, 0, 1]), [2, 3]));
  assert.is(x.grad.dtype, "float32");
  const s = nn.softmax(nn.tensor(new Int32Array([1, 2, 3])), { dim: 0, dtype: "float32" });
  assert.is(s.dtype, "float32");
  assert.ok(Math.abs(s.data[2] - 0.66524096) < 1e-7);
});

// ---------------------------------------------------------------- long and wide layouts against float64

/** (log_)softmax along `dim` of `data` (shape), and its gradient under upstream g, in float64. */
function reference(data, shape, dim, log, g) {
  const outer = shape.slice(0, dim).reduce((p, s) => p * s, 1), C = shape[dim];
  const inner = shape.slice(dim + 1).reduce((p, s) => p * s, 1);
  const y = new Float64Array(data.length), gx = new Float64Array(data.length);
  for (let n = 0; n < outer; n++) {
    for (let k = 0; k < inner; k++) {
      const at = (c) => (n * C + c) * inner + k;
      let m = -Infinity, s = 0, sg = 0;
      for (let c = 0; c < C; c++) m = Math.max(m, data[at(c)]);
      for (let c = 0; c < C; c++) s += Math.exp(data[at(c)] - m);
      for (let c = 0; c < C; c++) y[at(c)] = log ? data[at(c)] - m - Math.log(s) : Math.exp(data[at(c)] - m) / s;
      for (let c = 0; c < C; c++) sg += log ? g[at(c)] : g[at(c)] * y[at(c)];
      for (let c = 0; c < C; c++) gx[at(c)] = log ? g[at(c)] - Math.exp(y[at(c)]) * sg : (g[at(c)] - sg) * y[at(c)];
    }
  }
  return { y, gx };
}

for (const [shape, dim, dtype] of [[[3, 10007], 1, "float32"], [[2, 50, 130], 1, "float32"], [[4099, 3], 0, "float32"],
  [[2, 7, 3, 67], 2, "float32"], [[3, 5, 300], 1, "float32"], [[3, 5, 300], 1, "float64"], [[2, 4100], -1, "float64"]]) {
  test(`[${BUILD}] activations: [${shape}] dim ${dim} in ${dtype} against a float64 reference`, () => {
    const rng = prng(shape.reduce((p, s) => p * s, dim + 2));
    const n = shape.reduce((p, s) => p * s, 1);
    const Ctor = dtype === "float64" ? Float64Array : Float32Array;
    const data = Ctor.from({ length: n }, () => rng.uniform(-8, 8));
    const g = Ctor.from({ length: n }, () => rng.uniform(-1, 1));
    const D = (dim + shape.length) % shape.length;
    const eps = dtype === "float64" ? 1e-12 : 1e-5;
    for (const log of [true, false]) {
      const what = log ? "log_softmax" : "softmax";
      const x = nn.tensor(data, shape, { requiresGrad: true });
      const y = log ? nn.logSoftmax(x, dim) : nn.softmax(x, dim);
      y.backward(nn.tensor(g, shape));
      const ref = reference(data, shape, D, log, g);
      const bad = mismatch(y.data, Array.from(ref.y), dtype);
      assert.ok(bad === null, `${what}: ${bad}`);
      // the gradient's terms cancel: compare against the scale of its terms
      const scale = Math.max(...Array.from(g, Math.abs));
      for (let i = 0; i < n; i++) {
        assert.ok(Math.abs(x.grad.data[i] - ref.gx[i]) <= eps * scale, `${what} grad[${i}]: ${x.grad.data[i]} vs ${ref.gx[i]}`);
      }
    }
  });
}

// ---------------------------------------------------------------- finite differences

const GRADCHECK = [
  ["logSoftmax", [5], 0], ["logSoftmax", [3, 4], 0], ["logSoftmax", [3, 4], 1], ["logSoftmax", [2, 3, 9], 1],
  ["logSoftmax", [2, 3, 5], -1], ["logSoftmax", [2, 3, 5], undefined], ["logSoftmax", [1, 20, 6], 1], ["logSoftmax", [], 0],
  ["softmax", [5], 0], ["softmax", [3, 4], 0], ["softmax", [3, 4], -1], ["softmax", [2, 3, 9], 1],
  ["softmax", [2, 3, 5], 2], ["softmax", [2, 2, 3, 3], undefined], ["softmax", [1, 20, 6], -2],
  ["sigmoid", [3, 4]], ["sigmoid", [10]], ["sigmoid", []], ["logSigmoid", [3, 4]], ["logSigmoid", [2, 5]],
];

/** F(x) = Σ g·op(x) in float64 and, with `grads`, the gradient backward() gives. */
function evaluate(op, shape, dim, vals, g, grads = false) {
  const x = nn.tensor(Float64Array.from(vals), shape, { requiresGrad: grads });
  const y = op === "sigmoid" || op === "logSigmoid" ? nn[op](x) : nn[op](x, { dim });
  let F = 0;
  y.data.forEach((v, i) => { F += g[i] * v; });
  if (grads) y.backward(nn.tensor(Float64Array.from(g), shape));
  return { F, grad: grads ? x.grad.data : null };
}

for (const [op, shape, dim] of GRADCHECK) {
  test(`[${BUILD}] activations gradcheck: ${op} [${shape}] dim ${dim ?? "implicit"}`, () => {
    const rng = prng(shape.length * 131 + (dim ?? 7) + op.length);
    const n = shape.reduce((p, s) => p * s, 1);
    const vals = Float64Array.from({ length: n }, () => rng.uniform(-3, 3));
    const g = Array.from({ length: n }, () => rng.uniform(-2, 2));
    const { grad } = evaluate(op, shape, dim, vals, g, true);
    const amax = Math.max(...Array.from(grad, Math.abs));
    for (let k = 0; k < n; k++) {
      const x = vals[k], h = 1e-6 * Math.max(1, Math.abs(x));
      vals[k] = x + h; const fp = evaluate(op, shape, dim, vals, g).F;
      vals[k] = x - h; const fm = evaluate(op, shape, dim, vals, g).F;
      vals[k] = x;
      const fd = (fp - fm) / (2 * h);
      assert.ok(Math.abs(fd - grad[k]) <= 1e-6 * (Math.abs(grad[k]) + amax) + 1e-9, `[${k}]: backward ${grad[k]}, finite difference ${fd}`);
    }
  });
}

test(`[${BUILD}] activations gradcheck: nllLoss(logSoftmax(x)) and klDiv(logSoftmax(a), softmax(b)) through two nodes`, () => {
  const rng = prng(99);
  const shape = [3, 5];
  const t = nn.tensor(BigInt64Array.from([1n, 4n, 0n]));
  const loss = (a, b) => nn.nllLoss(nn.logSoftmax(a, 1), t, { reduction: "sum" }).item() * 0.7 +
    nn.klDiv(nn.logSoftmax(a, 1), nn.softmax(b, 1), { reduction: "batchmean" }).item();
  const va = Float64Array.from({ length: 15 }, () => rng.uniform(-2, 2)), vb = Float64Array.from({ length: 15 }, () => rng.uniform(-2, 2));
  const a = nn.tensor(va.slice(), shape, { requiresGrad: true }), b = nn.tensor(vb.slice(), shape, { requiresGrad: true });
  const l1 = nn.nllLoss(nn.logSoftmax(a, 1), t, { reduction: "sum" });
  const l2 = nn.klDiv(nn.logSoftmax(a, 1), nn.softmax(b, 1), { reduction: "batchmean" });
  l1.backward(0.7);
  l2.backward();
  for (const [v, grad] of [[va, a.grad.data], [vb, b.grad.data]]) {
    for (let k = 0; k < 15; k++) {
      const x = v[k], h = 1e-6;
      v[k] = x + h; const fp = loss(nn.tensor(va, shape), nn.tensor(vb, shape));
      v[k] = x - h; const fm = loss(nn.tensor(va, shape), nn.tensor(vb, shape));
      v[k] = x;
      const fd = (fp - fm) / (2 * h);
      assert.ok(Math.abs(fd - grad[k]) <= 1e-6 * (Math.abs(grad[k]) + 1) + 1e-9, `[${k}]: backward ${grad[k]}, finite difference ${fd}`);
    }
  }
});

// ---------------------------------------------------------------- hostile inputs

const NOT_A_TENSOR = [
  ["null", null], ["undefined", undefined], ["a number", 3], ["a string", "1,2"], ["a boolean", true], ["a function", () => 1],
  ["an object without data", { shape: [2] }], ["{ data: a string }", { data: "12", shape: [2] }],
  ["shape product ≠ data length", { data: new Float32Array(6), shape: [4] }], ["an array of strings", ["a", "b"]],
  ["a Uint8Array", new Uint8Array(4)],
];

function detachedTensor() {
  const a = new Float32Array(6).fill(0.5);
  const t = nn.tensor(a, [2, 3]);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return t;
}
function disposedTensor(residentToo) {
  const t = residentToo ? nn.zeros([2, 3]) : nn.tensor(new Float32Array(6), [2, 3]);
  t.dispose();
  return t;
}

const OPS = [
  ["logSoftmax", (x, o) => nn.logSoftmax(x, o), "log_softmax"],
  ["softmax", (x, o) => nn.softmax(x, o), "softmax"],
  ["sigmoid", (x, o) => nn.sigmoid(x, o), "sigmoid"],
  ["logSigmoid", (x, o) => nn.logSigmoid(x, o), "log_sigmoid"],
];

test(`[${BUILD}] activations hostile: bad inputs and options throw NNLossError and leave the library usable`, () => {
  const good = () => {
    const x = nn.tensor(Float32Array.from([0.5, -1, 2, 0.25, 3, -2]), [2, 3], { requiresGrad: true });
    const outs = [nn.logSoftmax(x, 1), nn.softmax(x, 0), nn.sigmoid(x), nn.logSigmoid(x)];
    outs.forEach((y, i) => y.backward(nn.tensor(Float32Array.from([1, -1, 0.5, 2, 0, 1]), [2, 3]), { retainGraph: i < 3 }));
    return [...outs.map((y) => Array.from(y.data)), Array.from(x.grad.data)];
  };
  const before = good();
  const resident0 = nn.memoryStats().residentBytes;
  let tried = 0;
  const expectError = (call, message, what) => {
    throwsNN(call, message, what);
    assert.is(nn.memoryStats().arenaBytes, 0, `${what}: scratch released`);
    tried++;
  };
  for (const [name, call, torchName] of OPS) {
    const rows = [
      ...NOT_A_TENSOR.map(([label, v]) => [label, () => call(v)]),
      ["a detached buffer", () => call(detachedTensor())],
      ["a disposed tensor", () => call(disposedTensor(false)), "this tensor has been disposed"],
      ["a disposed resident tensor", () => call(disposedTensor(true)), "this tensor has been disposed"],
      ["an unknown option", () => call(nn.tensor(new Float32Array(4)), { fooBar: 1 }), `${torchName}() got an unexpected keyword argument 'fooBar'`],
      ["a snake_case option", () => call(nn.tensor(new Float32Array(4)), { log_target: true }), `${torchName}() got an unexpected keyword argument 'log_target'`],
    ];
    if (name === "logSoftmax" || name === "softmax") {
      const x = nn.tensor(new Float32Array(6), [2, 3]);
      const invalid = (t) => `${torchName}() received an invalid combination of arguments - got (${t}), but expected one of:\n * (int dim, torch.dtype dtype)\n * (name dim, *, torch.dtype dtype)\n`;
      rows.push(
        ["dim 2 of a 2-d input", () => call(x, 2), "Dimension out of range (expected to be in range of [-2, 1], but got 2)"],
        ["dim -3", () => call(x, { dim: -3 }), "Dimension out of range (expected to be in range of [-2, 1], but got -3)"],
        ["dim NaN", () => call(x, { dim: NaN }), invalid("float")],
        ["dim Infinity", () => call(x, Infinity), invalid("float")],
        ["dim 0.5", () => call(x, 0.5), invalid("float")],
        ["dim as an object", () => call(x, { dim: {} }), invalid("dict")],
        ["dim as a string", () => call(x, { dim: "1" }), "Name '1' not found in Tensor[None, None]."],
        ["dtype not a dtype", () => call(x, { dim: 1, dtype: "half" }), `${torchName}() received an invalid combination of arguments - ` +
          "got (int, dtype=str), but expected one of:\n * (int dim, torch.dtype dtype)\n      didn't match because some of the arguments " +
          "have invalid types: (int, !dtype=str!)\n * (name dim, *, torch.dtype dtype)\n"],
        ["dtype int64", () => call(x, { dim: 1, dtype: "int64" }), `"${torchName}_lastdim_kernel_impl" not implemented for 'Long'`],
        ["integer input", () => call(nn.tensor(new Int32Array(6), [3, 2]), 0), `"softmax_kernel_impl" not implemented for 'Int'`],
        ["int64 input, last dim", () => call(nn.tensor(new BigInt64Array(6), [3, 2]), 1), `"${torchName}_lastdim_kernel_impl" not implemented for 'Long'`],
        ["0-d input, dim 1", () => call(nn.tensor(1), 1), "Dimension out of range (expected to be in range of [-1, 0], but got 1)"],
      );
    }
    if (name === "logSigmoid") {
      rows.push(["integer input", () => call(nn.tensor(new Int32Array(6), [3, 2])), `"log_sigmoid_cpu" not implemented for 'Int'`]);
    }
    for (const [label, c, message] of rows) expectError(c, message, `${name}: ${label}`);
  }
  for (const [Module, torchName] of [[nn.LogSoftmax, "LogSoftmax"], [nn.Softmax, "Softmax"]]) {
    expectError(() => new Module({ dim: 1, foo: 2 }), `${torchName}.__init__() got an unexpected keyword argument 'foo'`, `${torchName}: unknown key`);
    expectError(() => new Module(1.5).forward(nn.tensor(new Float32Array(4))), /^.*softmax\(\) received an invalid combination of arguments - got \(float\)/, `${torchName}: dim 1.5 (checked at forward)`);
  }
  for (const Module of [nn.Sigmoid, nn.LogSigmoid]) {
    expectError(() => new Module({ inplace: true }), "Module.__init__() got an unexpected keyword argument 'inplace'", `${Module.name}: unknown key`);
    expectError(() => new Module(null), "Module.__init__() takes 1 positional argument but 2 were given", `${Module.name}: positional null`);
  }
  assert.ok(tried > 80, `${tried} bad inputs`);
  assert.is(nn.memoryStats().residentBytes, resident0, "no resident memory gained");
  const after = good();
  after.forEach((a, i) => assert.ok(sameNumbers(a, before[i]), `result ${i} unchanged after the bad inputs`));
});

test(`[${BUILD}] activations: integer and empty inputs as PyTorch`, () => {
  // an empty integer input launches no kernel in PyTorch: the result is an empty tensor of its dtype
  const e = nn.logSoftmax(nn.tensor(new BigInt64Array(0), [0, 3]), 1);
  assert.is(e.dtype, "int64");
  assert.equal(e.shape, [0, 3]);
  // sigmoid computes integers in float32
  const s = nn.sigmoid(nn.tensor(new Int32Array([0, 2])));
  assert.is(s.dtype, "float32");
  assert.is(s.data[0], 0.5);
  assert.not.ok(s.requiresGrad);
  for (const op of ["logSoftmax", "softmax"]) {
    for (const [shape, dim] of [[[0, 4], 1], [[4, 0], 1], [[4, 0], 0], [[2, 0, 3], 2]]) {
      const x = nn.tensor(new Float64Array(0), shape, { requiresGrad: true });
      const y = nn[op](x, dim);
      assert.equal(y.shape, shape);
      y.backward(nn.tensor(new Float64Array(0), shape));
      assert.equal(x.grad.shape, shape);
    }
  }
});

// ---------------------------------------------------------------- noGrad and memory

test(`[${BUILD}] activations: noGrad covers every op (function and module)`, () => {
  const x = nn.tensor(Float32Array.from([0.5, -1, 2, 0.25, 3, -2]), [2, 3], { requiresGrad: true });
  const results = nn.noGrad(() => [
    nn.logSoftmax(x, 1), nn.softmax(x, 0), nn.sigmoid(x), nn.logSigmoid(x),
    new nn.LogSoftmax({ dim: 1 }).forward(x), new nn.Softmax().forward(x), new nn.Sigmoid().forward(x), new nn.LogSigmoid().forward(x),
  ]);
  results.forEach((r, i) => {
    assert.not.ok(r.requiresGrad, `result ${i}`);
    throwsNN(() => r.backward(nn.tensor(new Float32Array(6), [2, 3])), "element 0 of tensors does not require grad and does not have a grad_fn");
  });
  assert.is(x.grad, null);
  // the same values as with grad
  assert.equal(Array.from(results[0].data), Array.from(nn.logSoftmax(x, 1).data));
  // a loss on top of a noGrad activation does not reach x
  const y = nn.noGrad(() => nn.logSoftmax(x, 1));
  throwsNN(() => nn.nllLoss(y, [0, 2]).backward(), "element 0 of tensors does not require grad and does not have a grad_fn");
});

for (const where of ["JS", "resident"]) {
  test(`[${BUILD}] activations: 10^3 forward-only calls on a ${where} tensor that requires grad keep wasm memory flat`, () => {
    const data = Float32Array.from({ length: 64 * 500 }, (_, i) => Math.sin(i));
    const x = where === "JS" ? nn.tensor(data, [64, 500], { requiresGrad: true }) : resident(nn.tensor(data, [64, 500], { requiresGrad: true }));
    const calls = [(t) => nn.logSoftmax(t, 1), (t) => nn.softmax(t, 0), (t) => nn.sigmoid(t), (t) => nn.logSigmoid(t)];
    let warm = 0;
    let last;
    for (let i = 0; i < 1000; i++) {
      last = calls[i % 4](x);
      assert.ok(last.requiresGrad);
      // resident: the results and sigmoid's and logSigmoid's saved local gradients stay in wasm memory
      // until the resident budget's 256 blocks (src/budget.ts) are reached; from there on nothing may grow
      if (i === 600) warm = nn.memoryStats().wasmBytes;
    }
    assert.is(nn.memoryStats().wasmBytes, warm, `wasm memory grew from ${warm} to ${nn.memoryStats().wasmBytes} bytes`);
    assert.ok(nn.memoryStats().savedBytes <= 64 << 20, "saved gradients within their budget");
    // the newest result still backpropagates exactly as a lone call
    last.backward(nn.tensor(new Float32Array(64 * 500).fill(1), [64, 500]));
    const lone = nn.tensor(data, [64, 500], { requiresGrad: true });
    nn.logSigmoid(lone).backward(nn.tensor(new Float32Array(64 * 500).fill(1), [64, 500]));
    assert.ok(sameNumbers(Array.from(x.grad.data), Array.from(lone.grad.data)));
    if (where === "resident") {
      x.grad.dispose();
      x.dispose();
    }
  });
}

test.run();
