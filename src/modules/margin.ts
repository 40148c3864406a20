// The modules of the margin family: MarginRanking, HingeEmbedding, SoftMargin, MultiLabelSoftMargin,
// MultiLabelMargin, MultiMargin.

import { check } from "../errors.js";
import { Loss, WeightedLoss } from "./base.js";
import {
  HINGE_EMBEDDING_OPTIONS, MARGIN_RANKING_OPTIONS, MULTI_MARGIN_OPTIONS, MULTILABEL_MARGIN_OPTIONS,
  MULTILABEL_SOFT_MARGIN_OPTIONS, SOFT_MARGIN_OPTIONS, checkP, hingeEmbeddingLoss, marginRankingLoss, multiMarginLoss,
  multilabelMarginLoss, multilabelSoftMarginLoss, softMarginLoss,
} from "../losses/margin.js";
import type {
  MarginOptions, MultiLabelMarginOptions, MultiLabelSoftMarginOptions, MultiMarginOptions, SoftMarginOptions,
} from "../losses/margin.js";
import type { Tensor, TensorLike } from "../tensor.js";

export class MarginRankingLoss extends Loss<MarginOptions> {
  declare margin: number;
  constructor(options: MarginOptions = {}) { super(MARGIN_RANKING_OPTIONS, options); }
  forward(input1: TensorLike, input2: TensorLike, target: TensorLike): Tensor {
    return marginRankingLoss(input1, input2, target, this.opts());
  }
}

export class HingeEmbeddingLoss extends Loss<MarginOptions> {
  declare margin: number;
  constructor(options: MarginOptions = {}) { super(HINGE_EMBEDDING_OPTIONS, options); }
  forward(input: TensorLike, target: TensorLike): Tensor { return hingeEmbeddingLoss(input, target, this.opts()); }
}

export class SoftMarginLoss extends Loss<SoftMarginOptions> {
  constructor(options: SoftMarginOptions = {}) { super(SOFT_MARGIN_OPTIONS, options); }
  forward(input: TensorLike, target: TensorLike): Tensor { return softMarginLoss(input, target, this.opts()); }
}

export class MultiLabelSoftMarginLoss extends WeightedLoss<MultiLabelSoftMarginOptions> {
  constructor(options: MultiLabelSoftMarginOptions = {}) { super(MULTILABEL_SOFT_MARGIN_OPTIONS, options); }
  forward(input: TensorLike, target: TensorLike): Tensor { return multilabelSoftMarginLoss(input, target, this.opts()); }
}

export class MultiLabelMarginLoss extends Loss<MultiLabelMarginOptions> {
  constructor(options: MultiLabelMarginOptions = {}) { super(MULTILABEL_MARGIN_OPTIONS, options); }
  forward(input: TensorLike, target: TensorLike): Tensor { return multilabelMarginLoss(input, target, this.opts()); }
}

export class MultiMarginLoss extends WeightedLoss<MultiMarginOptions> {
  declare p: number;
  declare margin: number;
  constructor(options: MultiMarginOptions = {}) {
    super(MULTI_MARGIN_OPTIONS, options);
    // PyTorch 2.x validates these in the constructor.
    checkP(this.p);
    check(this.weight === null || this.weight.ndim === 1, () =>
      `MultiMarginLoss: expected weight to be None or 1D tensor, got ${this.weight!.ndim}D instead`);
  }
  forward(input: TensorLike, target: TensorLike): Tensor { return multiMarginLoss(input, target, this.opts()); }
}
