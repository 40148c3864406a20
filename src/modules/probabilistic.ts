// The modules of the probabilistic family: PoissonNLLLoss, GaussianNLLLoss, KLDivLoss.

import { Loss } from "./base.js";
import {
  GAUSSIAN_NLL_OPTIONS, KL_DIV_OPTIONS, POISSON_NLL_OPTIONS, gaussianNllLoss, klDiv, poissonNllLoss,
} from "../losses/probabilistic.js";
import type { GaussianNLLOptions, KLDivOptions, PoissonNLLOptions } from "../losses/probabilistic.js";
import type { Tensor, TensorLike } from "../tensor.js";

export class PoissonNLLLoss extends Loss<PoissonNLLOptions> {
  declare logInput: boolean;
  declare full: boolean;
  declare eps: number;
  constructor(options: PoissonNLLOptions = {}) { super(POISSON_NLL_OPTIONS, options); }
  forward(logInput: TensorLike, target: TensorLike): Tensor { return poissonNllLoss(logInput, target, this.opts()); }
}

/** No legacy sizeAverage/reduce: PyTorch's constructor rejects them. */
export class GaussianNLLLoss extends Loss<GaussianNLLOptions> {
  declare full: boolean;
  declare eps: number;
  constructor(options: GaussianNLLOptions = {}) { super(GAUSSIAN_NLL_OPTIONS, options); }
  /** `variance` is PyTorch's `var` argument (a tensor, or a number as in PyTorch 2.x). */
  forward(input: TensorLike, target: TensorLike, variance: TensorLike | number): Tensor {
    return gaussianNllLoss(input, target, variance, this.opts());
  }
}

export class KLDivLoss extends Loss<KLDivOptions> {
  declare logTarget: boolean;
  constructor(options: KLDivOptions = {}) { super(KL_DIV_OPTIONS, options); }
  forward(input: TensorLike, target: TensorLike): Tensor { return klDiv(input, target, this.opts()); }
}
