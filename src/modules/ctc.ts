// The module of the ctc family: CTCLoss. Like torch.nn.CTCLoss it has no legacy sizeAverage/reduce.

import { Loss } from "./base.js";
import { CTC_OPTIONS, ctcLoss } from "../losses/ctc.js";
import type { CTCLossOptions, LengthsLike } from "../losses/ctc.js";
import type { Tensor, TensorLike } from "../tensor.js";

export class CTCLoss extends Loss<CTCLossOptions> {
  declare blank: number;
  declare zeroInfinity: boolean;
  constructor(options: CTCLossOptions = {}) { super(CTC_OPTIONS, options); }
  forward(logProbs: TensorLike, targets: TensorLike, inputLengths: LengthsLike, targetLengths: LengthsLike): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, this.opts());
  }
}
