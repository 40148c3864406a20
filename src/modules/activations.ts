// The torch.nn activation modules that feed losses: LogSoftmax, Softmax, Sigmoid, LogSigmoid. Not losses
// (no reduction): thin classes over src/ops/activations.ts. As in PyTorch the constructor only stores
// `dim`; forward checks it.

import { NNLossError } from "../errors.js";
import { checkOptionKeys } from "../options.js";
import { logSigmoid, logSoftmax, sigmoid, softmax } from "../ops/activations.js";
import type { Tensor, TensorLike } from "../tensor.js";

/** The `dim` given to a LogSoftmax / Softmax constructor: `{ dim }`, or the dim itself (PyTorch's positional form). */
function dimOption(options: { dim?: number | null } | number | null | undefined, cls: string): number | null {
  if (options === undefined || options === null) return null;
  if (typeof options !== "object" || Array.isArray(options)) return options as number;
  checkOptionKeys(options, ["dim"], `${cls}.__init__`);
  return options.dim ?? null;
}

/** Sigmoid and LogSigmoid take no arguments: PyTorch's Module.__init__ messages. */
function noOptions(options: unknown): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new NNLossError("Module.__init__() takes 1 positional argument but 2 were given");
  }
  checkOptionKeys(options, [], "Module.__init__");
}

/** `nn.LogSoftmax(dim)`: log_softmax along `dim` (omitted: PyTorch's legacy implicit dim). */
export class LogSoftmax {
  dim: number | null;
  constructor(options: { dim?: number | null } | number | null = {}) { this.dim = dimOption(options, "LogSoftmax"); }
  forward(input: TensorLike): Tensor { return logSoftmax(input, { dim: this.dim }); }
}

/** `nn.Softmax(dim)`: softmax along `dim` (omitted: PyTorch's legacy implicit dim). */
export class Softmax {
  dim: number | null;
  constructor(options: { dim?: number | null } | number | null = {}) { this.dim = dimOption(options, "Softmax"); }
  forward(input: TensorLike): Tensor { return softmax(input, { dim: this.dim }); }
}

/** `nn.Sigmoid()`. */
export class Sigmoid {
  constructor(options?: Record<string, never>) { noOptions(options); }
  forward(input: TensorLike): Tensor { return sigmoid(input); }
}

/** `nn.LogSigmoid()`. */
export class LogSigmoid {
  constructor(options?: Record<string, never>) { noOptions(options); }
  forward(input: TensorLike): Tensor { return logSigmoid(input); }
}
