// nnloss: every torch.nn loss for JavaScript, computed by WebAssembly SIMD kernels.
// One file per loss family in src/losses/ (functions), src/modules/ (classes) and assembly/ (kernels).
export { init, simdSupported } from "./wasm-inline.js";
export { backend } from "./runtime.js";
export { memoryStats } from "./memory.js";
export type { InitOptions } from "./runtime.js";
export { NNLossError } from "./errors.js";
export { Tensor, tensor } from "./tensor.js";
export { empty, zeros } from "./resident.js";
export { noGrad, isGradEnabled } from "./autograd.js";
export type { EmptyOptions } from "./resident.js";
export type { DType, FloatDType, TensorLike, TensorOptions, TypedArray } from "./tensor.js";
export type { Reduction, ReductionOptions } from "./options.js";
export { Loss, WeightedLoss } from "./modules/base.js";

// regression
export { l1Loss, mseLoss, huberLoss, smoothL1Loss } from "./losses/regression.js";
export type {
  RegressionOptions, HuberOptions, SmoothL1Options, WeightedRegressionOptions, WeightedHuberOptions,
} from "./losses/regression.js";
export { L1Loss, MSELoss, HuberLoss, SmoothL1Loss } from "./modules/regression.js";

// classification
export { crossEntropy, nllLoss } from "./losses/classification.js";
export type { CrossEntropyOptions, NLLOptions } from "./losses/classification.js";
export { CrossEntropyLoss, NLLLoss } from "./modules/classification.js";

// binary
export { binaryCrossEntropy, binaryCrossEntropyWithLogits } from "./losses/binary.js";
export type { BCEOptions, BCEWithLogitsOptions } from "./losses/binary.js";
export { BCELoss, BCEWithLogitsLoss } from "./modules/binary.js";

// probabilistic
export { poissonNllLoss, gaussianNllLoss, klDiv } from "./losses/probabilistic.js";
export type { PoissonNLLOptions, GaussianNLLOptions, KLDivOptions } from "./losses/probabilistic.js";
export { PoissonNLLLoss, GaussianNLLLoss, KLDivLoss } from "./modules/probabilistic.js";

// margin
export {
  marginRankingLoss, hingeEmbeddingLoss, softMarginLoss, multilabelSoftMarginLoss, multilabelMarginLoss, multiMarginLoss,
} from "./losses/margin.js";
export type {
  MarginOptions, SoftMarginOptions, MultiLabelSoftMarginOptions, MultiLabelMarginOptions, MultiMarginOptions,
} from "./losses/margin.js";
export {
  MarginRankingLoss, HingeEmbeddingLoss, SoftMarginLoss, MultiLabelSoftMarginLoss, MultiLabelMarginLoss, MultiMarginLoss,
} from "./modules/margin.js";

// embedding
export {
  cosineEmbeddingLoss, tripletMarginLoss, tripletMarginWithDistanceLoss, pairwiseDistance, cosineSimilarity,
} from "./losses/embedding.js";
export type {
  CosineEmbeddingOptions, TripletMarginOptions, TripletMarginWithDistanceOptions, DistanceFunction,
  PairwiseDistanceOptions, CosineSimilarityOptions,
} from "./losses/embedding.js";
export { CosineEmbeddingLoss, TripletMarginLoss, TripletMarginWithDistanceLoss } from "./modules/embedding.js";

// ctc
export { ctcLoss } from "./losses/ctc.js";
export type { CTCLossOptions, LengthsLike } from "./losses/ctc.js";
export { CTCLoss } from "./modules/ctc.js";

// arithmetic and reductions (ops that feed losses)
export { add, sub, mul, div, neg, abs, pow, exp, log } from "./ops/arithmetic.js";
export type { TensorOrNumber } from "./ops/arithmetic.js";
export { sum, mean, amax, amin } from "./ops/reductions.js";
export type { ReductionDimOptions } from "./ops/reductions.js";

// activations (ops that feed losses)
export { logSoftmax, softmax, sigmoid, logSigmoid } from "./ops/activations.js";
export type { SoftmaxOptions } from "./ops/activations.js";
export { LogSoftmax, Softmax, Sigmoid, LogSigmoid } from "./modules/activations.js";
