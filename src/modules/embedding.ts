// The modules of the embedding losses (CosineEmbedding, TripletMargin, TripletMarginWithDistance).
// As in PyTorch 2.x, the triplet constructors reject margin ≤ 0 (the functional forms do not).

import { Loss } from "./base.js";
import { cosineEmbeddingLoss, tripletMarginLoss, tripletMarginWithDistanceLoss } from "../losses/embedding.js";
import type {
  CosineEmbeddingOptions, DistanceFunction, TripletMarginOptions, TripletMarginWithDistanceOptions,
} from "../losses/embedding.js";
import { check } from "../errors.js";
import { checkOptionKeys } from "../options.js";
import type { Tensor, TensorLike } from "../tensor.js";

function positiveMargin(cls: string, margin: number): number {
  check(!(margin <= 0), () => `${cls}: expected margin to be greater than 0, got ${margin} instead`);
  return margin;
}

export class CosineEmbeddingLoss extends Loss<CosineEmbeddingOptions> {
  margin: number;
  constructor(options: CosineEmbeddingOptions = {}) {
    super(options);
    this.margin = options.margin ?? 0;
  }
  forward(input1: TensorLike, input2: TensorLike, target: TensorLike): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, { ...this.opts(), margin: this.margin });
  }
}

export class TripletMarginLoss extends Loss<TripletMarginOptions> {
  margin: number;
  p: number;
  eps: number;
  swap: boolean;
  constructor(options: TripletMarginOptions = {}) {
    super(options);
    this.margin = positiveMargin("TripletMarginLoss", options.margin ?? 1);
    this.p = options.p ?? 2;
    this.eps = options.eps ?? 1e-6;
    this.swap = options.swap ?? false;
  }
  forward(anchor: TensorLike, positive: TensorLike, negative: TensorLike): Tensor {
    return tripletMarginLoss(anchor, positive, negative,
      { ...this.opts(), margin: this.margin, p: this.p, eps: this.eps, swap: this.swap });
  }
}

export class TripletMarginWithDistanceLoss extends Loss<TripletMarginWithDistanceOptions> {
  distanceFunction: DistanceFunction | "pairwise" | "cosine" | null;
  margin: number;
  swap: boolean;
  constructor(options: TripletMarginWithDistanceOptions = {}) {
    // keyword-only in PyTorch, without the legacy sizeAverage/reduce
    checkOptionKeys(options, ["distanceFunction", "margin", "swap", "reduction"], "TripletMarginWithDistanceLoss.__init__");
    super(options);
    this.distanceFunction = options.distanceFunction ?? null;
    this.margin = positiveMargin("TripletMarginWithDistanceLoss", options.margin ?? 1);
    this.swap = options.swap ?? false;
  }
  forward(anchor: TensorLike, positive: TensorLike, negative: TensorLike): Tensor {
    return tripletMarginWithDistanceLoss(anchor, positive, negative,
      { reduction: this.reduction, distanceFunction: this.distanceFunction, margin: this.margin, swap: this.swap });
  }
}
