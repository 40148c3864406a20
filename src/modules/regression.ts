// The modules of the regression family: L1Loss, MSELoss, HuberLoss, SmoothL1Loss.

import { Loss } from "./base.js";
import {
  HUBER_OPTIONS, L1_OPTIONS, MSE_OPTIONS, SMOOTH_L1_OPTIONS, huberLoss, l1Loss, mseLoss, smoothL1Loss,
} from "../losses/regression.js";
import type { HuberOptions, RegressionOptions, SmoothL1Options } from "../losses/regression.js";
import type { Tensor, TensorLike } from "../tensor.js";

export class L1Loss extends Loss<RegressionOptions> {
  constructor(options: RegressionOptions = {}) { super(L1_OPTIONS, options); }
  forward(input: TensorLike, target: TensorLike): Tensor { return l1Loss(input, target, this.opts()); }
}

export class MSELoss extends Loss<RegressionOptions> {
  constructor(options: RegressionOptions = {}) { super(MSE_OPTIONS, options); }
  forward(input: TensorLike, target: TensorLike): Tensor { return mseLoss(input, target, this.opts()); }
}

/** No legacy sizeAverage/reduce: PyTorch's constructor rejects them. */
export class HuberLoss extends Loss<HuberOptions> {
  declare delta: number;
  constructor(options: HuberOptions = {}) { super(HUBER_OPTIONS, options); }
  forward(input: TensorLike, target: TensorLike): Tensor { return huberLoss(input, target, this.opts()); }
}

export class SmoothL1Loss extends Loss<SmoothL1Options> {
  declare beta: number;
  constructor(options: SmoothL1Options = {}) { super(SMOOTH_L1_OPTIONS, options); }
  forward(input: TensorLike, target: TensorLike): Tensor { return smoothL1Loss(input, target, this.opts()); }
}
