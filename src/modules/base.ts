// torch.nn loss modules are thin classes over the functional API. As in PyTorch, the constructor
// resolves the legacy sizeAverage/reduce pair into `reduction` and stores tensor options (weight,
// posWeight) as Tensors; the forward pass validates everything else. One file per loss family.

import { check } from "../errors.js";
import { legacyReduction, ReductionOptions, tensorOption } from "../options.js";
import type { Tensor, TensorLike } from "../tensor.js";

/** Base of every loss module: holds `reduction` (a string, validated at forward time as in PyTorch). */
export abstract class Loss<O extends ReductionOptions = ReductionOptions> {
  reduction: string;
  protected readonly options: O;

  constructor(options: O = {} as O) {
    check(typeof options === "object" && options !== null, `${new.target.name}: options must be an object`);
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

