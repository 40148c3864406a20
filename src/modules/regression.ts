// The modules of the robust regression losses (HuberLoss, SmoothL1Loss).

import { Loss } from "./base.js";
import { huberLoss, smoothL1Loss } from "../losses/regression.js";
import type { HuberOptions, SmoothL1Options } from "../losses/regression.js";
import { checkOptionKeys } from "../options.js";
import type { Tensor, TensorLike } from "../tensor.js";

export class HuberLoss extends Loss<HuberOptions> {
  delta: number;
  constructor(options: HuberOptions = {}) {
    // No legacy sizeAverage/reduce here: PyTorch's constructor rejects them.
    checkOptionKeys(options, ["reduction", "delta"], "HuberLoss.__init__");
    super(options);
    this.delta = options.delta ?? 1;
  }
  forward(input: TensorLike, target: TensorLike): Tensor {
    return huberLoss(input, target, { ...this.opts(), delta: this.delta });
  }
}

export class SmoothL1Loss extends Loss<SmoothL1Options> {
  beta: number;
  constructor(options: SmoothL1Options = {}) {
    super(options);
    this.beta = options.beta ?? 1;
  }
  forward(input: TensorLike, target: TensorLike): Tensor {
    return smoothL1Loss(input, target, { ...this.opts(), beta: this.beta });
  }
}
