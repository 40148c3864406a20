// Type-checked by the packaging test with module/moduleResolution "nodenext", against the installed
// tarball: the public types resolve through `exports` (default, raw and relaxed entries) and are real types.
import { init, tensor, crossEntropy, CrossEntropyLoss, MSELoss, NNLossError, backend, type Tensor } from "nnloss";
import * as raw from "nnloss/raw";
import * as relaxed from "nnloss/relaxed";

export async function main(): Promise<number> {
  await init({ simd: false });
  const which: "relaxed-simd" | "simd" | "scalar" | null = backend();
  const logits: Tensor = tensor(new Float32Array(6), [2, 3], { requiresGrad: true });
  const target = tensor(new Int32Array([0, 2]), [2]);
  const loss = new CrossEntropyLoss({ ignoreIndex: -100, reduction: "mean", labelSmoothing: 0.1 });
  const out: Tensor = loss.forward(logits, target);
  out.backward();
  const g: Tensor | null = logits.grad;
  const same: number = crossEntropy(logits, target, { labelSmoothing: 0.1 }).item();
  const mse = new MSELoss({ reduction: "sum" }).forward(new Float32Array([1]), new Float32Array([2]));
  // @ts-expect-error forward takes (input, target): the types are real, not any
  new MSELoss().forward(logits);
  // @ts-expect-error init's simd option is boolean | "auto" | "relaxed"
  await init({ simd: "yes" });
  const e: Error = new NNLossError("x");
  await raw.init();
  const r: boolean = raw.simdSupported();
  await relaxed.init({ simd: "relaxed" });
  const rx: boolean = relaxed.relaxedSimdSupported();
  return same + mse.item() + (g?.data.length ?? 0) + (which ? 1 : 0) + (r ? 1 : 0) + (rx ? 1 : 0) + e.message.length;
}
