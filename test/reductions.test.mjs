// sum / mean / amax / amin against a plain-JS float64 reference over random shapes (sizes 0 to 5,
// ranks 0 to 4) and random dim sets (any order, negative dims, keepdim): values, shapes and gradients,
// so every layout the kernel sees (rows, columns, reduced dims gathered to the end first) is exercised.
// Also: an accurate float32 sum of 10^6 values, and ties spread evenly across all reduced dims.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD } from "./_setup.mjs";
import { envNumber, prng, seedFromEnv } from "./util.mjs";

const SEED = seedFromEnv() ^ 0x4ed5;

/** Fisher–Yates with the seeded rng: the same order on every engine (a random sort comparator is not:
 *  each engine's sort calls it a different number of times, so the cases that follow would differ). */
function shuffle(a, rng) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
const CASES = envNumber("NNLOSS_REDUCTION_CASES", 300);
const numel = (s) => s.reduce((p, v) => p * v, 1);

/** Reference reduction in float64: { out (at keepShape order), local gradient for an upstream 1 }. */
function reference(fn, data, shape, dims) {
  const keepShape = shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const n = numel(shape), m = numel(keepShape);
  const outIndex = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let rest = i, o = 0, stride = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      const k = rest % shape[d];
      rest = Math.floor(rest / shape[d]);
      if (!dims.includes(d)) o += k * stride;
      stride *= keepShape[d];
    }
    outIndex[i] = o;
  }
  const len = numel(dims.map((d) => shape[d]));
  const out = new Float64Array(m).fill(fn === "amax" ? -Infinity : fn === "amin" ? Infinity : 0);
  for (let i = 0; i < n; i++) {
    const v = data[i], o = outIndex[i];
    if (fn === "amax") out[o] = Number.isNaN(v) || Number.isNaN(out[o]) ? NaN : Math.max(out[o], v);
    else if (fn === "amin") out[o] = Number.isNaN(v) || Number.isNaN(out[o]) ? NaN : Math.min(out[o], v);
    else out[o] += v;
  }
  if (fn === "mean") for (let o = 0; o < m; o++) out[o] /= len;
  const count = new Float64Array(m);
  if (fn === "amax" || fn === "amin") for (let i = 0; i < n; i++) if (data[i] === out[outIndex[i]]) count[outIndex[i]]++;
  const local = Float64Array.from({ length: n }, (_, i) => {
    if (fn === "sum") return 1;
    if (fn === "mean") return 1 / len;
    return (data[i] === out[outIndex[i]] ? 1 : 0) / count[outIndex[i]];
  });
  return { out, local, outIndex, keepShape };
}

const close = (a, b, rtol) => (Number.isNaN(b) ? Number.isNaN(a) : a === b || Math.abs(a - b) <= rtol * Math.abs(b) + 1e-300);

for (const dtype of ["float64", "float32"]) {
  test(`[${BUILD}] reductions vs a JS reference: ${CASES} random shapes and dim sets (${dtype})`, () => {
    const rng = prng(SEED + dtype.length);
    const Ctor = dtype === "float64" ? Float64Array : Float32Array;
    const rtol = dtype === "float64" ? 1e-12 : 1e-5;
    const layouts = { rows: 0, columns: 0, gathered: 0 };
    for (let c = 0; c < CASES; c++) {
      const fn = rng.pick(["sum", "mean", "amax", "amin"]);
      // every fourth case reduces two non-adjacent dims of a rank-4 tensor, so that the gathered layout is
      // always covered whatever the draws
      const gather = c % 4 === 0;
      const rank = gather ? 4 : rng.int(0, 4);
      const shape = Array.from({ length: rank }, () => rng.int(gather || fn.startsWith("am") ? 2 : 0, 5));
      // values on a small grid, so amax/amin have ties; a few NaN and inf
      const data = Ctor.from({ length: numel(shape) }, () => {
        const r = rng();
        return r < 0.02 ? NaN : r < 0.04 ? -Infinity : rng.int(-4, 4) / 2;
      });
      const all = !gather && rng() < 0.2;
      const dims = all ? [...shape.keys()] : gather ? rng.pick([[0, 2], [1, 3], [0, 3]]) : shape.map((_, i) => i).filter(() => rng() < 0.5);
      const given = shuffle(dims.map((d) => (rng() < 0.5 ? d - rank : d)), rng);
      const keepdim = rng() < 0.5;
      const options = all ? (keepdim ? { keepdim } : {}) : { dim: given.length === 1 && rng() < 0.5 ? given[0] : given, keepdim };
      if (!all && given.length === 0) continue; // an empty list is "all dims" (covered by `all`)
      const reduced = rank === 0 ? [] : dims;
      // the layouts the kernel sees (size-1 dims aside): reduced dims not adjacent are gathered to the
      // end first; adjacent ones with a kept dim after them are reduced as columns
      const moving = shape.map((_, i) => i).filter((i) => shape[i] !== 1), run = moving.filter((i) => reduced.includes(i));
      const adjacent = run.length === 0 || moving.indexOf(run.at(-1)) - moving.indexOf(run[0]) === run.length - 1;
      if (!adjacent) layouts.gathered++;
      else if (moving.some((i) => !reduced.includes(i) && i > run[0])) layouts.columns++;
      else layouts.rows++;
      const what = `${fn}(${JSON.stringify(shape)}, ${JSON.stringify(options)})`;

      const x = nn.tensor(data, shape, { requiresGrad: true });
      const out = nn[fn](x, options);
      const ref = reference(fn, data, shape, reduced);
      const outShape = keepdim ? ref.keepShape : shape.filter((_, i) => !reduced.includes(i));
      assert.equal(out.shape, outShape, `${what}: shape`);
      assert.is(out.dtype, dtype);
      out.data.forEach((v, i) => assert.ok(close(v, ref.out[i], rtol), `${what}: out[${i}] = ${v}, expected ${ref.out[i]}`));
      const g = Float64Array.from({ length: out.numel }, () => rng.int(-3, 3));
      out.backward(nn.tensor(Ctor.from(g), out.shape));
      x.grad.data.forEach((v, i) => {
        const want = g[ref.outIndex[i]] * ref.local[i];
        assert.ok(close(v, want, rtol), `${what}: grad[${i}] = ${v}, expected ${want}`);
      });
    }
    for (const [k, v] of Object.entries(layouts)) assert.ok(v > CASES / 20, `only ${v} cases of the ${k} layout: ${JSON.stringify(layouts)}`);
  });
}

test(`[${BUILD}] reductions: an f32 sum and mean of 10^6 values agree with a float64 reference to 1e-9`, () => {
  const rng = prng(SEED);
  const data = Float32Array.from({ length: 1_000_003 }, () => rng.uniform(0, 1) + 1000);
  let exact = 0;
  for (const v of data) exact += v;
  const x = nn.tensor(data);
  assert.ok(Math.abs(nn.sum(x).item() - Math.fround(exact)) <= Math.fround(exact) * 1e-9 + 1, "sum");
  assert.ok(Math.abs(nn.mean(x).item() - exact / data.length) <= 1e-9 * 1001 + 6.2e-5, "mean (within an f32 rounding of the f64 mean)");
  // the same along a leading dim (a gathered layout)
  const cols = nn.sum(nn.tensor(data.subarray(0, 1_000_000), [250_000, 4]), { dim: 0 });
  for (let k = 0; k < 4; k++) {
    let s = 0;
    for (let r = 0; r < 250_000; r++) s += data[r * 4 + k];
    assert.is(cols.data[k], Math.fround(s), `column ${k}`);
  }
});

test(`[${BUILD}] amax/amin: ties across several reduced dims share the gradient evenly`, () => {
  // dim 1 = 0: maxima 3 at [0,0,1], [1,0,0], [1,0,2]; dim 1 = 1: maxima 2 at [0,1,0], [0,1,2], [1,1,1]
  const x = nn.tensor(Float64Array.from([1, 3, 0, 2, -1, 2, 3, 2, 3, 0, 2, 1]), [2, 2, 3], { requiresGrad: true });
  const m = nn.amax(x, { dim: [0, -1] });
  assert.equal(Array.from(m.data), [3, 2]);
  m.backward(nn.tensor(Float64Array.from([6, 3]), [2]));
  assert.equal(Array.from(x.grad.data), [0, 2, 0, 1, 0, 1, 2, 0, 2, 0, 1, 0]);
  const y = nn.tensor(Float64Array.from([1, 3, 0, 2, -1, 2, 3, 2, 3, 0, 2, 1]), [2, 2, 3], { requiresGrad: true });
  const n = nn.amin(y, { keepdim: true });
  assert.equal(n.shape, [1, 1, 1]);
  assert.equal(Array.from(n.data), [-1]);
  n.backward(nn.tensor(Float64Array.from([5]), [1, 1, 1]));
  assert.equal(Array.from(y.grad.data), [0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]);
});

test.run();
