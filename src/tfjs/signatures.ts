// How each loss's positional arguments cross from tfjs into nnloss, keyed by PyTorch's functional name
// (the name a loss module reports through its bridge, src/modules/base.ts).
//
//   "x"  float, differentiated as PyTorch differentiates it (the gradient comes back to tfjs)
//   "c"  float, a constant: PyTorch does not differentiate it (tfjs gets a zero gradient)
//   "i"  integer labels (class indices, CTC targets, multilabel-margin targets): tfjs's float32 labels
//        are checked to be whole numbers and passed as Int32Array
//   "t"  CrossEntropy's target: probabilities when it has the input's shape (differentiated, as
//        PyTorch does), class indices otherwise
//   "l"  lengths (CTC): a tensor, an array or a number of whole numbers
//
// A loss missing from this table (a newer one) takes "x" for every float tensor and "i" for integer ones.

export type ArgKind = "x" | "c" | "i" | "t" | "l";

export const SIGNATURES: Readonly<Record<string, readonly ArgKind[]>> = {
  l1_loss: ["x", "x"],
  mse_loss: ["x", "x"],
  huber_loss: ["x", "x"],
  smooth_l1_loss: ["x", "x"],
  cross_entropy: ["x", "t"],
  nll_loss: ["x", "i"],
  binary_cross_entropy: ["x", "x"],
  binary_cross_entropy_with_logits: ["x", "x"],
  poisson_nll_loss: ["x", "x"],
  gaussian_nll_loss: ["x", "x", "x"],
  kl_div: ["x", "x"],
  margin_ranking_loss: ["x", "x", "x"],
  hinge_embedding_loss: ["x", "c"],
  soft_margin_loss: ["x", "c"],
  multilabel_soft_margin_loss: ["x", "x"],
  multilabel_margin_loss: ["x", "i"],
  multi_margin_loss: ["x", "i"],
  cosine_embedding_loss: ["x", "x", "c"],
  triplet_margin_loss: ["x", "x", "x"],
  triplet_margin_with_distance_loss: ["x", "x", "x"],
  ctc_loss: ["x", "i", "l", "l"],
};

/** Losses whose input has a class dimension (dim 1 in PyTorch's layout; the last one channels-last). */
export const CLASS_DIM_LOSSES: readonly string[] = ["cross_entropy", "nll_loss"];

/** What the accuracy metric of `tfjsCompileLoss` compares, per loss: the arg-max class, or a
 *  threshold on the prediction (probability 0.5, logit 0) against the label (> 0.5, or > 0 for ±1). */
export const ACCURACY: Readonly<Record<string, { kind: "argmax" } | { kind: "threshold"; pred: number; label: number }>> = {
  cross_entropy: { kind: "argmax" },
  nll_loss: { kind: "argmax" },
  multi_margin_loss: { kind: "argmax" },
  binary_cross_entropy: { kind: "threshold", pred: 0.5, label: 0.5 },
  binary_cross_entropy_with_logits: { kind: "threshold", pred: 0, label: 0.5 },
  multilabel_soft_margin_loss: { kind: "threshold", pred: 0, label: 0.5 },
  soft_margin_loss: { kind: "threshold", pred: 0, label: 0 },
};
