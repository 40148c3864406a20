// Binary family (assembly/binary.ts, elementwise ops BinaryOp in src/abi.ts): BCELoss on
// probabilities and BCEWithLogitsLoss on logits, with weight and pos_weight.

import { BinaryOp } from "../abi.js";
import { runElementwise } from "../elementwise.js";
import { check } from "../errors.js";
import { LossOptions, ReductionOptions, tensorOpt } from "../options.js";
import {
  FloatDType, Tensor, TensorLike, broadcastShapes, isFloat, listStr, promoteFloat, sameShape, sizeStr, toTensor, torchTypeName,
} from "../tensor.js";

export interface BCEOptions extends ReductionOptions {
  weight?: TensorLike | null;
}

export interface BCEWithLogitsOptions extends BCEOptions {
  posWeight?: TensorLike | null;
}

export const BCE_OPTIONS = new LossOptions("binary_cross_entropy", { weight: tensorOpt("weight") });
export const BCE_WITH_LOGITS_OPTIONS = new LossOptions("binary_cross_entropy_with_logits",
  { weight: tensorOpt("weight"), posWeight: tensorOpt("pos_weight") });

/** A weight (or pos_weight) may broadcast to the target's shape but not enlarge it. `optionFirst` puts
 *  the option as tensor "a" in the broadcast message, as PyTorch's op order does. */
function checkNotEnlarging(t: Tensor, target: Tensor, optionFirst: boolean): void {
  const b = optionFirst ? broadcastShapes(t.shape, target.shape) : broadcastShapes(target.shape, t.shape);
  check(sameShape(b, target.shape), () => `output with shape ${listStr(target.shape)} doesn't match the broadcast shape ${listStr(b)}`);
}

/** `F.binary_cross_entropy` on probabilities in [0, 1], with PyTorch's −100 log clamp. */
export function binaryCrossEntropy(input: TensorLike, target: TensorLike, options: BCEOptions = {}): Tensor {
  const { weight } = BCE_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  check(sameShape(x.shape, y.shape), () =>
    `Using a target size (${sizeStr(y.shape)}) that is different to the input size (${sizeStr(x.shape)}) is deprecated. Please ensure they have the same size.`);
  const reduction = BCE_OPTIONS.reduction(options);
  if (weight) checkNotEnlarging(weight, y, false);
  // PyTorch requires the target's dtype to match; a weight of the other float dtype is accepted.
  check(y.dtype === x.dtype, () => `Found dtype ${torchTypeName(y.dtype)} but expected ${torchTypeName(x.dtype)}`);
  check(isFloat(x.dtype), () => `"binary_cross_entropy" not implemented for '${torchTypeName(x.dtype)}'`);
  return runElementwise({
    family: "binary", op: BinaryOp.BCE, operands: [{ t: x, grad: true }, { t: y, grad: true }], weight, reduction,
    shape: x.shape, dtype: x.dtype as FloatDType,
    unitRange: [{ operand: 0, what: "input" }, { operand: 1, what: "target" }],
  });
}

/** `F.binary_cross_entropy_with_logits`: the stable softplus form, with weight and pos_weight. */
export function binaryCrossEntropyWithLogits(input: TensorLike, target: TensorLike, options: BCEWithLogitsOptions = {}): Tensor {
  const { weight, posWeight } = BCE_WITH_LOGITS_OPTIONS.resolve(options);
  const x = toTensor(input, "input"), y = toTensor(target, "target");
  check(sameShape(x.shape, y.shape), () => `Target size (${sizeStr(y.shape)}) must be the same as input size (${sizeStr(x.shape)})`);
  const reduction = BCE_WITH_LOGITS_OPTIONS.reduction(options);
  if (posWeight) checkNotEnlarging(posWeight, y, true);
  if (weight) checkNotEnlarging(weight, y, false);
  const dtype = promoteFloat(...[x, y, weight, posWeight].filter((t): t is Tensor => t !== null && isFloat(t.dtype)));
  check(isFloat(x.dtype), () => `"binary_cross_entropy_with_logits" not implemented for '${torchTypeName(x.dtype)}'`);
  return runElementwise({
    family: "binary", op: BinaryOp.BCE_LOGITS,
    operands: [{ t: x, grad: true }, { t: y, grad: true }, { t: posWeight, grad: false }],
    p0: posWeight ? 1 : 0, // the target gradient's form depends on whether pos_weight was given
    weight, reduction, shape: x.shape, dtype,
  });
}
