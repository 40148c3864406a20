// The CTCLoss module. Like torch.nn.CTCLoss it has no legacy sizeAverage/reduce: unknown keys are
// rejected at construction, as Python rejects unexpected keyword arguments to __init__.

import { Loss } from "./base.js";
import { ctcLoss, CTC_KEYS } from "../losses/ctc.js";
import type { CTCLossOptions, LengthsLike } from "../losses/ctc.js";
import { checkOptionKeys } from "../options.js";
import type { Tensor, TensorLike } from "../tensor.js";

export class CTCLoss extends Loss<CTCLossOptions> {
  blank: number;
  zeroInfinity: boolean;
  constructor(options: CTCLossOptions = {}) {
    checkOptionKeys(options, CTC_KEYS, "CTCLoss.__init__");
    super(options);
    this.blank = options.blank ?? 0;
    this.zeroInfinity = options.zeroInfinity ?? false;
  }
  forward(logProbs: TensorLike, targets: TensorLike, inputLengths: LengthsLike, targetLengths: LengthsLike): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths,
      { ...this.opts(), blank: this.blank, zeroInfinity: this.zeroInfinity });
  }
}
