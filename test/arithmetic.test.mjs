// Arithmetic and reductions (add, sub, mul, div, neg, abs, pow, exp, log, sum, mean, amax, amin):
// every PyTorch fixture case through the public API (values, dtypes, shapes and gradients under a
// random upstream gradient, special values, broadcasting, type promotion, compositions and the two
// TripletMarginWithDistanceLoss recipes of PyTorch's docs); PyTorch's errors; finite-difference
// gradient checks away from kinks; hostile inputs; noGrad; forward-only loops; retained and freed
// graphs. Expected values: test/fixtures/arithmetic.json (test/fixtures/families/arithmetic.py).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD, fromFixture, mismatch, num } from "./_setup.mjs";
import { f32, f64, prng, seedFromEnv, throwsNN } from "./util.mjs";
import fx from "./fixtures/arithmetic.json" with { type: "json" };

const same = (actual, expected, dtype, what = "") => {
  const bad = mismatch(actual, expected, dtype);
  assert.ok(bad === null, `${what}: ${bad}`);
};

/** The compositions the fixtures name (test/fixtures/families/arithmetic.py, EXPRS). */
const EXPRS = {
  "mul(x, x)": (x) => nn.mul(x, x),
  "add(x, exp(x))": (x) => nn.add(x, nn.exp(x)),
  "mean(pow(sub(a, b), 2))": (a, b) => nn.mean(nn.pow(nn.sub(a, b), 2)),
  "sum(div(abs(sub(a, b)), add(abs(b), 1)), {dim: 1})":
    (a, b) => nn.sum(nn.div(nn.abs(nn.sub(a, b)), nn.add(nn.abs(b), 1)), { dim: 1 }),
  "sub(log(sum(exp(x), {dim: -1})), amax(x, {dim: -1}))":
    (x) => nn.sub(nn.log(nn.sum(nn.exp(x), { dim: -1 })), nn.amax(x, { dim: -1 })),
  "mean(mul(neg(x), sub(x, mean(x, {dim: 0, keepdim: true}))))":
    (x) => nn.mean(nn.mul(nn.neg(x), nn.sub(x, nn.mean(x, { dim: 0, keepdim: true })))),
  "div(sum(pow(x, 3)), amin(pow(x, 0.5)))": (x) => nn.div(nn.sum(nn.pow(x, 3)), nn.amin(nn.pow(x, 0.5))),
};

/** PyTorch's docs' distance functions for TripletMarginWithDistanceLoss, written with nnloss ops:
 *  `1.0 - F.cosine_similarity(x, y)` and `torch.max(torch.abs(x - y), dim=1).values`. */
const RECIPES = {
  oneMinusCosine: (x, y) => nn.sub(1.0, nn.cosineSimilarity(x, y)),
  linf: (x, y) => nn.amax(nn.abs(nn.sub(x, y)), { dim: 1 }),
};

const arg = (a) => ("number" in a ? num(a.number) : fromFixture(a));

function call(c, args) {
  if (c.fn === "expr") return EXPRS[c.expr](...args);
  if (c.recipe) return nn.tripletMarginWithDistanceLoss(...args, { ...c.options, distanceFunction: RECIPES[c.recipe] });
  return ["sum", "mean", "amax", "amin"].includes(c.fn) ? nn[c.fn](args[0], c.options) : nn[c.fn](...args);
}

/** A gradient is compared at float32 tolerance if its argument or the result is float32 (a float32
 *  computation cast to float64, or a float64 one cast to float32). */
const gradTol = (argDtype, outDtype) => (argDtype === "float32" || outDtype === "float32" ? "float32" : "float64");

for (const c of fx.cases) {
  test(`[${BUILD}] arithmetic fixture: ${c.id}`, () => {
    const args = c.args.map(arg);
    const out = call(c, args);
    assert.equal(out.shape, c.output.shape, "output shape");
    assert.is(out.dtype, c.output.dtype, "output dtype");
    same(out.data, c.output.data, c.output.dtype, "output");
    if (c.equals === "mseLoss") same(nn.mseLoss(args[0], args[1]).data, c.output.data, c.output.dtype, "mseLoss agrees");
    if (c.gradOutput === null) {
      assert.not.ok(out.requiresGrad, "nothing requires grad");
      return;
    }
    out.backward(fromFixture(c.gradOutput));
    c.grads.forEach((g, i) => {
      if (g === null) return;
      assert.ok(args[i].grad, `arg ${i} has a grad`);
      assert.equal(args[i].grad.shape, g.shape, `grad ${i} shape`);
      assert.is(args[i].grad.dtype, g.dtype, `grad ${i} dtype`);
      same(args[i].grad.data, g.data, gradTol(g.dtype, c.output.dtype), `grad of arg ${i}`);
    });
    if (c.equals === "mseLoss") {
      const [a, b] = c.args.map(fromFixture);
      nn.mseLoss(a, b).backward(fromFixture(c.gradOutput));
      same(a.grad.data, c.grads[0].data, a.dtype, "mseLoss's gradient of a");
      same(b.grad.data, c.grads[1].data, b.dtype, "mseLoss's gradient of b");
    }
  });
}

for (const e of fx.errors) {
  test(`[${BUILD}] arithmetic error: ${e.id}`, () => {
    throwsNN(() => call(e, e.args.map(arg)), e.message, e.id);
  });
}

test(`[${BUILD}] arithmetic fixtures: every op, composition and recipe is covered`, () => {
  const fns = new Set(fx.cases.map((c) => c.fn));
  for (const fn of ["add", "sub", "mul", "div", "neg", "abs", "pow", "exp", "log", "sum", "mean", "amax", "amin"]) {
    assert.ok(fns.has(fn), `no fixture case for ${fn}`);
  }
  assert.equal(new Set(fx.cases.filter((c) => c.fn === "expr").map((c) => c.expr)), new Set(Object.keys(EXPRS)));
  assert.equal(new Set(fx.cases.filter((c) => c.recipe).map((c) => c.recipe)), new Set(Object.keys(RECIPES)));
});

// ---------------------------------------------------------------- finite differences

const SEED = seedFromEnv() ^ 0xa217;
const u = (lo, hi) => (rng) => rng.uniform(lo, hi);
const away = (lo, hi) => (rng) => rng.uniform(lo, hi) * (rng() < 0.5 ? -1 : 1); // |x| in [lo, hi]

/** Gradient checks: a function of float64 tensors, and its arguments' shapes and value ranges. */
const GRADCHECK = {
  "add": [(a, b) => nn.add(a, b), [[2, 3], u(-2, 2)], [[3], u(-2, 2)]],
  "add number": [(a) => nn.add(-0.5, a), [[2, 3], u(-2, 2)]],
  "sub": [(a, b) => nn.sub(a, b), [[4, 1], u(-2, 2)], [[1, 3], u(-2, 2)]],
  "sub number": [(a) => nn.sub(1.5, a), [[5], u(-2, 2)]],
  "mul": [(a, b) => nn.mul(a, b), [[2, 3], u(-2, 2)], [[2, 1], u(-2, 2)]],
  "mul number": [(a) => nn.mul(a, -3), [[5], u(-2, 2)]],
  "div": [(a, b) => nn.div(a, b), [[2, 3], u(-2, 2)], [[3], away(0.5, 2)]],
  "div number / tensor": [(a) => nn.div(2.5, a), [[5], away(0.5, 2)]],
  "div tensor / number": [(a) => nn.div(a, 0.3), [[5], u(-2, 2)]],
  "neg": [(a) => nn.neg(a), [[2, 2], u(-2, 2)]],
  "abs": [(a) => nn.abs(a), [[6], away(0.1, 2)]],
  "exp": [(a) => nn.exp(a), [[6], u(-3, 3)]],
  "log": [(a) => nn.log(a), [[6], u(0.2, 4)]],
  "pow 2": [(a) => nn.pow(a, 2), [[6], u(-2, 2)]],
  "pow 3": [(a) => nn.pow(a, 3), [[6], u(-2, 2)]],
  "pow 0.5": [(a) => nn.pow(a, 0.5), [[6], u(0.2, 3)]],
  "pow -1.5": [(a) => nn.pow(a, -1.5), [[6], u(0.2, 3)]],
  "pow -2": [(a) => nn.pow(a, -2), [[6], away(0.3, 2)]],
  "sum": [(a) => nn.sum(a, { dim: [0, 2] }), [[2, 3, 2], u(-2, 2)]],
  "mean": [(a) => nn.mean(a, { dim: 1, keepdim: true }), [[2, 3, 2], u(-2, 2)]],
  "amax": [(a) => nn.amax(a, { dim: [2, 0] }), [[2, 3, 4], u(-2, 2)]],
  "amin": [(a) => nn.amin(a), [[3, 4], u(-2, 2)]],
  "composition": [(a, b) => nn.div(nn.sum(nn.mul(nn.exp(nn.neg(a)), nn.abs(b)), { dim: 1 }), nn.add(nn.mean(nn.pow(b, 2)), 1)),
    [[3, 4], u(-2, 2)], [[3, 4], away(0.1, 2)]],
  "triplet L∞ recipe": [(a, p, n) => nn.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: RECIPES.linf, margin: 2, reduction: "sum" }),
    [[4, 3], u(-2, 2)], [[4, 3], u(-2, 2)], [[4, 3], u(-2, 2)]],
  "triplet 1 − cosine recipe": [(a, p, n) => nn.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: RECIPES.oneMinusCosine, margin: 1, swap: true }),
    [[4, 3], u(-2, 2)], [[4, 3], u(-2, 2)], [[4, 3], u(-2, 2)]],
};

/** Central differences in float64 against backward(), with the kink test of test/gradcheck.test.mjs:
 *  a coordinate whose one-sided differences disagree is nudged and the point retried. */
function gradcheck(name, [fn, ...specs], rng) {
  const vals = specs.map(([shape, draw]) => Float64Array.from({ length: shape.reduce((p, s) => p * s, 1) }, () => draw(rng)));
  const evaluate = (grads) => {
    const ts = specs.map(([shape], i) => nn.tensor(Float64Array.from(vals[i]), shape, { requiresGrad: grads }));
    return { out: fn(...ts), ts };
  };
  const probe = evaluate(false).out;
  const g = Float64Array.from({ length: probe.numel }, () => rng.uniform(-2, 2));
  const F = () => evaluate(false).out.data.reduce((s, v, i) => s + g[i] * v, 0);
  const hOf = (x) => 1e-6 * Math.max(1, Math.abs(x));
  const coords = vals.flatMap((v, i) => Array.from(v, (_, k) => [i, k]));
  const diff = (i, k) => {
    const x = vals[i][k], h = hOf(x), f0 = F();
    vals[i][k] = x + h; const fp = F();
    vals[i][k] = x - h; const fm = F();
    vals[i][k] = x;
    return { fwd: (fp - f0) / h, bwd: (f0 - fm) / h, central: (fp - fm) / (2 * h) };
  };
  let kinks = coords;
  for (let attempt = 0; attempt < 8 && kinks.length > 0; attempt++) {
    kinks = coords.filter(([i, k]) => {
      const { fwd, bwd } = diff(i, k);
      return !(Math.abs(fwd - bwd) <= 1e-4 * (Math.abs(fwd) + Math.abs(bwd)) + 1e-6);
    });
    for (const [i, k] of kinks) vals[i][k] += rng.uniform(-0.05, 0.05);
  }
  assert.is(kinks.length, 0, `${name}: the point stayed at a kink`);
  const { out, ts } = evaluate(true);
  out.backward(out.numel === 1 && out.ndim === 0 ? g[0] : nn.tensor(g, out.shape));
  for (const [i, k] of coords) {
    const an = ts[i].grad.data[k], amax = Math.max(...Array.from(ts[i].grad.data, Math.abs));
    const fd = diff(i, k).central;
    assert.ok(Math.abs(fd - an) <= 1e-6 * (Math.abs(an) + amax) + 1e-9,
      `${name} arg ${i}[${k}]: backward ${an}, finite difference ${fd}`);
  }
}

for (const [name, spec] of Object.entries(GRADCHECK)) {
  test(`[${BUILD}] arithmetic gradcheck: ${name}`, () => {
    const rng = prng(SEED + name.length * 7919 + name.charCodeAt(0));
    for (let point = 0; point < 3; point++) gradcheck(name, spec, rng);
  });
}

// ---------------------------------------------------------------- type promotion and integer results

test(`[${BUILD}] arithmetic: result dtypes follow PyTorch's promotion; integer results are refused`, () => {
  const i32 = nn.tensor(new Int32Array([1, 2, 3])), i64 = nn.tensor(new BigInt64Array([1n, 2n, 3n]));
  const x = f32([1, 2, 3], [3]), y = f64([1, 2, 3], [3]);
  assert.is(nn.add(x, y).dtype, "float64");
  assert.is(nn.add(x, f64([2], [])).dtype, "float32", "a 0-d tensor does not promote a dimensioned one");
  assert.is(nn.add(f32([2], []), f64([2], [])).dtype, "float64", "two 0-d tensors promote");
  assert.is(nn.add(i32, f64([2], [])).dtype, "float64", "a 0-d float tensor decides for an integer tensor");
  assert.is(nn.mul(x, 2).dtype, "float32");
  assert.is(nn.mul(y, 0.1).dtype, "float64");
  assert.is(nn.mul(i32, 0.5).dtype, "float32");
  assert.is(nn.div(i32, i64).dtype, "float32", "true division");
  assert.is(nn.div(3, i32).dtype, "float32");
  assert.is(nn.exp(i64).dtype, "float32");
  assert.is(nn.pow(i32, 0.5).dtype, "float32");
  assert.equal(Array.from(nn.sub(i32, y).data), [0, 0, 0]);
  // x + 0.1 rounds 0.1 to float32 first, as PyTorch does
  assert.is(nn.add(f32([1], [1]), 0.1).data[0], Math.fround(1 + Math.fround(0.1)));
  assert.is(nn.add(f64([1], [1]), 0.1).data[0], 1 + 0.1);
  const refused = /the result would be an integer tensor \((Int|Long)\), and nnloss computes in floating point only/;
  for (const [what, fn] of [["add", () => nn.add(i32, i32)], ["sub", () => nn.sub(i32, 2)], ["mul", () => nn.mul(3, i64)],
    ["mul of numbers", () => nn.mul(2, 3)], ["neg", () => nn.neg(i32)], ["abs", () => nn.abs(i64)], ["pow", () => nn.pow(i32, 2)],
    ["sum", () => nn.sum(i32)], ["amax", () => nn.amax(i64, { dim: 0 })], ["amin", () => nn.amin(i32)]]) {
    throwsNN(fn, refused, what);
  }
  assert.is(nn.mul(2.5, -3).item(), -7.5, "two numbers, one of them fractional: a float32 0-d result");
  assert.is(nn.mul(2.5, -3).dtype, "float32");
});

test(`[${BUILD}] arithmetic: signed zeros come out as in IEEE arithmetic (and PyTorch)`, () => {
  for (const [f, T] of [[f32, "float32"], [f64, "float64"]]) {
    const z = () => f([0, -0], [2]);
    const is = (t, want, what) => assert.equal(Array.from(t.data).map((v) => Object.is(v, -0) ? "-0" : v), want, `${T} ${what}`);
    is(nn.neg(z()), ["-0", 0], "neg");
    is(nn.mul(z(), 2), [0, "-0"], "mul by 2");
    is(nn.mul(z(), -2), ["-0", 0], "mul by −2");
    is(nn.mul(-0.5, z()), ["-0", 0], "−0.5 · x");
    is(nn.add(z(), -0), [0, "-0"], "x + (−0)");
    is(nn.add(z(), 0), [0, 0], "x + 0");
    is(nn.sub(z(), 0), [0, "-0"], "x − 0");
    is(nn.sub(0, z()), [0, 0], "0 − x");
    is(nn.sub(-0, z()), ["-0", 0], "−0 − x");
    is(nn.sub(z(), z()), [0, 0], "x − x");
    is(nn.add(z(), f([-0], [1])), [0, "-0"], "x + [−0]");
    is(nn.div(z(), 4), [0, "-0"], "x / 4");
    is(nn.abs(z()), [0, 0], "abs");
    is(nn.pow(z(), 0.5), [0, "-0"], "pow 0.5 is sqrt");
    is(nn.pow(z(), 3), [0, "-0"], "pow 3");
  }
});

test(`[${BUILD}] arithmetic: gradients reach each floating argument in its own dtype, summed down broadcast dims`, () => {
  const a = f32([1, 2, 3, 4, 5, 6], [2, 3], true);
  const b = f64([0.5], [], true);
  const c = f64([1, -1, 2], [3], true);
  const out = nn.sum(nn.mul(nn.add(a, b), c));
  assert.is(out.dtype, "float64");
  out.backward();
  assert.is(a.grad.dtype, "float32");
  assert.equal(Array.from(a.grad.data), [1, -1, 2, 1, -1, 2]);
  assert.is(b.grad.dtype, "float64");
  assert.equal(b.grad.shape, []);
  assert.equal(Array.from(b.grad.data), [4]);
  assert.equal(Array.from(c.grad.data), [1 + 4 + 1, 2 + 5 + 1, 3 + 6 + 1]);
});

// ---------------------------------------------------------------- hostile inputs

const NOT_TENSORS = [null, undefined, "1,2", true, () => 1, { shape: [2] }, { data: "12", shape: [2] }, Symbol("x"), 3n];

test(`[${BUILD}] arithmetic hostile inputs: NNLossErrors with PyTorch's words, and the library still works`, () => {
  const x = f32([1, -2, 3, 4, 5, 6], [2, 3], true);
  const before = Array.from(nn.mul(nn.exp(x), nn.sum(x, { dim: 1, keepdim: true })).data);
  for (const bad of NOT_TENSORS) {
    for (const fn of ["add", "sub", "mul", "div"]) {
      throwsNN(() => nn[fn](x, bad), /other must be a Tensor, a typed array or \{ data, shape \}|unsupported array type/, `${fn}(x, ${String(bad)})`);
      throwsNN(() => nn[fn](bad, x), /input must be a Tensor, a typed array or \{ data, shape \}|unsupported array type/, `${fn}(${String(bad)}, x)`);
    }
    for (const fn of ["neg", "abs", "exp", "log", "sum", "mean", "amax", "amin"]) {
      throwsNN(() => nn[fn](bad), /input must be a Tensor, a typed array or \{ data, shape \}|unsupported array type/, `${fn}(${String(bad)})`);
    }
    throwsNN(() => nn.pow(bad, 2), /input must be a Tensor/, "pow(bad, 2)");
  }
  for (const fn of ["neg", "abs", "exp", "log"]) throwsNN(() => nn[fn](2), /input must be a Tensor, a typed array or \{ data, shape \}, got number/);
  for (const e of [null, undefined, "2", x, [2]]) throwsNN(() => nn.pow(x, e), /^pow\(\): exponent must be a number, got /);
  // broadcasting: PyTorch's message, whichever side is bigger
  throwsNN(() => nn.add(x, f32([1, 2], [2])), "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1");
  // reductions: options
  for (const fn of ["sum", "mean", "amax", "amin"]) {
    throwsNN(() => nn[fn](x, { dims: 1 }), `${fn}() got an unexpected keyword argument 'dims'`);
    throwsNN(() => nn[fn](x, { dim: 1, keepDim: true }), `${fn}() got an unexpected keyword argument 'keepDim'`);
    throwsNN(() => nn[fn](x, 1), `${fn}(): options must be an object`);
    throwsNN(() => nn[fn](x, { dim: 1.5 }), "dim must be an integer, got 1.5");
    throwsNN(() => nn[fn](x, { dim: [0, NaN] }), "dim must be an integer, got NaN");
    throwsNN(() => nn[fn](x, { dim: "1" }), "dim must be a number or an array of numbers, got string");
    throwsNN(() => nn[fn](x, { dim: [0, "1"] }), "dim must be an integer, got 1");
    throwsNN(() => nn[fn](x, { dim: 5 }), "Dimension out of range (expected to be in range of [-2, 1], but got 5)");
    throwsNN(() => nn[fn](x, { dim: [-1, 1] }), "dim 1 appears multiple times in the list of dims");
    throwsNN(() => nn[fn](x, { keepdim: 1 }), "keepdim must be a boolean, got number");
  }
  // disposed and detached inputs
  const gone = nn.zeros([2, 3]);
  gone.dispose();
  throwsNN(() => nn.add(gone, 1), "this tensor has been disposed");
  throwsNN(() => nn.amax(gone), "this tensor has been disposed");
  const buf = new Float32Array(6);
  structuredClone(buf.buffer, { transfer: [buf.buffer] });
  throwsNN(() => nn.exp(buf), /detached/);
  // a broadcast beyond wasm memory: an NNLossError, not a trap
  const col = nn.tensor(new Float32Array(100_000), [100_000, 1]), row = nn.tensor(new Float32Array(100_000), [1, 100_000], { requiresGrad: true });
  throwsNN(() => nn.add(col, row), /^out of memory: cannot allocate \S+ bytes of WebAssembly memory/);
  throwsNN(() => nn.amax(nn.mul(col, row), { dim: 0 }), /^out of memory: cannot allocate \S+ bytes of WebAssembly memory/);
  assert.equal(Array.from(nn.mul(nn.exp(x), nn.sum(x, { dim: 1, keepdim: true })).data), before, "same answer after the bad calls");
  assert.is(nn.memoryStats().arenaBytes, 0, "no scratch memory left behind");
});

// ---------------------------------------------------------------- noGrad, memory, graphs

test(`[${BUILD}] arithmetic under noGrad: results do not require grad`, () => {
  const x = f32([0.5, 1, 2, 3], [2, 2], true), y = f64([1, 2], [2], true);
  const results = nn.noGrad(() => [nn.add(x, y), nn.sub(1, x), nn.mul(x, x), nn.div(x, y), nn.neg(x), nn.abs(x), nn.pow(x, 3),
    nn.exp(x), nn.log(x), nn.sum(x), nn.mean(x, { dim: 0 }), nn.amax(x, { dim: 1 }), nn.amin(y)]);
  results.forEach((r, i) => {
    assert.not.ok(r.requiresGrad, `result ${i}`);
    throwsNN(() => r.backward(nn.tensor(new Float32Array(r.numel).fill(1), r.shape)),
      "element 0 of tensors does not require grad and does not have a grad_fn");
  });
  assert.ok(nn.add(x, y).requiresGrad, "grad mode is back");
});

test(`[${BUILD}] arithmetic: 10^3 forward-only calls on a resident tensor that requires grad keep wasm memory flat`, () => {
  const x = nn.empty([64, 100], { requiresGrad: true });
  x.data.set(Float32Array.from({ length: 6400 }, (_, i) => Math.sin(i) + 1.5));
  let warm = 0;
  let last = null;
  for (let i = 0; i < 1000; i++) {
    last = nn.amax(nn.div(nn.log(nn.mul(nn.add(x, 1), x)), nn.sum(nn.pow(x, 2), { dim: 0 })), { dim: 1 });
    if (i === 100) warm = nn.memoryStats().wasmBytes;
  }
  assert.is(nn.memoryStats().wasmBytes, warm, "wasm memory grew");
  assert.is(nn.memoryStats().arenaBytes, 0);
  // the newest result still backpropagates
  last.backward(nn.tensor(new Float32Array(64).fill(1), [64]));
  assert.ok(x.grad && x.grad.numel === 6400 && x.grad.data.some((v) => v !== 0));
  x.grad.dispose();
  x.dispose();
});

test(`[${BUILD}] arithmetic: retainGraph lets backward run again and accumulate; a freed graph gives PyTorch's error`, () => {
  const x = f64([1, 2, 3, 4], [2, 2], true);
  const out = nn.mean(nn.mul(nn.pow(nn.sub(x, 1), 2), x));
  out.backward(undefined, { retainGraph: true });
  const once = Array.from(x.grad.data);
  out.backward();
  assert.equal(Array.from(x.grad.data), once.map((v) => 2 * v), "accumulated twice");
  throwsNN(() => out.backward(), /^Trying to backward through the graph a second time \(or directly access saved tensors after they have already been freed\)/);
  const m = nn.amax(x, { dim: 1 });
  m.backward(f64([1, 1], [2]));
  throwsNN(() => m.backward(f64([1, 1], [2])), /^Trying to backward through the graph a second time/);
});

test(`[${BUILD}] arithmetic: a tensor used twice, and twice through different paths, gets both gradients`, () => {
  const x = f64([0.5, -1, 2], [3], true);
  nn.sum(nn.mul(x, x)).backward();
  assert.equal(Array.from(x.grad.data), [1, -2, 4]);
  x.grad = null;
  const h = nn.exp(x); // an op result used twice
  nn.sum(nn.add(nn.mul(h, 2), nn.div(h, x))).backward();
  const want = [0.5, -1, 2].map((v) => 2 * Math.exp(v) + Math.exp(v) / v - Math.exp(v) / (v * v));
  same(x.grad.data, want, "float64", "d/dx (2e^x + e^x/x)");
});

test(`[${BUILD}] arithmetic: ops on resident operands give resident results, with the answers of JS ones`, () => {
  const data = Float32Array.from({ length: 40 }, (_, i) => Math.cos(i) * 3);
  const r = nn.empty([5, 8], { requiresGrad: true });
  r.data.set(data);
  const j = nn.tensor(data.slice(), [5, 8], { requiresGrad: true });
  const f = (t) => nn.sum(nn.mul(nn.amax(nn.abs(t), { dim: 0, keepdim: true }), nn.exp(nn.div(t, 4))));
  const [a, b] = [f(r), f(j)];
  assert.is(a.item(), b.item());
  // elementwise results of a resident operand stay in wasm memory (a chain reads them in place)
  const chain = nn.exp(nn.mul(nn.sub(r, j), 2));
  assert.ok(chain.resident, "exp(mul(sub(resident, js), 2)) is resident");
  assert.not.ok(nn.exp(j).resident, "a JS operand gives a JS result");
  assert.equal(Array.from(chain.data), new Array(40).fill(1));
  chain.dispose();
  a.backward();
  b.backward();
  assert.equal(Array.from(r.grad.data), Array.from(j.grad.data));
  r.grad.dispose();
  r.dispose();
});

test.run();
