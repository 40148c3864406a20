// CTC loss (assembly/ctc.ts). PyTorch's shape rules and checks, in PyTorch's order, run here; one
// kernel call then yields every sample's negative log-likelihood and, when log_probs requires grad,
// the gradient (computed in the same pass, so backward only scales it).
//
// log_probs (T, N, C) or unbatched (T, C); targets padded (N, S) or concatenated (Σ target_lengths)
// (unbatched: (S) with S = target_length, or (1, S)); lengths as integral tensors, typed arrays,
// plain arrays of integers or (unbatched) a single integer. nnloss follows PyTorch 2.x where 1.13 is
// buggy: negative lengths are errors, and an input_length of 0 gives 0 (empty target) or +inf.

import { needsGrad } from "../autograd.js";
import { wasmLane } from "../blocks.js";
import { runCall } from "../call.js";
import { check } from "../errors.js";
import { floatCtor, operandIn, suffix } from "../operands.js";
import { bool, int, LossOptions } from "../options.js";
import { FloatDType, Tensor, TensorLike, isFloat, toTensor, torchTypeName } from "../tensor.js";

export interface CTCLossOptions {
  blank?: number;
  reduction?: string;
  zeroInfinity?: boolean;
}

/** The keyword arguments of `F.ctc_loss` / `nn.CTCLoss` (no legacy sizeAverage/reduce). */
export const CTC_OPTIONS = new LossOptions("ctc_loss", { blank: int(0), zeroInfinity: bool(false) }, { noLegacy: true });

/** Lengths as PyTorch takes them: integral tensors (any shape; numel counts) or lists of ints. */
export type LengthsLike = TensorLike | number;

const WHERE = "(while checking arguments for ctc_loss_cpu)";

/** input_lengths / target_lengths as numbers ("must be integral" for floating values). */
function lengthsOf(arg: LengthsLike, name: string): number[] {
  if (typeof arg === "number") {
    check(Number.isInteger(arg), `${name} must be integral`);
    return [arg];
  }
  // plain integer arrays become int64, as torch.tensor([5, 3]) would
  const t = toTensor(arg, name, true);
  check(!isFloat(t.dtype), `${name} must be integral`);
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

function atLeastZero(name: string, v: number): string {
  return `Expected ${name} to have value at least 0, but got value ${v} ${WHERE}`;
}

function targetsSize(dim: number, size: number, got: number): string {
  return `Expected tensor to have size ${size} at dimension ${dim}, but got size ${got} for argument #2 'targets' ${WHERE}`;
}

/** `F.ctc_loss`: negative log-likelihood of the targets under every monotonic alignment. */
export function ctcLoss(logProbs: TensorLike, targets: TensorLike, inputLengths: LengthsLike, targetLengths: LengthsLike,
                        options: CTCLossOptions = {}): Tensor {
  const { blank, zeroInfinity } = CTC_OPTIONS.resolve(options);
  const reduction = CTC_OPTIONS.reduction(options);
  const x = toTensor(logProbs, "log_probs");
  const t = toTensor(targets, "targets", true);
  const il = lengthsOf(inputLengths, "input_lengths");
  const tl = lengthsOf(targetLengths, "target_lengths");

  // unbatched (T, C) input gets a batch dimension of 1 (unsqueeze(1)) before anything else
  check(x.ndim !== 0, "Dimension out of range (expected to be in range of [-1, 0], but got 1)");
  const batched = x.ndim === 3;
  check(isFloat(x.dtype), () => `"ctc_loss_cpu" not implemented for '${torchTypeName(x.dtype)}'`);
  const dims = batched ? 3 : x.ndim + 1;
  check(dims === 3, () => `Expected 3-dimensional tensor, but got ${dims}-dimensional tensor for argument #1 'log_probs' ${WHERE}`);
  check(t.ndim === 1 || t.ndim === 2, () =>
    `Expected 1 to 2 dimensions, but got ${t.ndim}-dimensional tensor for argument #2 'targets' ${WHERE}`);
  const [T, N, C] = batched ? x.shape : [x.shape[0], 1, x.shape[1]];
  check(blank >= 0 && blank < C, "blank must be in label range");
  check(il.length === N, "input_lengths must be of size batch_size");
  check(tl.length === N, "target_lengths must be of size batch_size");

  // where each sample's labels start in the (contiguous) targets
  const offsets = new Array<number>(N);
  let maxL = 0;
  if (t.ndim === 1) {
    let pos = 0;
    for (let b = 0; b < N; b++) {
      check(tl[b] >= 0, () => atLeastZero("target_lengths", tl[b]));
      offsets[b] = pos;
      pos += tl[b];
      maxL = Math.max(maxL, tl[b]);
    }
    check(t.shape[0] === pos, () => targetsSize(0, pos, t.shape[0]));
  } else {
    for (let b = 0; b < N; b++) {
      check(tl[b] >= 0, () => atLeastZero("target_lengths", tl[b]));
      offsets[b] = b * t.shape[1];
      maxL = Math.max(maxL, tl[b]);
    }
    check(t.shape[0] === N, () => targetsSize(0, N, t.shape[0]));
    check(t.shape[1] >= maxL, () =>
      `Expected tensor to have size at least ${maxL} at dimension 1, but got size ${t.shape[1]} for argument #2 'targets' ${WHERE}`);
  }
  for (let b = 0; b < N; b++) {
    check(il[b] >= 0, () => atLeastZero("input_lengths", il[b]));
    check(il[b] <= T, () => `Expected input_lengths to have value at most ${T}, but got value ${il[b]} ${WHERE}`);
  }
  // PyTorch fails on T = 0 while initialising alpha's first row
  check(T > 0, "start (0) + length (1) exceeds dimension size (0).");

  const d = x.dtype as FloatDType;
  const S = 2 * maxL + 1;
  const bytes = floatCtor(d).BYTES_PER_ELEMENT;
  const wantGrad = needsGrad(x);
  return runCall(d, (w) => {
    const lp = operandIn(w, x, d, x.shape);
    const offs = w.ints(offsets), inl = w.ints(il), tgl = w.ints(tl);
    const labels = w.allocFor(Int32Array, t.numel);
    const tsfx = { int32: "i32", int64: "i64", float32: "f32", float64: "f64" }[t.dtype] as "i32" | "i64" | "f32" | "f64";
    const bad = w.k[`ctcTargets_${tsfx}`](w.copyIn(t.data), offs, tgl, N, C, labels);
    check(bad < 0, () => `Target ${String(t.data[bad])} is out of bounds.`);
    // alpha keeps every row for the backward pass, two rolling rows otherwise; beta needs two rows
    const alpha = w.allocFor(floatCtor(d), (wantGrad ? T : 2) * S);
    const beta = wantGrad ? w.allocFor(floatCtor(d), 2 * S) : 0;
    const ext = w.allocFor(Int32Array, S);
    // one unit: the recursions run over the whole (T, N, C) array at once
    return {
      units: 1, inputs: [wasmLane(lp, bytes, x.numel)],
      out: { perUnit: N, shape: batched ? [N] : [] },
      reduction, meanOver: N,
      // a per-sample result lines up with the batch dim of log_probs
      grads: [{ t: x, perUnit: x.numel, gShape: batched ? [1, N, 1] : [1, 1] }],
      kernel: (_, [lpb], [out, grad], gscale) => w.k[`ctcLoss_${suffix(d)}`](T, N, C, lpb, labels, offs, inl, tgl, blank,
        zeroInfinity ? 1 : 0, reduction === "mean" ? 1 : 0, gscale, out, grad, alpha, beta, ext),
    };
  });
}
