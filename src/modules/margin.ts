// The modules of the margin family: MarginRanking, HingeEmbedding, SoftMargin, MultiLabelSoftMargin,
// MultiLabelMargin, MultiMargin.

import { Loss, WeightedLoss } from "./base.js";
import {
  hingeEmbeddingLoss, marginRankingLoss, multiMarginLoss, multilabelMarginLoss, multilabelSoftMarginLoss, softMarginLoss,
} from "../losses/margin.js";
import type {
  MarginOptions, MultiLabelMarginOptions, MultiLabelSoftMarginOptions, MultiMarginOptions, SoftMarginOptions,
} from "../losses/margin.js";
import { NNLossError } from "../errors.js";
import type { Tensor, TensorLike } from "../tensor.js";

export class MarginRankingLoss extends Loss<MarginOptions> {
  margin: number;
  constructor(options: MarginOptions = {}) {
    super(options);
    this.margin = options.margin ?? 0;
  }
  forward(input1: TensorLike, input2: TensorLike, target: TensorLike): Tensor {
    return marginRankingLoss(input1, input2, target, { ...this.opts(), margin: this.margin });
  }
}

export class HingeEmbeddingLoss extends Loss<MarginOptions> {
  margin: number;
  constructor(options: MarginOptions = {}) {
    super(options);
    this.margin = options.margin ?? 1;
  }
  forward(input: TensorLike, target: TensorLike): Tensor {
    return hingeEmbeddingLoss(input, target, { ...this.opts(), margin: this.margin });
  }
}

export class SoftMarginLoss extends Loss<SoftMarginOptions> {
  forward(input: TensorLike, target: TensorLike): Tensor { return softMarginLoss(input, target, this.opts()); }
}

export class MultiLabelSoftMarginLoss extends WeightedLoss<MultiLabelSoftMarginOptions> {
  forward(input: TensorLike, target: TensorLike): Tensor { return multilabelSoftMarginLoss(input, target, this.opts()); }
}

export class MultiLabelMarginLoss extends Loss<MultiLabelMarginOptions> {
  forward(input: TensorLike, target: TensorLike): Tensor { return multilabelMarginLoss(input, target, this.opts()); }
}

export class MultiMarginLoss extends WeightedLoss<MultiMarginOptions> {
  p: number;
  margin: number;
  constructor(options: MultiMarginOptions = {}) {
    super(options);
    this.p = options.p ?? 1;
    this.margin = options.margin ?? 1;
    // PyTorch 2.x validates these in the constructor.
    if (this.p !== 1 && this.p !== 2) throw new NNLossError("only p == 1 and p == 2 supported");
    if (this.weight !== null && this.weight.ndim !== 1) {
      throw new NNLossError(`MultiMarginLoss: expected weight to be None or 1D tensor, got ${this.weight.ndim}D instead`);
    }
  }
  forward(input: TensorLike, target: TensorLike): Tensor {
    return multiMarginLoss(input, target, { ...this.opts(), p: this.p, margin: this.margin });
  }
}
