// torch.nn loss modules: thin classes over the functional API. As in PyTorch, the constructor
// resolves the legacy sizeAverage/reduce pair into `reduction` and stores tensor options; the
// forward pass validates everything else.

import { binaryCrossEntropy, binaryCrossEntropyWithLogits, l1Loss, mseLoss } from "./losses/elementwise.js";
import type { BCEOptions, BCEWithLogitsOptions, RegressionOptions } from "./losses/elementwise.js";
import { crossEntropy, nllLoss } from "./losses/classification.js";
import type { CrossEntropyOptions, NLLOptions } from "./losses/classification.js";
import { legacyReduction, ReductionOptions, tensorOption } from "./options.js";
import type { Tensor, TensorLike } from "./tensor.js";

/** Base of every loss module: holds `reduction` (a string, validated at forward time as in PyTorch). */
export abstract class Loss<O extends ReductionOptions = ReductionOptions> {
  reduction: string;
  protected readonly options: O;

  constructor(options: O = {} as O) {
    const { sizeAverage, reduce, ...rest } = options;
    this.reduction = sizeAverage != null || reduce != null ? legacyReduction(sizeAverage, reduce) : (options.reduction ?? "mean");
    this.options = { ...rest } as O;
  }

  /** The options forwarded to the functional form, with the current `reduction`. */
  protected opts(): O {
    return { ...this.options, reduction: this.reduction };
  }
}

/** Base of modules with a class `weight` buffer. */
export abstract class WeightedLoss<O extends ReductionOptions & { weight?: TensorLike | null }> extends Loss<O> {
  weight: Tensor | null;
  constructor(options: O = {} as O) {
    super(options);
    this.weight = tensorOption(options.weight, "weight");
  }
  protected override opts(): O {
    return { ...super.opts(), weight: this.weight };
  }
}

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
