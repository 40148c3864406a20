// Numbers the wasm kernels and the TypeScript share, in one file compiled by both `asc` (imported by
// assembly/*.ts as "../src/abi") and `tsc`: the elementwise op ids of each family's dispatcher, and the
// block constants both sides must agree on. Only `const enum`s and integer constants belong here (the
// subset of TypeScript that AssemblyScript compiles unchanged).
//
// Every elementwise dispatcher (`<family>_f32/_f64` in assembly/<family>.ts) has the signature
//   (op, n, a, b, c, w, p0, p1, out, ga, gb, gc, gscale) → Σ w·ℓ
// with operands a, b, c (c reads as 1 when absent), weight w, and two per-call scalars p0, p1 whose
// meaning each op states below. Formulas are in the op classes of the family file.

/** assembly/regression.ts: a = input, b = target. */
export const enum RegressionOp {
  /** (a − b)². No parameters. */
  MSE = 0,
  /** |a − b|, gradient sign(a − b) with sign(0) = 0. No parameters. */
  L1 = 1,
  /** p0 = delta (> 0). */
  HUBER = 2,
  /** p0 = beta (> 0; β = 0 is computed as L1). */
  SMOOTH_L1 = 3,
}

/** assembly/binary.ts: a = input (probabilities or logits), b = target. */
export const enum BinaryOp {
  /** No parameters. */
  BCE = 0,
  /** c = pos_weight (absent: 1); p0 = 1 when a pos_weight was given (the target gradient's form). */
  BCE_LOGITS = 1,
}

/** assembly/probabilistic.ts: a = input, b = target. */
export const enum ProbabilisticOp {
  /** Poisson with log-rate input. p1 = 1 adds the Stirling term (`full`). */
  POISSON_LOG = 0,
  /** Poisson with rate input. p0 = eps, p1 = 1 adds the Stirling term (`full`). */
  POISSON = 1,
  /** c = var; p0 = eps (var's lower clamp), p1 = 1 adds ½·log 2π (`full`). */
  GAUSSIAN = 2,
  /** b = probabilities. No parameters. */
  KL_DIV = 3,
  /** b = log-probabilities (`logTarget`). No parameters. */
  KL_DIV_LOG = 4,
}

/** assembly/margin.ts's elementwise ops. */
export const enum MarginOp {
  /** a = x1, b = x2, c = y; p0 = margin. */
  RANKING = 0,
  /** a = input, b = target (±1, or any value: both terms); p0 = margin. */
  HINGE = 1,
  /** a = input, b = target. No parameters. */
  SOFT = 2,
}

/** Cross-entropy rows of at most this many classes (contiguous, float32, SIMD) run four rows at a time
 *  with the classes in lanes; the TS side then cuts blocks at multiples of SHORT_ROW_ALIGN rows so the
 *  grouping, and so every bit of the result, does not depend on where the operands live. */
export const SHORT_ROW_CLASSES = 16;
export const SHORT_ROW_ALIGN = 16;

/** assembly/activations.ts's elementwise ops: a = input (b and c absent). No parameters. */
export const enum ActivationOp {
  /** σ(a); gradient σ(1 − σ). */
  SIGMOID = 0,
  /** log σ(a) = −softplus(−a); gradient σ(−a). */
  LOG_SIGMOID = 1,
}
