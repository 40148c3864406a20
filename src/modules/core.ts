// The modules of the core losses (L1, MSE, NLL, CrossEntropy, BCE, BCEWithLogits).

import { Loss, WeightedLoss } from "./base.js";
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, l1Loss, mseLoss } from "../losses/elementwise.js";
import type { BCEOptions, BCEWithLogitsOptions, RegressionOptions } from "../losses/elementwise.js";
import { crossEntropy, nllLoss } from "../losses/classification.js";
import type { CrossEntropyOptions, NLLOptions } from "../losses/classification.js";
import { tensorOption } from "../options.js";
import type { Tensor, TensorLike } from "../tensor.js";

export class L1Loss extends Loss<RegressionOptions> {
  forward(input: TensorLike, target: TensorLike): Tensor { return l1Loss(input, target, this.opts()); }
}

export class MSELoss extends Loss<RegressionOptions> {
  forward(input: TensorLike, target: TensorLike): Tensor { return mseLoss(input, target, this.opts()); }
}

export class NLLLoss extends WeightedLoss<NLLOptions> {
  ignoreIndex: number;
  constructor(options: NLLOptions = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }
  forward(input: TensorLike, target: TensorLike): Tensor {
    return nllLoss(input, target, { ...this.opts(), ignoreIndex: this.ignoreIndex });
  }
}

export class CrossEntropyLoss extends WeightedLoss<CrossEntropyOptions> {
  ignoreIndex: number;
  labelSmoothing: number;
  constructor(options: CrossEntropyOptions = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }
  forward(input: TensorLike, target: TensorLike): Tensor {
    return crossEntropy(input, target, { ...this.opts(), ignoreIndex: this.ignoreIndex, labelSmoothing: this.labelSmoothing });
  }
}

export class BCELoss extends WeightedLoss<BCEOptions> {
  forward(input: TensorLike, target: TensorLike): Tensor { return binaryCrossEntropy(input, target, this.opts()); }
}

export class BCEWithLogitsLoss extends WeightedLoss<BCEWithLogitsOptions> {
  posWeight: Tensor | null;
  constructor(options: BCEWithLogitsOptions = {}) {
    super(options);
    this.posWeight = tensorOption(options.posWeight, "pos_weight");
  }
  forward(input: TensorLike, target: TensorLike): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { ...this.opts(), posWeight: this.posWeight });
  }
}
