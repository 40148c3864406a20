// Shared by the nnloss/tfjs tests (test/tfjs/*.tfjs.mjs) in Node and in Chromium: tfjs 4 on the backend
// this run asks for — "cpu" or "wasm", from NNLOSS_TFJS_BACKEND (Node) or the page's ?backend= — nnloss
// (the built default entry, initialised by ../_setup.mjs with the build this run asks for) and the
// built adapter, imported by the names an application uses: "nnloss", "nnloss/tfjs", "@tensorflow/tfjs".
// In Node the names resolve through the package's own exports; in the page through its import map, which
// maps "@tensorflow/tfjs" and "@tensorflow/tfjs-core" to the same tfjs bundle (one copy of tfjs).
import * as tf from "@tensorflow/tfjs";
import * as nn from "nnloss";
import { tfjsLoss, tfjsCompileLoss } from "nnloss/tfjs";
import { BUILD, TOL, mismatch, num } from "../_setup.mjs";

function chosenBackend() {
  let fromEnv;
  try {
    fromEnv = globalThis.Deno?.env.get("NNLOSS_TFJS_BACKEND") ?? globalThis.process?.env?.NNLOSS_TFJS_BACKEND;
  } catch {}
  if (fromEnv) return fromEnv;
  return globalThis.location ? new URL(globalThis.location.href).searchParams.get("backend") ?? "cpu" : "cpu";
}

export const BACKEND = chosenBackend();
if (BACKEND === "wasm") {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const dist = new URL("../../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url);
  wasm.setWasmPaths(dist.protocol === "file:" ? decodeURIComponent(dist.pathname) : dist.href); // Node reads paths with fs
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
}
if (!(await tf.setBackend(BACKEND))) throw new Error(`the tfjs ${BACKEND} backend did not initialise`);
await tf.ready();
tf.env().set("PROD", true); // no NaN checks or debug warnings in the way of the numbers
if (tf.getBackend() !== BACKEND) throw new Error(`asked for tfjs backend ${BACKEND}, got ${tf.getBackend()}`);

export { tf, nn, tfjsLoss, tfjsCompileLoss, BUILD, TOL, num };

/** Throw unless `actual` (typed array or tfjs tensor) matches `expected` ({data, shape} fixture or array)
 *  to float32 tolerances (1e-5 relative, 1e-6 absolute). */
export function close(actual, expected, what, tol = "float32") {
  const a = actual instanceof tf.Tensor ? actual.dataSync() : actual;
  const e = expected?.data ?? expected;
  if (expected?.shape && actual instanceof tf.Tensor) {
    const same = actual.shape.length === expected.shape.length && actual.shape.every((v, i) => v === expected.shape[i]);
    if (!same) throw new Error(`${what}: shape [${actual.shape}] ≠ [${expected.shape}]`);
  }
  const bad = mismatch(a, Array.from(e, (v) => (typeof v === "number" ? v : num(v))), tol);
  if (bad !== null) throw new Error(`${what}: ${bad}`);
}

/** A fixture tensor as a tfjs tensor: floats as float32; integers as int32, or as float32 when
 *  `floatLabels` (tfjs users' labels usually are float32). */
export function tfFromFixture(f, { floatLabels = false } = {}) {
  const int = f.dtype === "int64" || f.dtype === "int32";
  const data = Array.from(f.data, num);
  return tf.tensor(data, f.shape, int && !floatLabels ? "int32" : "float32");
}

export const label = `tfjs ${tf.version.tfjs} ${BACKEND} backend`;
