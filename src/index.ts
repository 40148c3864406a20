// nnloss: every torch.nn loss for JavaScript, computed by WebAssembly SIMD kernels.
export { init, simdSupported } from "./wasm-inline.js";
export { backend, memoryStats } from "./runtime.js";
export type { InitOptions } from "./runtime.js";
export { NNLossError } from "./errors.js";
export { Tensor, tensor } from "./tensor.js";
export type { DType, FloatDType, TensorLike, TensorOptions, TypedArray } from "./tensor.js";
export type { Reduction, ReductionOptions } from "./options.js";

export { l1Loss, mseLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits } from "./losses/elementwise.js";
export type { RegressionOptions, BCEOptions, BCEWithLogitsOptions } from "./losses/elementwise.js";
export { crossEntropy, nllLoss } from "./losses/classification.js";
export type { CrossEntropyOptions, NLLOptions } from "./losses/classification.js";

export { Loss, WeightedLoss } from "./modules/base.js";
export { L1Loss, MSELoss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from "./modules/core.js";
