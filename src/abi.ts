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

// ---------------------------------------------------------------- arithmetic and reductions (ops that feed losses)

/** assembly/arithmetic.ts: out = f(a, b) elementwise over the broadcast shape, with ∂out/∂a, ∂out/∂b.
 *  The `_SCALAR` ops take their number operand as p0 (no tensor b); the unary ops read a only. */
export const enum ArithmeticOp {
  /** a + b. */
  ADD = 0,
  /** a − b. */
  SUB = 1,
  /** a · b. */
  MUL = 2,
  /** a / b (true division). */
  DIV = 3,
  /** a + p0 (a − s is a + (−s): the same IEEE result). */
  ADD_SCALAR = 4,
  /** p0 − a. */
  RSUB_SCALAR = 5,
  /** a · p0. */
  MUL_SCALAR = 6,
  /** a / p0. */
  DIV_SCALAR = 7,
  /** p0 / a. */
  RDIV_SCALAR = 8,
  /** −a. */
  NEG = 9,
  /** |a|, gradient sign(a) with sign(0) = sign(NaN) = 0. */
  ABS = 10,
  /** a^p0 with PyTorch's special exponents (0, 1, ±0.5, −1, 2, 3, −2); gradient p0 · a^p1 where
   *  p1 = p0 − 1 (computed in f64, as PyTorch's pow_backward does), 0 everywhere when p0 = 0. */
  POW = 11,
  /** e^a. */
  EXP = 12,
  /** log a, gradient 1/a. */
  LOG = 13,
}

/** assembly/reductions.ts: `reduce_<T>(op, outer, len, inner, src, out, local, acc)` reduces the middle
 *  dim of the contiguous [outer, len, inner] layout at src into out [outer, inner]; for AMAX/AMIN a
 *  non-zero `local` receives mask/count per element (the gradient PyTorch spreads evenly over equal
 *  extrema); `acc` is f64 scratch for `inner` elements when inner > 1. */
export const enum ReductionOp {
  SUM = 0,
  MEAN = 1,
  AMAX = 2,
  AMIN = 3,
}

// ---------------------------------------------------------------- activations (ops that feed losses)

/** assembly/activations.ts's elementwise ops: a = input (b and c absent). No parameters. */
export const enum ActivationOp {
  /** σ(a); gradient σ(1 − σ). */
  SIGMOID = 0,
  /** log σ(a) = −softplus(−a); gradient σ(−a). */
  LOG_SIGMOID = 1,
}
