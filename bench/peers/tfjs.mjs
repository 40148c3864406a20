// tfjs peer: @tensorflow/tfjs with the @tensorflow/tfjs-backend-wasm backend (SIMD, one thread), its
// .wasm files loaded from node_modules. Inputs become tf tensors before timing; the gradient is taken
// with tf.valueAndGrad and stays a tf tensor (read out only for the correctness check).
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** Loads tfjs + its wasm backend; resolves to a peer or to { skip: reason }. */
export async function startTfjs() {
  let tf, wasm;
  try {
    tf = await import("@tensorflow/tfjs");
    wasm = await import("@tensorflow/tfjs-backend-wasm");
  } catch (e) {
    return { skip: `@tensorflow/tfjs or @tensorflow/tfjs-backend-wasm not installed (${e.code ?? e.message})` };
  }
  const require = createRequire(import.meta.url);
  const dist = path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
  wasm.setWasmPaths(`${pathToFileURL(dist).pathname}/`); // Node reads these paths with fs
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  if (!(await tf.setBackend("wasm"))) return { skip: "the tfjs wasm backend did not initialise" };
  await tf.ready();
  return {
    version: tf.version.tfjs,
    simd: tf.env().getBool("WASM_HAS_SIMD_SUPPORT"),
    /** Sets up one case: `loss.tf(tf, T, size)` gives (x) => scalar. Returns { fwd, fwdBwd, dispose }. */
    setup(loss, args, size) {
      tf.engine().startScope(); // the inputs and whatever the builder precomputes, freed by dispose()
      const T = args.map((a) => tf.tensor(a.data instanceof BigInt64Array ? Int32Array.from(a.data, Number) : a.data,
        a.shape, a.data instanceof BigInt64Array ? "int32" : "float32"));
      const f = loss.tf(tf, T, size);
      const vg = tf.valueAndGrad(f);
      return {
        fwd: () => {
          const l = tf.tidy(() => f(T[0]));
          const v = l.dataSync()[0];
          l.dispose();
          return { loss: v };
        },
        fwdBwd: (check) => {
          const { value, grad } = vg(T[0]);
          const r = { loss: value.dataSync()[0], grad: check ? grad.dataSync() : null };
          value.dispose();
          grad.dispose();
          return r;
        },
        dispose: () => tf.engine().endScope(),
      };
    },
    numTensors: () => tf.memory().numTensors,
    tf,
  };
}
