// The modules of the binary family: BCELoss, BCEWithLogitsLoss.

import { WeightedLoss } from "./base.js";
import {
  BCE_OPTIONS, BCE_WITH_LOGITS_OPTIONS, binaryCrossEntropy, binaryCrossEntropyWithLogits,
} from "../losses/binary.js";
import type { BCEOptions, BCEWithLogitsOptions } from "../losses/binary.js";
import type { Tensor, TensorLike } from "../tensor.js";

export class BCELoss extends WeightedLoss<BCEOptions> {
  constructor(options: BCEOptions = {}) { super(BCE_OPTIONS, options); }
  forward(input: TensorLike, target: TensorLike): Tensor { return binaryCrossEntropy(input, target, this.opts()); }
}

export class BCEWithLogitsLoss extends WeightedLoss<BCEWithLogitsOptions> {
  declare posWeight: Tensor | null;
  constructor(options: BCEWithLogitsOptions = {}) { super(BCE_WITH_LOGITS_OPTIONS, options); }
  forward(input: TensorLike, target: TensorLike): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this.opts());
  }
}
