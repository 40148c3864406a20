// nnloss: every torch.nn loss for JavaScript, computed by WebAssembly SIMD kernels.
export { init, simdSupported } from "./wasm-inline.js";
export { backend, memoryStats } from "./runtime.js";
export type { InitOptions } from "./runtime.js";
export { NNLossError } from "./errors.js";
export { Tensor, tensor } from "./tensor.js";
export { empty, zeros } from "./resident.js";
export type { EmptyOptions } from "./resident.js";
export type { DType, FloatDType, TensorLike, TensorOptions, TypedArray } from "./tensor.js";
export type { Reduction, ReductionOptions } from "./options.js";

export { l1Loss, mseLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits } from "./losses/elementwise.js";
export type { RegressionOptions, BCEOptions, BCEWithLogitsOptions } from "./losses/elementwise.js";
export { crossEntropy, nllLoss } from "./losses/classification.js";
export type { CrossEntropyOptions, NLLOptions } from "./losses/classification.js";
export { huberLoss, smoothL1Loss } from "./losses/regression.js";
export type { HuberOptions, SmoothL1Options } from "./losses/regression.js";
export { poissonNllLoss, gaussianNllLoss, klDiv } from "./losses/probabilistic.js";
export type { PoissonNLLOptions, GaussianNLLOptions, KLDivOptions } from "./losses/probabilistic.js";

export { Loss, WeightedLoss } from "./modules/base.js";
export { L1Loss, MSELoss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from "./modules/core.js";
export { HuberLoss, SmoothL1Loss } from "./modules/regression.js";
export { PoissonNLLLoss, GaussianNLLLoss, KLDivLoss } from "./modules/probabilistic.js";
export { ctcLoss } from "./losses/ctc.js";
export type { CTCLossOptions, LengthsLike } from "./losses/ctc.js";
export { CTCLoss } from "./modules/ctc.js";
export {
  marginRankingLoss, hingeEmbeddingLoss, softMarginLoss, multilabelSoftMarginLoss, multilabelMarginLoss, multiMarginLoss,
} from "./losses/margin.js";
export type {
  MarginOptions, SoftMarginOptions, MultiLabelSoftMarginOptions, MultiLabelMarginOptions, MultiMarginOptions,
} from "./losses/margin.js";
export {
  MarginRankingLoss, HingeEmbeddingLoss, SoftMarginLoss, MultiLabelSoftMarginLoss, MultiLabelMarginLoss, MultiMarginLoss,
} from "./modules/margin.js";
export {
  cosineEmbeddingLoss, tripletMarginLoss, tripletMarginWithDistanceLoss, pairwiseDistance, cosineSimilarity,
} from "./losses/embedding.js";
export type {
  CosineEmbeddingOptions, TripletMarginOptions, TripletMarginWithDistanceOptions, DistanceFunction,
  PairwiseDistanceOptions, CosineSimilarityOptions,
} from "./losses/embedding.js";
export { CosineEmbeddingLoss, TripletMarginLoss, TripletMarginWithDistanceLoss } from "./modules/embedding.js";
