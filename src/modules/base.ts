// torch.nn loss modules are thin classes over the functional API. Each loss declares its options once
// (a LossOptions in its family's src/losses/ file); the class's constructor checks the keys as Python
// checks keyword arguments, resolves the legacy sizeAverage/reduce pair into `reduction`, and stores
// each option as an attribute (PyTorch's names in camelCase; tensor options as Tensors), and
// `forward` hands them all to the function, which validates them as PyTorch's functional form does.

import { check } from "../errors.js";
import { checkOptionKeys, Kinds, legacyReduction, LossOptions, ReductionOptions } from "../options.js";
import type { Tensor, TensorLike } from "../tensor.js";

/** Base of every loss module: holds `reduction` (a string, validated at forward time as in PyTorch)
 *  and the loss's other options as attributes. */
export abstract class Loss<O extends ReductionOptions = ReductionOptions> {
  reduction: string;
  private readonly spec: LossOptions<Kinds>;

  constructor(spec: LossOptions<Kinds>, options: O = {} as O) {
    check(typeof options === "object" && options !== null, `${new.target.name}: options must be an object`);
    checkOptionKeys(options, spec.keys, `${new.target.name}.__init__`);
    this.spec = spec;
    const { sizeAverage, reduce } = options;
    this.reduction = sizeAverage != null || reduce != null ? legacyReduction(sizeAverage, reduce) : (options.reduction ?? "mean");
    Object.assign(this, spec.attributes(options as Record<string, unknown>));
  }

  /** The options forwarded to the functional form: every attribute, with the current `reduction`. */
  protected opts(): O {
    const o: Record<string, unknown> = { reduction: this.reduction };
    for (const key of Object.keys(this.spec.kinds)) o[key] = (this as unknown as Record<string, unknown>)[key];
    return o as O;
  }
}

/** Base of modules with a class `weight` buffer. */
export abstract class WeightedLoss<O extends ReductionOptions & { weight?: TensorLike | null }> extends Loss<O> {
  declare weight: Tensor | null;
}
