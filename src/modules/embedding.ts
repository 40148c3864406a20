// The modules of the embedding family: CosineEmbedding, TripletMargin, TripletMarginWithDistance.
// As in PyTorch 2.x, the triplet constructors reject margin ≤ 0 (the functional forms do not).

import { check } from "../errors.js";
import { Loss } from "./base.js";
import {
  COSINE_EMBEDDING_OPTIONS, TRIPLET_MARGIN_OPTIONS, TRIPLET_MARGIN_WITH_DISTANCE_OPTIONS, cosineEmbeddingLoss,
  tripletMarginLoss, tripletMarginWithDistanceLoss,
} from "../losses/embedding.js";
import type {
  CosineEmbeddingOptions, DistanceFunction, TripletMarginOptions, TripletMarginWithDistanceOptions,
} from "../losses/embedding.js";
import type { Tensor, TensorLike } from "../tensor.js";

function checkPositiveMargin(cls: string, margin: number): void {
  check(!(margin <= 0), () => `${cls}: expected margin to be greater than 0, got ${margin} instead`);
}

export class CosineEmbeddingLoss extends Loss<CosineEmbeddingOptions> {
  declare margin: number;
  constructor(options: CosineEmbeddingOptions = {}) { super(COSINE_EMBEDDING_OPTIONS, options); }
  forward(input1: TensorLike, input2: TensorLike, target: TensorLike): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, this.opts());
  }
}

export class TripletMarginLoss extends Loss<TripletMarginOptions> {
  declare margin: number;
  declare p: number;
  declare eps: number;
  declare swap: boolean;
  constructor(options: TripletMarginOptions = {}) {
    super(TRIPLET_MARGIN_OPTIONS, options);
    checkPositiveMargin("TripletMarginLoss", this.margin);
  }
  forward(anchor: TensorLike, positive: TensorLike, negative: TensorLike): Tensor {
    return tripletMarginLoss(anchor, positive, negative, this.opts());
  }
}

/** Keyword-only in PyTorch, without the legacy sizeAverage/reduce. */
export class TripletMarginWithDistanceLoss extends Loss<TripletMarginWithDistanceOptions> {
  declare distanceFunction: DistanceFunction | "pairwise" | "cosine" | null;
  declare margin: number;
  declare swap: boolean;
  constructor(options: TripletMarginWithDistanceOptions = {}) {
    super(TRIPLET_MARGIN_WITH_DISTANCE_OPTIONS, options);
    checkPositiveMargin("TripletMarginWithDistanceLoss", this.margin);
  }
  forward(anchor: TensorLike, positive: TensorLike, negative: TensorLike): Tensor {
    return tripletMarginWithDistanceLoss(anchor, positive, negative, this.opts());
  }
}
