// torch.nn loss modules are thin classes over the functional API. Each loss declares its options once
// (a LossOptions in its family's src/losses/ file); the class's constructor checks the keys as Python
// checks keyword arguments, resolves the legacy sizeAverage/reduce pair into `reduction`, and stores
// each option as an attribute (PyTorch's names in camelCase; tensor options as Tensors), and
// `forward` hands them all to the function, which validates them as PyTorch's functional form does.

import { check, NNLossError } from "../errors.js";
import { checkOptionKeys, Kinds, legacyReduction, LossOptions, ReductionOptions } from "../options.js";
import { tensor } from "../tensor.js";
import type { Tensor, TensorLike } from "../tensor.js";

/** @internal What an adapter (`nnloss/tfjs`) needs from the nnloss a loss belongs to: which loss it is
 *  (PyTorch's functional name, stable under minification) and that copy's `tensor()` and error class.
 *  The adapter finds them through the loss itself and imports no nnloss of its own, so it works with
 *  whichever entry the application loaded and initialised (default, `nnloss/raw`, `nnloss/relaxed`). */
export interface LossBridge {
  readonly name: string;
  readonly tensor: typeof tensor;
  readonly NNLossError: typeof NNLossError;
}

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

  /** @internal See LossBridge. */
  _bridge(): LossBridge {
    return { name: this.spec.fname, tensor, NNLossError };
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
