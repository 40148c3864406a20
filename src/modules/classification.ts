// The modules of the classification family: CrossEntropyLoss, NLLLoss.

import { WeightedLoss } from "./base.js";
import { CROSS_ENTROPY_OPTIONS, NLL_OPTIONS, crossEntropy, nllLoss } from "../losses/classification.js";
import type { CrossEntropyOptions, NLLOptions } from "../losses/classification.js";
import type { Tensor, TensorLike } from "../tensor.js";

export class NLLLoss extends WeightedLoss<NLLOptions> {
  declare ignoreIndex: number;
  constructor(options: NLLOptions = {}) { super(NLL_OPTIONS, options); }
  forward(input: TensorLike, target: TensorLike): Tensor { return nllLoss(input, target, this.opts()); }
}

export class CrossEntropyLoss extends WeightedLoss<CrossEntropyOptions> {
  declare ignoreIndex: number;
  declare labelSmoothing: number;
  constructor(options: CrossEntropyOptions = {}) { super(CROSS_ENTROPY_OPTIONS, options); }
  forward(input: TensorLike, target: TensorLike): Tensor { return crossEntropy(input, target, this.opts()); }
}
