/** Every error nnloss throws on bad input. Messages follow PyTorch's wording where PyTorch has one. */
export class NNLossError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NNLossError";
  }
}

/** Throw an NNLossError unless `cond` holds. */
export function check(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new NNLossError(typeof message === "string" ? message : message());
}
