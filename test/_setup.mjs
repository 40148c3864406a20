// Shared by every test file, in every runtime (Node, Deno, Chromium): loads nnloss from the built
// bundle (the real artifact) and picks the wasm build ("simd" | "scalar" | "relaxed-simd"; default:
// what the engine supports) from NNLOSS_BUILD in the environment (Node, Deno), or in the browser from
// the NNLOSS_BUILD global the harness sets or the page's ?build= parameter. "relaxed-simd" loads the
// opt-in `nnloss/relaxed` entry (dist/index-relaxed.js), whose init() picks that build.

function chosenBuild() {
  let fromEnv;
  try {
    fromEnv = globalThis.Deno?.env.get("NNLOSS_BUILD") ?? globalThis.process?.env?.NNLOSS_BUILD;
  } catch {} // Deno without --allow-env
  if (fromEnv) return fromEnv;
  if (globalThis.NNLOSS_BUILD) return globalThis.NNLOSS_BUILD;
  return globalThis.location ? new URL(globalThis.location.href).searchParams.get("build") ?? "auto" : "auto";
}
const build = chosenBuild();
const nn = build === "relaxed-simd" ? await import("../dist/index-relaxed.js") : await import("../dist/index.js");
/** The init options of this run (the relaxed entry's default picks relaxed SIMD). */
export const INIT_OPTIONS = build === "relaxed-simd" ? {} : { simd: build === "scalar" ? false : build === "simd" ? true : "auto" };
await nn.init(INIT_OPTIONS);
export { nn };
export const BUILD = nn.backend();

/** Decode a fixture number ("NaN", "Infinity", "-Infinity" or a number). */
export function num(v) {
  return v === "NaN" ? NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v;
}

const CTORS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array };

/** A fixture tensor {data, shape, dtype, requiresGrad} as an nnloss Tensor. */
export function fromFixture(f) {
  const Ctor = CTORS[f.dtype ?? "float32"];
  const data = f.dtype === "int64" ? BigInt64Array.from(f.data, (v) => BigInt(v)) : Ctor.from(f.data, num);
  return nn.tensor(data, f.shape, { requiresGrad: !!f.requiresGrad });
}

/** Tolerances: float32 ≈ 1e-5 relative, float64 ≈ 1e-9 relative (see README "Testing"). */
export const TOL = { float32: { rtol: 1e-5, atol: 1e-6 }, float64: { rtol: 1e-9, atol: 1e-12 } };

/** Compare arrays elementwise; returns a description of the first mismatch, or null. */
export function mismatch(actual, expected, dtype) {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  const { rtol, atol } = TOL[dtype] ?? TOL.float64;
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]), e = num(expected[i]);
    if (Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e)) continue;
    return `element ${i}: got ${a}, expected ${e}`;
  }
  return null;
}
