// onnxruntime-web peer (its wasm backend, one thread): each loss is a small ONNX graph written in JS
// (peers/onnx.mjs); forward only (the web build has no training API). The feeds are ort.Tensors made
// before timing; onnxruntime copies them into its wasm memory on every run.
import { Graph } from "./onnx.mjs";

export async function startOrt() {
  let ort;
  try {
    ort = await import("onnxruntime-web");
  } catch (e) {
    return { skip: `onnxruntime-web not installed (${e.code ?? e.message})` };
  }
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = "error";
  return {
    version: ort.env.versions?.web ?? "?",
    /** Builds and loads the graph of one case; resolves to { fwd: async () => { loss }, release }. */
    async setup(loss, args, size) {
      const g = new Graph();
      const names = args.map((a, i) => g.input(`a${i}`, a.data instanceof BigInt64Array ? "int64" : "float32", a.shape));
      g.output(loss.onnx(g, names, size));
      const session = await ort.InferenceSession.create(g.model(), {
        executionProviders: ["wasm"], graphOptimizationLevel: "all", logSeverityLevel: 3,
      });
      const feeds = Object.fromEntries(args.map((a, i) =>
        [names[i], new ort.Tensor(a.data instanceof BigInt64Array ? "int64" : "float32", a.data, a.shape)]));
      const out = session.outputNames[0];
      return {
        fwd: async () => {
          const r = await session.run(feeds);
          const v = r[out].data[0];
          r[out].dispose?.();
          return { loss: v };
        },
        release: () => session.release(),
      };
    },
  };
}
