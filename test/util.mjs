// Shared test helpers (all runtimes): throwsNN, and for the reliability tests (hostile, property, gradcheck, soak, workers) the
// catalogue of all 21 losses with a known-good call each, seeds and counts from the environment, fast-check in every
// runtime, and small assertion helpers. (Random calls for the soak and the workers, which must load
// in a Web Worker without an import map, live in test/cases.mjs.)
import * as assert from "uvu/assert";
import { nn } from "./_setup.mjs";

/** Expect `fn` to throw an NNLossError (message: exact string, RegExp, or undefined = any). */
export function throwsNN(fn, message, what = "") {
  try {
    fn();
  } catch (e) {
    if (e?.name === "Assertion") throw e;
    assert.ok(e instanceof nn.NNLossError,
      `${what}: expected NNLossError${message ? ` "${message}"` : ""}, got ${e?.name}: ${e?.message ?? e}`);
    if (typeof message === "string") assert.is(e.message, message, what);
    else if (message instanceof RegExp) assert.match(e.message, message, what);
    return e;
  }
  assert.unreachable(`${what}: expected NNLossError${message ? ` "${message}"` : ""}, but the call returned`);
}

/** The seed for randomized tests: NNLOSS_SEED from the environment (Node, Deno) or a global, else a
 *  fixed default so CI runs are reproducible. "random" picks one (printed on failure by the tests). */
export function seedFromEnv(fallback = 20240611) {
  let v;
  try {
    v = globalThis.Deno?.env.get("NNLOSS_SEED") ?? globalThis.process?.env?.NNLOSS_SEED;
  } catch {} // Deno without --allow-env
  v ??= globalThis.NNLOSS_SEED ?? (globalThis.location ? new URL(globalThis.location.href).searchParams.get("seed") : null);
  if (v === "random") return (Math.random() * 2 ** 31) | 0;
  return v != null && v !== "" ? Number(v) | 0 : fallback;
}

/** A number from the environment / a global (counts such as NNLOSS_SOAK). */
export function envNumber(name, fallback) {
  let v;
  try {
    v = globalThis.Deno?.env.get(name) ?? globalThis.process?.env?.[name];
  } catch {}
  v ??= globalThis[name];
  return v != null && v !== "" && Number.isFinite(Number(v)) ? Number(v) : fallback;
}

export { prng } from "./cases.mjs";

export const f32 = (values, shape, grad = false) => nn.tensor(Float32Array.from(values), shape, { requiresGrad: grad });
export const f64 = (values, shape, grad = false) => nn.tensor(Float64Array.from(values), shape, { requiresGrad: grad });
export const i64 = (values, shape) => nn.tensor(BigInt64Array.from(values, BigInt), shape);

const lsm = (rows, C) => rows.flatMap((r) => {
  const m = Math.max(...r);
  const lse = m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
  return r.map((v) => v - lse);
});
const CTC_LP = lsm([[.5, 1, -.5], [1, 0, .2], [0, 2, .1], [.3, .3, .3], [1.5, -1, .5], [0, 1, 0], [.2, .1, 1.7], [-.5, .5, 1]], 3);

/**
 * Every loss: its functional name, module name, the kinds of its positional arguments ("tensor" for a
 * loss operand, "index" for class indices, "var" (tensor or number), "lengths" (CTC)), which of them
 * are differentiable, and `good()`: a fresh valid call [args, options] (small shapes, float32).
 */
export const LOSSES = [
  { fn: "l1Loss", module: "L1Loss", kinds: ["tensor", "tensor"],
    good: () => [[f32([.5, -1.2, 3, 2, 0, -.7], [2, 3], true), f32([1, -1.2, 1, -1, .3, .1], [2, 3])], {}] },
  { fn: "mseLoss", module: "MSELoss", kinds: ["tensor", "tensor"],
    good: () => [[f32([.5, -1.2, 3, 2, 0, -.7], [2, 3], true), f32([1, -1.2, 1, -1, .3, .1], [2, 3])], {}] },
  { fn: "huberLoss", module: "HuberLoss", kinds: ["tensor", "tensor"], noLegacy: true,
    good: () => [[f32([0, .5, 1, 1.5, -1, -3], [2, 3], true), f32([0, 0, 0, 0, 0, .5], [2, 3])], { delta: 1.5 }] },
  { fn: "smoothL1Loss", module: "SmoothL1Loss", kinds: ["tensor", "tensor"],
    good: () => [[f32([0, .5, 1, 1.5, -1, -3], [2, 3], true), f32([0, 0, 0, 0, 0, .5], [2, 3])], { beta: 1.5 }] },
  { fn: "crossEntropy", module: "CrossEntropyLoss", kinds: ["tensor", "index"],
    good: () => [[f32([1, 2, .5, .1, -1, 3, 2, 2, 2, -.5, .3, 1.2], [3, 4], true), i64([0, 3, 1], [3])],
      { weight: f32([.2, 1, 3, .5], [4]), labelSmoothing: 0.1 }] },
  { fn: "nllLoss", module: "NLLLoss", kinds: ["tensor", "index"],
    good: () => [[f32([-1.2, -.5, -2, -.3, -1.5, -2.5, -2.2, -.1, -1, -.9, -.9, -1.4], [3, 4], true), i64([1, 2, 0], [3])],
      { weight: f32([.2, 1, 3, .5], [4]) }] },
  { fn: "poissonNllLoss", module: "PoissonNLLLoss", kinds: ["tensor", "tensor"], shortMessage: true,
    good: () => [[f32([.5, -1, 2, 0, 1.5, 3], [2, 3], true), f32([1, 0, 4, 2, .5, 7], [2, 3])], { full: true }] },
  { fn: "gaussianNllLoss", module: "GaussianNLLLoss", kinds: ["tensor", "tensor", "var"], shortMessage: true, noLegacy: true,
    good: () => [[f32([.5, -1, 2, 0, 1.5, 3], [2, 3], true), f32([1, 0, 4, 2, .5, 7], [2, 3]), f32([.5, 2, 1, 1, .3, 4], [2, 3], true)], {}] },
  { fn: "klDiv", module: "KLDivLoss", kinds: ["tensor", "tensor"], batchmean: true,
    good: () => [[f32([-1.2, -.5, -2, -.3, -1.5, -2.5], [2, 3], true), f32([.2, .5, .3, 0, .6, .4], [2, 3])], { reduction: "batchmean" }] },
  { fn: "binaryCrossEntropy", module: "BCELoss", kinds: ["tensor", "tensor"],
    good: () => [[f32([.2, .9, .5, .01, .99, .7], [2, 3], true), f32([0, 1, .3, 0, 1, 1], [2, 3])], { weight: f32([.5, 2, 1], [3]) }] },
  { fn: "binaryCrossEntropyWithLogits", module: "BCEWithLogitsLoss", kinds: ["tensor", "tensor"],
    good: () => [[f32([-2, .5, 3, 0, -10, 10], [2, 3], true), f32([0, 1, .3, 1, 1, 0], [2, 3])],
      { weight: f32([.5, 2, 1], [3]), posWeight: f32([1, 2, .5], [3]) }] },
  { fn: "marginRankingLoss", module: "MarginRankingLoss", kinds: ["tensor", "tensor", "tensor"],
    good: () => [[f32([.5, -1, 2, .3], [4], true), f32([1, -2, 0, .4], [4], true), f32([1, 1, -1, -1], [4])], { margin: 0.5 }] },
  { fn: "hingeEmbeddingLoss", module: "HingeEmbeddingLoss", kinds: ["tensor", "tensor"],
    good: () => [[f32([.5, -1, 2, .3, 1.5, .7], [6], true), f32([1, 1, -1, -1, -1, 1], [6])], { margin: 1 }] },
  { fn: "multilabelMarginLoss", module: "MultiLabelMarginLoss", kinds: ["tensor", "index"],
    good: () => [[f32([.1, .2, .4, .8, 1, -1, .5, .5], [2, 4], true), i64([3, 0, -1, 1, 1, 2, 2, -1], [2, 4])], {}] },
  { fn: "softMarginLoss", module: "SoftMarginLoss", kinds: ["tensor", "tensor"],
    good: () => [[f32([.5, -1, 2, 0, 3, -8], [2, 3], true), f32([1, 1, -1, -1, -1, -1], [2, 3])], {}] },
  { fn: "multilabelSoftMarginLoss", module: "MultiLabelSoftMarginLoss", kinds: ["tensor", "tensor"], shortMessage: true,
    good: () => [[f32([.5, -1, 2, 0, 3, -8], [2, 3], true), f32([1, 0, 1, 0, 1, 0], [2, 3])], { weight: f32([1, 2, .5], [3]) }] },
  { fn: "cosineEmbeddingLoss", module: "CosineEmbeddingLoss", kinds: ["tensor", "tensor", "tensor"],
    good: () => [[f32([1, 2, 3, .5, -1, 0, 1, 1, 0], [3, 3], true), f32([1, 2.5, 2, -.5, 1, .2, 1, 0, 0], [3, 3], true),
      f32([1, -1, -1], [3])], { margin: 0.2 }] },
  { fn: "multiMarginLoss", module: "MultiMarginLoss", kinds: ["tensor", "index"],
    good: () => [[f32([.1, .2, .4, .8, 1, -1, .5, .5, .3, .3, .3, .3], [3, 4], true), i64([3, 0, 1], [3])],
      { p: 2, weight: f32([1, 2, .5, 3], [4]) }] },
  { fn: "tripletMarginLoss", module: "TripletMarginLoss", kinds: ["tensor", "tensor", "tensor"],
    good: () => [[f32([0, 1, 2, 1, 1, 1, .5, -.5, 0], [3, 3], true), f32([.5, 1, 2.5, 1, 1, 1, 0, 0, 0], [3, 3], true),
      f32([2, 1, 0, 1.2, 1, .9, .5, -.4, .1], [3, 3], true)], { swap: true }] },
  { fn: "tripletMarginWithDistanceLoss", module: "TripletMarginWithDistanceLoss", kinds: ["tensor", "tensor", "tensor"], noLegacy: true,
    good: () => [[f32([0, 1, 2, 1, 1, 1, .5, -.5, 0], [3, 3], true), f32([.5, 1, 2.5, 1, 1, 1, .2, .1, 0], [3, 3], true),
      f32([2, 1, 0, 1.2, 1, .9, .5, -.4, .1], [3, 3], true)], { distanceFunction: "cosine", margin: 0.3, swap: true }] },
  { fn: "ctcLoss", module: "CTCLoss", kinds: ["tensor", "index", "lengths", "lengths"], noLegacy: true,
    good: () => [[f32(CTC_LP, [4, 2, 3], true), i64([1, 2, 1, 1], [2, 2]), [4, 3], [2, 2]], {}] },
];

/** Run one catalogue call in functional or module form. */
export function callLoss(spec, form, args, opts) {
  return form === "module" ? new nn[spec.module](opts).forward(...args) : nn[spec.fn](...args, opts);
}

/** Output data and every argument's gradient after backward(): a plain snapshot to compare. */
export function runAndSnapshot(spec, form, args, opts) {
  const out = callLoss(spec, form, args, opts);
  const snap = { out: Array.from(out.data), shape: out.shape };
  if (out.requiresGrad) {
    out.backward(out.numel === 1 ? undefined : nn.tensor(new Float32Array(out.numel).fill(1), out.shape));
    snap.grads = args.map((a) => (a?.grad ? Array.from(a.grad.data) : null));
  }
  return snap;
}

/** Bitwise equality of two number arrays (NaN equals NaN, 0 ≠ −0 is not distinguished). */
export function sameNumbers(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(Object.is(a[i], b[i]) || a[i] === b[i])) return false;
  return true;
}

/**
 * fast-check, in every runtime. Node, Deno and Bun resolve the bare specifier from node_modules; the
 * browser suite page (scripts/lib/suite-page.mjs) maps it in its one import map (Firefox ignores any
 * import map after the first). In a page without a mapping, this adds a second map built from the
 * packages' own `exports`, served from the repo: enough for Chromium, which merges import maps.
 */
export async function loadFastCheck() {
  if (globalThis.document && !resolvable("fast-check")) {
    const root = new URL("../node_modules/", import.meta.url);
    const imports = {};
    for (const pkg of ["fast-check", "pure-rand"]) {
      const { exports } = await (await fetch(new URL(`${pkg}/package.json`, root))).json();
      for (const [key, target] of Object.entries(exports)) {
        const file = typeof target === "string" ? target : target.import?.default ?? target.import ?? target.default;
        if (typeof file === "string" && file.endsWith(".js")) imports[`${pkg}${key.slice(1)}`] = new URL(`${pkg}/${file}`, root).href;
      }
    }
    const script = document.createElement("script");
    script.type = "importmap";
    script.textContent = JSON.stringify({ imports });
    document.head.append(script);
  }
  return (await import("fast-check")).default;
}

function resolvable(specifier) {
  try {
    import.meta.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}
