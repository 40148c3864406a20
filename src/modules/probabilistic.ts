// The modules of the likelihood losses (PoissonNLLLoss, GaussianNLLLoss, KLDivLoss).

import { Loss } from "./base.js";
import { gaussianNllLoss, klDiv, poissonNllLoss } from "../losses/probabilistic.js";
import type { GaussianNLLOptions, KLDivOptions, PoissonNLLOptions } from "../losses/probabilistic.js";
import { checkOptionKeys } from "../options.js";
import type { Tensor, TensorLike } from "../tensor.js";

export class PoissonNLLLoss extends Loss<PoissonNLLOptions> {
  logInput: boolean;
  full: boolean;
  eps: number;
  constructor(options: PoissonNLLOptions = {}) {
    super(options);
    this.logInput = options.logInput ?? true;
    this.full = options.full ?? false;
    this.eps = options.eps ?? 1e-8;
  }
  forward(logInput: TensorLike, target: TensorLike): Tensor {
    return poissonNllLoss(logInput, target, { ...this.opts(), logInput: this.logInput, full: this.full, eps: this.eps });
  }
}

export class GaussianNLLLoss extends Loss<GaussianNLLOptions> {
  full: boolean;
  eps: number;
  constructor(options: GaussianNLLOptions = {}) {
    // No legacy sizeAverage/reduce here: PyTorch's constructor rejects them.
    checkOptionKeys(options, ["full", "eps", "reduction"], "GaussianNLLLoss.__init__");
    super(options);
    this.full = options.full ?? false;
    this.eps = options.eps ?? 1e-6;
  }
  /** `variance` is PyTorch's `var` argument (a tensor, or a number as in PyTorch 2.x). */
  forward(input: TensorLike, target: TensorLike, variance: TensorLike | number): Tensor {
    return gaussianNllLoss(input, target, variance, { ...this.opts(), full: this.full, eps: this.eps });
  }
}

export class KLDivLoss extends Loss<KLDivOptions> {
  logTarget: boolean;
  constructor(options: KLDivOptions = {}) {
    super(options);
    this.logTarget = options.logTarget ?? false;
  }
  forward(input: TensorLike, target: TensorLike): Tensor {
    return klDiv(input, target, { ...this.opts(), logTarget: this.logTarget });
  }
}
