// Huber and SmoothL1 across their parameter paths: the vector kernels pick a form per call (SmoothL1:
// β = 1 as Huber, β a power of two by its exact reciprocal, other β by division; β or δ that round to 0
// or ∞ in the dtype on the scalar loop), and each must give, bit for bit, the scalar formulas (ATen's
// operation order) — loss and input gradient — on special values and on lengths that exercise the
// unrolled loop, the single-vector loop and the scalar tail.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD } from "./_setup.mjs";
import { f32, f64 } from "./util.mjs";

const SPECIAL = [Infinity, -Infinity, NaN, 0, -0, 1, -1, 0.5, -0.5, 2, -2, 3, 1e-40, -1e-40, 1e-30, 1e30, -1e30, 3e38, 0.75, 1.5];

/** n pseudo-random values with the special ones mixed in. */
function values(n, seed) {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  return Array.from({ length: n }, () => (rnd() < 0.4 ? SPECIAL[Math.floor(rnd() * SPECIAL.length)] : (rnd() * 2 - 1) * 4));
}

// The scalar forms of assembly/elementwise.ts, rounded to the dtype after every operation.
const huber = (r, x, y, d) => {
  const z = Math.abs(r(x - y));
  return { loss: z < d ? r(r(0.5 * z) * z) : r(d * r(z - r(0.5 * d))), grad: (v => (v <= -d ? -d : v >= d ? d : v))(r(x - y)) };
};
const smoothL1 = (r, x, y, b) => {
  const z = Math.abs(r(x - y));
  const v = r(x - y);
  return { loss: z < b ? r(r(r(0.5 * z) * z) / b) : r(z - r(0.5 * b)), grad: v <= -b ? -1 : v >= b ? 1 : r(v / b) };
};

const same = (a, b) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

function check(name, fn, key, ref, dtype, p) {
  const make = dtype === "float32" ? f32 : f64;
  const r = dtype === "float32" ? Math.fround : (v) => v;
  const pt = r(p);
  for (const n of [1, 7, 37, 130]) {
    const xs = values(n, 17 * n + 3).map(r), ys = values(n, 31 * n + 5).map(r);
    const x = make(xs, [n], true), y = make(ys, [n]);
    const out = fn(x, y, { [key]: p, reduction: "none" });
    const loss = Array.from(out.data);
    fn(x, y, { [key]: p, reduction: "sum" }).backward();
    const grad = Array.from(x.grad.data);
    for (let i = 0; i < n; i++) {
      const e = ref(r, xs[i], ys[i], pt);
      const where = `${name} ${dtype} ${key}=${p} n=${n} [${i}] x=${xs[i]} y=${ys[i]}`;
      assert.ok(same(loss[i], r(e.loss)), `${where}: loss ${loss[i]}, expected ${r(e.loss)}`);
      assert.ok(same(grad[i], r(e.grad)), `${where}: grad ${grad[i]}, expected ${r(e.grad)}`);
    }
  }
}

test(`[${BUILD}] huber: every δ path matches the scalar formulas bit for bit`, () => {
  for (const dtype of ["float32", "float64"]) {
    for (const d of [1, 0.5, 2, 0.3, 7, Infinity, 1e-50, 1e-320]) check("huber", nn.huberLoss, "delta", huber, dtype, d);
  }
});

test(`[${BUILD}] smooth_l1: every β path matches the scalar formulas bit for bit`, () => {
  for (const dtype of ["float32", "float64"]) {
    for (const b of [1, 0.5, 2, 2 ** -20, 0.3, 3, Infinity, 1e-50, 1e-320, 2 ** 127]) check("smooth_l1", nn.smoothL1Loss, "beta", smoothL1, dtype, b);
  }
});

test.run();
