// Blocked execution (src/blocks.ts): a large call runs its kernel block by block, copying each block's
// slice of the JS operands in and of its outputs out. These calls span several blocks (sizes not a
// multiple of any block) and are checked against the same loss computed on small slices of the batch —
// most of which fit in one block, the rest cut at other places — so a wrong offset, a lost tail or a
// stale scratch buffer shows up:
//  - per-element results ('none' outputs, and every gradient for reduction 'sum') are bitwise those of
//    the slices, laid end to end;
//  - the reduced value agrees with the slices' values summed (the summation order differs);
//  - resident tensors (read in place, not copied) give bitwise the same answer as JS ones.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD } from "./_setup.mjs";
import { prng, throwsNN } from "./util.mjs";

const CTORS = { float32: Float32Array, float64: Float64Array };
/** Batch rows per slice: a multiple of 16, so SIMD groups fall as in the big call. */
const SLICE = 256;

// A case: rows N, per-row operands `rows` (shape [N, ...rest], values from `gen`), shared operands and
// options; `grad` lists which row operands require grad.
const U = (r) => r(), PROB = (r) => 0.02 + 0.96 * r(), SIGNED = (r) => 8 * r() - 4, POS = (r) => 0.1 + 3 * r();
const PM1 = (r) => (r() < 0.5 ? -1 : 1), BIT = (r) => (r() < 0.5 ? 0 : 1);
/** Class indices (int64) from `lo` up to C − 1, some of them ignored (−100) if `ignored`. */
const cls = (C, lo = 0, ignored = false) =>
  Object.assign((r) => (ignored && r() < 0.1 ? -100 : lo + Math.floor(r() * (C - lo))), { int: true });
const clsIgnore = (C) => cls(C, 0, true);

const CASES = [
  { fn: "mseLoss", rows: [[[7], SIGNED], [[7], SIGNED]], grad: [0, 1] },
  { fn: "l1Loss", rows: [[[7], SIGNED], [[7], SIGNED]], grad: [0, 1] },
  { fn: "huberLoss", rows: [[[7], SIGNED], [[7], SIGNED]], grad: [0, 1], opts: { delta: 1.5 } },
  { fn: "smoothL1Loss", rows: [[[7], SIGNED], [[7], SIGNED]], grad: [0], opts: { beta: 0.5 } },
  { fn: "binaryCrossEntropy", rows: [[[7], PROB], [[7], U], [[7], POS]], grad: [0, 1], weightRow: 2 },
  { fn: "binaryCrossEntropy", rows: [[[7], PROB], [[7], BIT]], grad: [0], shared: { weight: [[7], POS] } },
  { fn: "binaryCrossEntropyWithLogits", rows: [[[7], SIGNED], [[7], U]], grad: [0, 1], shared: { posWeight: [[7], POS] } },
  { fn: "klDiv", rows: [[[7], SIGNED], [[7], PROB]], grad: [0, 1], opts: { logTarget: false } },
  { fn: "klDiv", rows: [[[7], SIGNED], [[7], SIGNED]], grad: [0, 1], opts: { logTarget: true } },
  { fn: "poissonNllLoss", rows: [[[7], SIGNED], [[7], POS]], grad: [0], opts: { logInput: true, full: true } },
  { fn: "gaussianNllLoss", rows: [[[7], SIGNED], [[7], SIGNED], [[1], POS]], grad: [0, 1, 2], opts: { full: true } },
  { fn: "softMarginLoss", rows: [[[7], SIGNED], [[7], PM1]], grad: [0] },
  { fn: "hingeEmbeddingLoss", rows: [[[7], SIGNED], [[7], PM1]], grad: [0] },
  { fn: "marginRankingLoss", rows: [[[7], SIGNED], [[7], SIGNED], [[7], PM1]], grad: [0, 1], opts: { margin: 0.3 } },
  { fn: "crossEntropy", rows: [[[10], SIGNED], [[], cls(10)]], grad: [0] },
  { fn: "crossEntropy", rows: [[[300], SIGNED], [[], clsIgnore(300)]], grad: [0], shared: { weight: [[300], POS] }, opts: { labelSmoothing: 0.1 } },
  { fn: "crossEntropy", rows: [[[5, 9], SIGNED], [[9], clsIgnore(5)]], grad: [0] },
  { fn: "crossEntropy", rows: [[[40], SIGNED], [[40], PROB]], grad: [0, 1], opts: { labelSmoothing: 0.2 } },
  { fn: "nllLoss", rows: [[[10], SIGNED], [[], clsIgnore(10)]], grad: [0] },
  { fn: "nllLoss", rows: [[[40], SIGNED], [[], cls(40)]], grad: [0], shared: { weight: [[40], POS] } },
  { fn: "multiMarginLoss", rows: [[[30], SIGNED], [[], cls(30)]], grad: [0], shared: { weight: [[30], POS] }, opts: { p: 2 } },
  { fn: "multilabelMarginLoss", rows: [[[12], SIGNED], [[12], cls(12, -1)]], grad: [0] },
  { fn: "multilabelSoftMarginLoss", rows: [[[12], SIGNED], [[12], BIT]], grad: [0, 1], shared: { weight: [[12], POS] } },
  { fn: "cosineEmbeddingLoss", rows: [[[24], SIGNED], [[24], SIGNED], [[], PM1]], grad: [0, 1], opts: { margin: 0.2 } },
  { fn: "tripletMarginLoss", rows: [[[24], SIGNED], [[24], SIGNED], [[24], SIGNED]], grad: [0, 1, 2], opts: { swap: true } },
];

/** Row-major data for N rows of `rest` (class targets as int64). */
function rowData(N, [rest, gen], dtype, rng) {
  const n = N * rest.reduce((p, v) => p * v, 1);
  return gen.int ? BigInt64Array.from({ length: n }, () => BigInt(gen(rng))) : CTORS[dtype].from({ length: n }, () => gen(rng));
}

/** Run the case on rows [r0, r1) of `data`; returns { out, grads } as plain arrays. */
function run(c, data, shared, dtype, r0, r1, reduction, resident = false) {
  const made = [];
  const mk = (a, shape, requiresGrad = false) => {
    if (!resident) return nn.tensor(a, shape, { requiresGrad });
    const t = nn.empty(shape, { dtype: a instanceof BigInt64Array ? "int64" : dtype, requiresGrad });
    t.data.set(a);
    made.push(t);
    return t;
  };
  const args = c.rows.map(([rest], i) => {
    const per = rest.reduce((p, v) => p * v, 1);
    return mk(data[i].slice(r0 * per, r1 * per), [r1 - r0, ...rest], c.grad.includes(i));
  });
  const opts = { ...c.opts, reduction };
  for (const [k, [shape]] of Object.entries(c.shared ?? {})) opts[k] = mk(shared[k], shape);
  if (c.weightRow !== undefined) opts.weight = args.pop();
  const out = nn[c.fn](...args, opts);
  if (reduction === "none") out.backward(nn.tensor(new (CTORS[dtype])(out.numel).fill(1), out.shape));
  else out.backward();
  const result = { out: Array.from(out.data), grads: args.map((a) => (a.requiresGrad ? Array.from(a.grad.data) : null)) };
  for (const a of args) a.grad?.dispose?.();
  for (const t of made) t.dispose();
  return result;
}

const sameBits = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

for (const dtype of ["float32", "float64"]) {
  CASES.forEach((c, k) => {
    const name = `${c.fn}#${k} ${dtype}`;
    test(`[${BUILD}] blocks: ${name} — many blocks agree with one-block slices`, () => {
      const rng = prng(1000 + k);
      const N = 12 * SLICE + 37;
      const data = c.rows.map((r) => rowData(N, r, dtype, rng));
      const shared = Object.fromEntries(Object.entries(c.shared ?? {}).map(([key, r]) => [key, rowData(1, r, dtype, rng)]));
      const mem = nn.memoryStats();
      for (const reduction of ["none", "sum"]) {
        const whole = run(c, data, shared, dtype, 0, N, reduction);
        const parts = [];
        for (let r0 = 0; r0 < N; r0 += SLICE) parts.push(run(c, data, shared, dtype, r0, Math.min(N, r0 + SLICE), reduction));
        whole.grads.forEach((g, i) => {
          if (g === null) return;
          assert.ok(sameBits(g, parts.flatMap((p) => p.grads[i])), `${name} ${reduction}: grad of arg ${i}`);
        });
        if (reduction === "none") {
          assert.ok(sameBits(whole.out, parts.flatMap((p) => p.out)), `${name}: 'none' output`);
        } else {
          const sum = parts.reduce((s, p) => s + p.out[0], 0);
          const tol = (dtype === "float32" ? 1e-5 : 1e-12) * parts.reduce((s, p) => s + Math.abs(p.out[0]), 0);
          assert.ok(Math.abs(whole.out[0] - sum) <= tol, `${name}: sum ${whole.out[0]} vs slices ${sum}`);
        }
        const onWasm = run(c, data, shared, dtype, 0, N, reduction, true);
        assert.ok(sameBits(onWasm.out, whole.out), `${name} ${reduction}: resident output differs`);
        onWasm.grads.forEach((g, i) => assert.ok(g === null || sameBits(g, whole.grads[i]), `${name} ${reduction}: resident grad ${i} differs`));
      }
      assert.is(nn.memoryStats().arenaBytes, 0);
      assert.is(nn.memoryStats().residentBytes, mem.residentBytes);
    });
  });
}

test(`[${BUILD}] blocks: a bad value in a later block still names the first bad operand`, () => {
  const n = 200000;
  const x = new Float32Array(n).fill(0.5), y = new Float32Array(n).fill(0.5);
  y[10] = 2; // target bad in the first block
  x[n - 5] = -1; // input bad only in the last block: PyTorch checks the input first
  throwsNN(() => nn.binaryCrossEntropy(nn.tensor(x), nn.tensor(y)), "all elements of input should be between 0 and 1");
  x[n - 5] = 0.5;
  throwsNN(() => nn.binaryCrossEntropy(nn.tensor(x), nn.tensor(y)), "all elements of target should be between 0 and 1");
  assert.is(nn.memoryStats().arenaBytes, 0);
});

test.run();
