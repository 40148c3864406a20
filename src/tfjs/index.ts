// nnloss/tfjs: every nnloss loss inside TensorFlow.js training.
//
//   tfjsLoss(criterion, options?)        → a function of PyTorch's positional arguments (tfjs tensors, or
//                                          arrays for labels and lengths) returning a tfjs tensor that is
//                                          differentiable through tf.customGrad
//   tfjsCompileLoss(criterion, options?) → (yTrue, yPred) => tf.Scalar for model.compile, with `.accuracy`
//
// tfjs is an optional peer dependency: this file imports "@tensorflow/tfjs-core" (what @tensorflow/tfjs,
// tfjs-node and every tfjs backend are built on), kept external by the build, so the application's copy
// is the one used. It imports no nnloss either: the criterion carries the nnloss it belongs to (its
// bridge, src/modules/base.ts), so whichever nnloss entry the application loaded and initialised runs.
//
// The data path: tfjs tensors are read with dataSync() (free on the cpu backend, a copy out of the wasm
// heap on the wasm backend, a synchronous GPU readback on webgl), nnloss computes the loss and — when a
// tfjs gradient tape is recording — the gradient in the same pass, and the gradient is handed back as
// a tfjs tensor when tfjs backpropagates. With no tape recording (evaluation, tf.tidy without grad)
// only the forward pass runs.

import * as tf from "@tensorflow/tfjs-core";
import type { Rank, Scalar, Tensor } from "@tensorflow/tfjs-core";
import type { Loss, LossBridge } from "../modules/base.js";
import type { Tensor as NNTensor } from "../tensor.js";
import { ACCURACY, ArgKind, CLASS_DIM_LOSSES, SIGNATURES } from "./signatures.js";

// ---------------------------------------------------------------- public types

/** Any nnloss loss module: `new CrossEntropyLoss(...)`, `new CTCLoss()`, ... */
export type Criterion = Loss<any> & { forward(...args: any[]): NNTensor };

/** What a tfjsLoss argument may be: a tfjs tensor, or (labels, targets, lengths) a typed array, a
 *  number array or a number. Only tfjs tensors are differentiated. */
export type TfjsArg = Tensor | ArrayLike<number> | BigInt64Array | number;

/** A loss function over the criterion's positional arguments, as tfjs values. */
export type TfjsLossFn<P extends readonly unknown[], R extends Rank> = (...args: { [K in keyof P]: TfjsArg }) => Tensor<R>;

export interface TfjsLossOptions {
  /** CTCLoss: `logProbs` is batch-first, `[N, T, C]` (tfjs's sequence layout) instead of PyTorch's
   *  `[T, N, C]`; its gradient comes back `[N, T, C]`. */
  batchFirst?: boolean;
  /** CrossEntropyLoss, NLLLoss: the class dimension is the last one, `[N, d1..dK, C]` (tfjs's
   *  channels-last) instead of dim 1; class-index targets are `[N, d1..dK]`, probability targets have
   *  the input's shape; the gradient comes back in the input's layout. */
  channelsLast?: boolean;
}

export interface TfjsCompileOptions extends TfjsLossOptions {
  /** How `yTrue` encodes the labels of a class-index loss (CrossEntropyLoss, NLLLoss, MultiMarginLoss):
   *  - `"onehot"` (default): one-hot rows along the class dim, as `tf.oneHot(indices, C)` makes them;
   *    an all-zero row (what `tf.oneHot` gives for index −1) is an ignored sample. The loss sees class
   *    indices, so class weights and `ignoreIndex` keep PyTorch's weighted mean Σw·ℓ / Σw.
   *  - `"probabilities"` (CrossEntropyLoss only): rows are class probabilities, passed as PyTorch's
   *    probability targets (soft labels; PyTorch's mean then divides by N). */
  labels?: "onehot" | "probabilities";
}

/** The function `model.compile({ loss })` takes, with the matching accuracy metric. */
export interface TfjsCompiledLoss {
  (yTrue: Tensor, yPred: Tensor): Scalar;
  /** Accuracy as the loss counts samples, for `metrics: [loss.accuracy]` (reported as `acc`): the
   *  arg-max class against the label over the samples that are not ignored (an all-ignored batch gives
   *  NaN, as the loss does); for binary losses the thresholded prediction against the label. */
  readonly accuracy: (yTrue: Tensor, yPred: Tensor) => Scalar;
}

// ---------------------------------------------------------------- tfjsLoss

/**
 * `criterion` as a tfjs loss: call the result with PyTorch's positional arguments in PyTorch's order
 * (tfjs tensors; labels, lengths and other non-differentiable arguments may also be arrays, typed
 * arrays or numbers). It returns a tfjs tensor — a scalar for `mean` and `sum`, PyTorch's shape for
 * `none` (then write `tfjsLoss<Rank.R1>(...)` for the static type) — differentiable with respect to
 * every float tensor argument PyTorch differentiates, with zero gradients for the others. Works inside
 * `tf.grad`, `tf.valueAndGrad`, `tf.variableGrads`, `optimizer.minimize` and `tf.tidy`.
 */
export function tfjsLoss<R extends Rank = Rank.R0, C extends Criterion = Criterion>(
  criterion: C, options: TfjsLossOptions = {},
): TfjsLossFn<Parameters<C["forward"]>, R> {
  const ctx = context(criterion, options, "tfjsLoss");
  const fn = (...args: TfjsArg[]): Tensor<R> => tf.tidy(() => {
    if (args.length !== ctx.arity) {
      throw new ctx.bridge.NNLossError(`${ctx.cls}.forward() takes ${ctx.arity} arguments, got ${args.length}`);
    }
    const prepared = args.map((a, i) => {
      // batch-first CTC: [N, T, C] → [T, N, C] as a tfjs op, so tfjs carries the gradient back
      if (i === 0 && ctx.batchFirst) {
        if (!isTfTensor(a) || a.rank !== 3) {
          throw new ctx.bridge.NNLossError(`${ctx.cls} with batchFirst: logProbs must be a tfjs tensor [N, T, C], got ${describe(a)}`);
        }
        return tf.transpose(a, [1, 0, 2]);
      }
      return a;
    });
    return run(ctx, prepared, isTapeOn()) as Tensor<R>;
  });
  return fn as unknown as TfjsLossFn<Parameters<C["forward"]>, R>;
}

// ---------------------------------------------------------------- tfjsCompileLoss

/**
 * `criterion` as the loss of `model.compile({ loss })`: `(yTrue, yPred) => tf.Scalar`, the criterion's
 * value on the batch (PyTorch's mean — the weighted mean Σw·ℓ/Σw with class weights and ignored
 * samples — or its sum), differentiable in `yPred`. Labels have the model output's shape, as `fit`
 * requires: see `TfjsCompileOptions.labels`. `.accuracy` is the matching metric. For losses of two
 * arguments (input, target); `reduction: "none"` is refused (`compile` would average it by N).
 */
export function tfjsCompileLoss(criterion: Criterion, options: TfjsCompileOptions = {}): TfjsCompiledLoss {
  const ctx = context(criterion, options, "tfjsCompileLoss");
  const E = ctx.bridge.NNLossError;
  const labels = options.labels ?? "onehot";
  if (labels !== "onehot" && labels !== "probabilities") throw new E(`tfjsCompileLoss: labels must be "onehot" or "probabilities", got ${String(labels)}`);
  if (ctx.arity !== 2) {
    throw new E(`tfjsCompileLoss: ${ctx.cls}.forward takes ${ctx.arity} arguments; model.compile calls a loss with (yTrue, yPred) only: ` +
      "use tfjsLoss in a custom training loop (optimizer.minimize)");
  }
  if (criterion.reduction === "none") {
    throw new E(`tfjsCompileLoss: reduction "none" — model.compile averages whatever the loss returns over the batch ` +
      "(Σℓ/N, which is not PyTorch's weighted mean): use \"mean\" (PyTorch's mean of the batch) or \"sum\"");
  }
  const targetKind = ctx.kinds[1];
  const classIndex = (targetKind === "t" || targetKind === "i") && ctx.name !== "multilabel_margin_loss";
  if (labels === "probabilities" && ctx.name !== "cross_entropy") {
    throw new E(`tfjsCompileLoss: labels "probabilities" is for CrossEntropyLoss, not ${ctx.cls}`);
  }
  const decode = classIndex && labels === "onehot";
  const classAxis = (rank: number) => (rank === 1 || ctx.channelsLast ? rank - 1 : 1);

  const loss = (yTrue: Tensor, yPred: Tensor): Scalar => tf.tidy(() => {
    if (!isTfTensor(yTrue) || !isTfTensor(yPred)) throw new E("tfjsCompileLoss: (yTrue, yPred) must be tfjs tensors");
    // labels are data, never an input of the custom gradient (fit never asks for ∂loss/∂yTrue): one-hot
    // rows decoded to class indices, or passed as they are (probabilities, regression targets,
    // multilabel-margin indices)
    // (tf.oneHot makes int32 labels: as floats they are the same numbers)
    const target = decode ? oneHotToIndices(ctx, yTrue, yPred, classAxis(yPred.rank))
      : targetKind === "i" || yTrue.dtype === "float32" ? yTrue : tf.cast(yTrue, "float32");
    return run(ctx, [yPred, { constant: target }], isTapeOn()) as Scalar;
  });

  const spec = ACCURACY[ctx.name];
  const accuracy = (yTrue: Tensor, yPred: Tensor): Scalar => tf.tidy(() => {
    if (!spec) throw new E(`tfjsCompileLoss: ${ctx.cls} has no accuracy (it is not a classification loss)`);
    if (spec.kind === "threshold") {
      const p = tf.greater(yPred, spec.pred), t = tf.greater(yTrue, spec.label);
      return tf.mean(tf.cast(tf.equal(p, t), "float32")) as Scalar;
    }
    const axis = classAxis(yPred.rank);
    const pred = tf.argMax(yPred, axis);
    const truth = tf.argMax(yTrue, axis);
    if (!decode) return tf.mean(tf.cast(tf.equal(truth, pred), "float32")) as Scalar;
    let valid = tf.greater(tf.max(yTrue, axis), 0); // all-zero rows are ignored samples
    const ignore = (criterion as { ignoreIndex?: number }).ignoreIndex;
    if (typeof ignore === "number" && ignore >= 0) valid = tf.logicalAnd(valid, tf.notEqual(truth, tf.scalar(ignore, "int32")));
    const hit = tf.logicalAnd(valid, tf.equal(truth, pred));
    // over the samples the loss counts; NaN for a batch with none, as the loss (not 0/0 in tfjs:
    // the webgl backend's division returns 1 for equal operands)
    const n = tf.sum(tf.cast(valid, "float32"));
    return tf.where(tf.greater(n, 0), tf.div(tf.sum(tf.cast(hit, "float32")), tf.maximum(n, 1)), tf.scalar(NaN)) as Scalar;
  });
  Object.defineProperty(accuracy, "name", { value: "acc" }); // logs.acc / val_acc, as metrics: ["accuracy"]
  Object.defineProperty(loss, "name", { value: `nnloss_${ctx.name}` });
  return Object.assign(loss, { accuracy });
}

// ---------------------------------------------------------------- the call

interface Context {
  readonly criterion: Criterion;
  readonly bridge: LossBridge;
  readonly name: string;
  readonly cls: string;
  readonly arity: number;
  readonly kinds: readonly ArgKind[];
  readonly batchFirst: boolean;
  readonly channelsLast: boolean;
}

function context(criterion: Criterion, options: TfjsLossOptions, fname: string): Context {
  const bridge = typeof (criterion as { _bridge?: unknown })?._bridge === "function" ? criterion._bridge() : null;
  if (bridge === null || typeof criterion.forward !== "function") {
    throw new TypeError(`${fname}: criterion must be an nnloss loss module, e.g. new CrossEntropyLoss(), got ${describe(criterion)}`);
  }
  const E = bridge.NNLossError;
  if (typeof options !== "object" || options === null) throw new E(`${fname}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!["batchFirst", "channelsLast", "labels"].includes(key) || (key === "labels" && fname === "tfjsLoss")) {
      throw new E(`${fname}() got an unexpected option '${key}'`);
    }
  }
  const name = bridge.name;
  const cls = criterion.constructor?.name || name;
  const batchFirst = options.batchFirst === true;
  const channelsLast = options.channelsLast === true;
  if (batchFirst && name !== "ctc_loss") throw new E(`${fname}: batchFirst is an option of CTCLoss, not of ${cls}`);
  if (channelsLast && !CLASS_DIM_LOSSES.includes(name)) throw new E(`${fname}: channelsLast is an option of CrossEntropyLoss and NLLLoss, not of ${cls}`);
  const arity = criterion.forward.length;
  const kinds = SIGNATURES[name] ?? new Array<ArgKind>(arity).fill("x");
  return { criterion, bridge, name, cls, arity, kinds, batchFirst, channelsLast };
}

/** An argument run() passes as data only (never an input of the custom gradient). */
interface Constant { constant: Tensor }

/** One argument on its way into nnloss. */
interface Prepared {
  /** what the criterion receives */
  value: NNTensor | ArrayLike<number> | BigInt64Array | number;
  /** the tfjs tensor it came from, if it is an input of the custom gradient */
  tfInput: Tensor | null;
}

function run(ctx: Context, args: (TfjsArg | Constant)[], taping: boolean): Tensor {
  const { bridge, kinds } = ctx;
  const E = bridge.NNLossError;
  const input = unwrap(args[0]);
  const inShape = isTfTensor(input) ? input.shape : [lengthOf(input)];
  // channels-last CE/NLL: [N, d1..dK, C] is read as [N·K, C] rows, which is exactly PyTorch's
  // K-dimensional cross-entropy (same weighted mean, same smoothing); no data moves
  const flat = ctx.channelsLast && inShape.length > 2;
  const rows = flat ? [inShape.slice(0, -1).reduce((a, b) => a * b, 1), inShape[inShape.length - 1]] : null;

  const prepared: Prepared[] = args.map((raw, i): Prepared => {
    const constant = isConstant(raw);
    const a = unwrap(raw);
    let kind: ArgKind = kinds[i] ?? "x";
    if (kind === "t") {
      const sameShape = isTfTensor(a) && a.dtype === "float32" && sameDims(a.shape, inShape);
      kind = sameShape ? "x" : "i";
    }
    if (!isTfTensor(a)) {
      // arrays, typed arrays, numbers: data as given (nnloss checks them)
      if (kind === "i" && isFloatArrayLike(a)) return { value: wholeNumbers(E, a, ctx, i), tfInput: null };
      return { value: a, tfInput: null };
    }
    let shape = a.shape.slice();
    if (flat && rows) {
      if (i === 0 || kind === "x") shape = rows.slice();
      else if (kind === "i") {
        if (!sameDims(a.shape, inShape.slice(0, -1))) {
          throw new E(`${ctx.cls} with channelsLast: expected target of shape [${inShape.slice(0, -1).join(", ")}] ` +
            `(the input's shape without its class dim) or [${inShape.join(", ")}] (probabilities), got [${a.shape.join(", ")}]`);
        }
        shape = [rows[0]];
      }
    }
    const tfInput = constant ? null : a;
    if (kind === "l") return { value: wholeNumbers(E, a.dataSync(), ctx, i), tfInput };
    if (kind === "i") return { value: bridge.tensor(wholeNumbers(E, a.dataSync(), ctx, i), shape), tfInput };
    const data = floats(a.dataSync());
    const requiresGrad = kind === "x" && taping && !constant && a.dtype === "float32";
    return { value: bridge.tensor(data, shape, { requiresGrad }), tfInput };
  });

  const out = ctx.criterion.forward(...prepared.map((p) => p.value));
  const outShape = flat && out.shape.length === 1 ? inShape.slice(0, -1) : out.shape;
  const value = () => tf.tensor(floats(out.data), outShape, "float32");

  const inputs = prepared.filter((p) => p.tfInput !== null);
  const differentiated = prepared.some((p) => isNNTensor(p.value) && p.value.requiresGrad);
  if (!taping || inputs.length === 0 || !differentiated) return value();

  const custom = tf.customGrad((...xs: unknown[]) => ({
    value: value(),
    gradFunc: (dy: Tensor | Tensor[]) => {
      const g = Array.isArray(dy) ? dy[0] : dy;
      const up = g.dataSync();
      out.backward(out.numel === 1 ? up[0] : floats(up));
      return (xs.slice(0, inputs.length) as Tensor[]).map((x, k) => {
        const v = inputs[k].value;
        const grad = isNNTensor(v) && v.requiresGrad ? v.grad : null;
        // every input gets a gradient (customGrad's rule): zeros where PyTorch has none
        return grad === null ? tf.zeros(x.shape, "float32") : tf.tensor(floats(grad.data), x.shape, "float32");
      });
    },
  }));
  return custom(...inputs.map((p) => p.tfInput as Tensor));
}

// ---------------------------------------------------------------- one-hot labels

/** Decode one-hot `yTrue` (the model output's shape) into class indices along `axis`: a one-hot row
 *  gives its class, an all-zero row the criterion's ignoreIndex; anything else is an error. Computed
 *  with tfjs reductions, so only four numbers per sample are read back (not N·C). */
function oneHotToIndices(ctx: Context, yTrue: Tensor, yPred: Tensor, axis: number): Tensor {
  const E = ctx.bridge.NNLossError;
  if (!sameDims(yTrue.shape, yPred.shape)) {
    throw new E(`tfjsCompileLoss: one-hot labels must have the model output's shape [${yPred.shape.join(", ")}], got [${yTrue.shape.join(", ")}]`);
  }
  const C = yTrue.shape[axis];
  const stats = tf.tidy(() => {
    const y = yTrue.dtype === "float32" ? yTrue : tf.cast(yTrue, "float32"); // tf.oneHot gives int32
    return tf.stack([tf.cast(tf.argMax(y, axis), "float32"), tf.max(y, axis), tf.min(y, axis), tf.sum(y, axis)], -1);
  });
  const s = stats.dataSync();
  stats.dispose();
  const n = s.length / 4;
  const ignore = (ctx.criterion as { ignoreIndex?: number }).ignoreIndex ?? -100;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const idx = s[4 * r], mx = s[4 * r + 1], mn = s[4 * r + 2], sum = s[4 * r + 3];
    if (mx === 0 && mn === 0) out[r] = ignore;
    else if (mx === 1 && sum === 1 && (mn === 0 || C === 1)) out[r] = idx;
    else {
      throw new E(`tfjsCompileLoss: labels "onehot" expects one-hot rows along the class dim (or all-zero rows for ignored ` +
        `samples), but row ${r} has max ${mx}, min ${mn}, sum ${sum}` +
        (ctx.name === "cross_entropy" ? "; for soft labels pass { labels: \"probabilities\" }" : ""));
    }
  }
  // the target's shape: the label's shape without the class dim
  const shape = yTrue.shape.filter((_, d) => d !== axis);
  return tf.tensor(out, shape, "int32");
}

// ---------------------------------------------------------------- helpers

function isTapeOn(): boolean {
  // Is a tfjs gradient tape recording (tf.grad, variableGrads, optimizer.minimize, model.fit)? Outside
  // one, only the forward pass is computed. An engine without the method is treated as recording.
  const e = tf.engine() as { isTapeOn?: () => boolean };
  return typeof e.isTapeOn === "function" ? e.isTapeOn() : true;
}

function isTfTensor(a: unknown): a is Tensor {
  return a instanceof tf.Tensor;
}

function isNNTensor(v: unknown): v is NNTensor {
  return typeof v === "object" && v !== null && typeof (v as NNTensor).backward === "function" && "requiresGrad" in v;
}

function isConstant(a: unknown): a is Constant {
  return typeof a === "object" && a !== null && "constant" in a && isTfTensor((a as Constant).constant);
}

function unwrap(a: TfjsArg | Constant): TfjsArg {
  return isConstant(a) ? a.constant : a;
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function lengthOf(a: TfjsArg): number {
  return typeof a === "number" ? 1 : (a as ArrayLike<number>).length;
}

function isFloatArrayLike(a: unknown): a is ArrayLike<number> {
  return Array.isArray(a) ? a.some((v) => typeof v === "number" && !Number.isInteger(v)) : a instanceof Float32Array || a instanceof Float64Array;
}

/** tfjs float data (or nnloss results, typed to include BigInt64Array) as a Float32Array, for
 *  tf.tensor and nnloss's float32 path: no copy when it already is one. */
function floats(a: ArrayLike<number> | ArrayLike<bigint> | Uint8Array): Float32Array {
  if (a instanceof Float32Array) return a;
  return Float32Array.from(a as ArrayLike<number | bigint>, Number);
}

/** Labels and lengths as Int32Array; tfjs's float32 labels must hold whole numbers. */
function wholeNumbers(E: LossBridge["NNLossError"], a: ArrayLike<number>, ctx: Context, i: number): Int32Array {
  if (a instanceof Int32Array) return a;
  const out = new Int32Array(a.length);
  for (let k = 0; k < a.length; k++) {
    const v = a[k];
    if (!Number.isInteger(v) || Math.abs(v) > 2 ** 31 - 1) {
      throw new E(`${ctx.cls}: argument ${i + 1} holds class indices, lengths or integer labels, but element ${k} is ${v}`);
    }
    out[k] = v;
  }
  return out;
}

function describe(a: unknown): string {
  if (isTfTensor(a)) return `a tfjs ${a.dtype} tensor of shape [${a.shape.join(", ")}]`;
  if (a === null) return "null";
  if (typeof a === "object") return (a as object).constructor?.name ?? "an object";
  return typeof a;
}
