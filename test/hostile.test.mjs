// Hostile-input battery: for every loss, functional and module form, every kind of bad input PyTorch
// rejects (and the JS-only ones: non-tensors, detached buffers, disposed tensors, requests beyond wasm
// memory) gives an NNLossError — PyTorch's message where it has one — never a trap, a hang, a RangeError
// or a TypeError; and the next valid call still gives exactly the answer it gave before any of them,
// with no scratch memory left behind and no resident memory gained.
//
// One table: generic substitutions applied to every argument and to the options of every loss, plus
// each loss's own PyTorch checks as (label, builder, expected message) rows. Set NNLOSS_VERBOSE=1 to
// print the number of bad inputs tried per loss.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nn, BUILD } from "./_setup.mjs";
import { LOSSES, callLoss, envNumber, f32, f64, i64, runAndSnapshot, sameNumbers, throwsNN } from "./util.mjs";

const OOM = /^out of memory: cannot allocate \S+ bytes of WebAssembly memory/;
const ANY = undefined;

/** A typed array whose buffer has been transferred away (detached, length 0). */
function detached(values = [1, 2, 3, 4, 5, 6]) {
  const a = Float32Array.from(values);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}
/** A tensor created over a buffer that is detached afterwards (its data now reads as length 0). */
function tensorThenDetach(shape = [2, 3]) {
  const a = new Float32Array(shape.reduce((p, s) => p * s, 1)).fill(0.5);
  const t = nn.tensor(a, shape);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return t;
}
function disposed(shape = [2, 3]) {
  const t = f32(new Array(shape.reduce((p, s) => p * s, 1)).fill(0.25), shape);
  t.dispose();
  return t;
}
function disposedResident(shape = [2, 3], dtype = "float32") {
  const t = nn.zeros(shape, dtype);
  t.dispose();
  return t;
}

// ---------------------------------------------------------------- generic rows

/** Replacements for any tensor argument: none of them is a tensor nnloss can use. */
const NOT_A_TENSOR = [
  ["null", () => null],
  ["undefined", () => undefined],
  ["a string", () => "0.5,1"],
  ["a boolean", () => true],
  ["a function", () => () => 1],
  ["an object without data", () => ({ shape: [2, 3] })],
  ["{ data: null }", () => ({ data: null, shape: [2, 3] })],
  ["{ data: a string }", () => ({ data: "123456", shape: [2, 3] })],
  ["{ data: a number }", () => ({ data: 6, shape: [2, 3] })],
  ["shape product ≠ data length", () => ({ data: new Float32Array(6), shape: [2, 2] })],
  ["shape product ≠ data length (plain array)", () => ({ data: [1, 2, 3], shape: [2, 3] })],
  ["NaN in the shape", () => ({ data: new Float32Array(6), shape: [NaN, 3] })],
  ["negative shape", () => ({ data: new Float32Array(6), shape: [-2, -3] })],
  ["fractional shape", () => ({ data: new Float32Array(6), shape: [1.5, 4] })],
  ["infinite shape", () => ({ data: new Float32Array(0), shape: [Infinity, 0] })],
  ["shape as a string", () => ({ data: new Float32Array(6), shape: "2,3" })],
  ["shape with a string entry", () => ({ data: new Float32Array(6), shape: ["2", 3] })],
  ["more than 32 dims", () => ({ data: new Float32Array(1), shape: new Array(40).fill(1) })],
  ["a detached typed array", () => detached()],
  ["{ data: detached, shape }", () => ({ data: detached(), shape: [2, 3] })],
  ["a tensor whose buffer was detached", () => tensorThenDetach()],
  ["a disposed tensor", () => disposed()],
  ["a disposed resident tensor", () => disposedResident()],
  ["an array of strings", () => ["a", "b", "c"]],
  ["an array of bigints", () => [1n, 2n, 3n]],
  ["an array with an object", () => [1, {}, 3]],
  ["a Uint8Array", () => new Uint8Array(6)],
  ["a Float32Array subclass-like object", () => ({ length: 6, 0: 1 })],
];

/** Replacements of the whole options argument or one option. */
function optionRows(spec) {
  const bad = spec.shortMessage ? (r) => `${r} is not valid` : (r) => `${r} is not a valid value for reduction`;
  const rows = [
    ["reduction 'avg'", { reduction: "avg" }, bad("avg")],
    ["reduction ''", { reduction: "" }, bad("")],
    ["reduction 'MEAN'", { reduction: "MEAN" }, bad("MEAN")],
    ["reduction 5", { reduction: 5 }, bad("5")],
    ["reduction NaN", { reduction: NaN }, bad("NaN")],
    ["reduction as an object", { reduction: {} }, bad("[object Object]")],
    ["unknown option", { fooBar: 1 }, /unexpected keyword argument 'fooBar'/],
    ["snake_case option", { ignore_index: 1 }, /unexpected keyword argument 'ignore_index'/],
    ["options as a string", "mean", ANY],
    ["options as a number", 5, ANY],
    ["options null", null, ANY],
    ["a tensor where the options go", f32([1, 2], [2]), ANY],
  ];
  if (!spec.batchmean) rows.push(["reduction 'batchmean'", { reduction: "batchmean" }, bad("batchmean")]);
  if (spec.shortMessage) rows.push(["reduction 'elementwise_mean'", { reduction: "elementwise_mean" }, bad("elementwise_mean")]);
  if (spec.noLegacy) {
    rows.push(["legacy sizeAverage", { sizeAverage: false }, /unexpected keyword argument 'sizeAverage'/]);
    rows.push(["legacy reduce", { reduce: true }, /unexpected keyword argument 'reduce'/]);
  }
  return rows;
}

// ---------------------------------------------------------------- per-loss rows

const arg = (i, v) => ([args, opts]) => { args[i] = typeof v === "function" ? v(args) : v; return [args, opts]; };
const opt = (o) => ([args, opts]) => [args, { ...opts, ...o }];
const both = (...fs) => (c) => fs.reduce((acc, f) => f(acc), c);
const fn = (f) => ([args, opts]) => [f(args) ?? args, opts];
const OUT_OF_MEMORY_BROADCAST = [
  ["broadcast to 2^32 elements (16 GiB)", both(arg(0, () => nn.tensor(new Float32Array(65536), [65536, 1])),
    arg(1, () => nn.tensor(new Float32Array(65536), [1, 65536]))), OOM],
];
const mismatch = (a, b, dim) => `The size of tensor a (${a}) must match the size of tensor b (${b}) at non-singleton dimension ${dim}`;
const CTC_AT = "(while checking arguments for ctc_loss_cpu)";

/** [label, builder, expected message (string | RegExp | undefined = any NNLossError), forms?] per loss. */
const SPECIFIC = {
  l1Loss: [
    ["broadcast mismatch", arg(1, f32([1, 2], [2])), mismatch(3, 2, 1)],
    ["both integer", both(arg(0, nn.tensor(new Int32Array(6), [2, 3])), arg(1, nn.tensor(new Int32Array(6), [2, 3]))), `"abs_cpu" not implemented for 'Int'`],
    ["requiresGrad on an integer tensor", arg(0, () => nn.tensor(new Int32Array(6), [2, 3], { requiresGrad: true })),
      "Only Tensors of floating point and complex dtype can require gradients"],
    ...OUT_OF_MEMORY_BROADCAST,
  ],
  mseLoss: [
    ["broadcast mismatch", arg(1, f32([1, 2], [2])), mismatch(3, 2, 1)],
    ["both int64", both(arg(0, i64([1, 2], [2])), arg(1, i64([1, 2], [2]))), `"mse_cpu" not implemented for 'Long'`],
    ...OUT_OF_MEMORY_BROADCAST,
  ],
  huberLoss: [
    ["delta 0", opt({ delta: 0 }), "huber_loss does not support non-positive values for delta."],
    ["delta -1", opt({ delta: -1 }), "huber_loss does not support non-positive values for delta."],
    ["delta NaN", opt({ delta: NaN }), "huber_loss does not support non-positive values for delta."],
    ["delta as a string", opt({ delta: "1" }), "delta must be a number, got string"],
    ["broadcast mismatch", arg(1, f32([1, 2], [2])), mismatch(3, 2, 1)],
    ["integer input, float target", arg(0, nn.tensor(new Int32Array(6), [2, 3])), "result type Float can't be cast to the desired output type Int"],
    ["both integer", both(arg(0, i64([1], [1])), arg(1, i64([1], [1]))), `"huber_cpu" not implemented for 'Long'`],
    ...OUT_OF_MEMORY_BROADCAST,
  ],
  smoothL1Loss: [
    ["beta -1", opt({ beta: -1 }), "smooth_l1_loss does not support negative values for beta."],
    ["beta NaN", opt({ beta: NaN }), "smooth_l1_loss does not support negative values for beta."],
    ["beta as a boolean", opt({ beta: true }), "beta must be a number, got boolean"],
    ["broadcast mismatch", arg(1, f32([1, 2], [2])), mismatch(3, 2, 1)],
    ["both integer", both(arg(0, i64([1], [1])), arg(1, i64([1], [1]))), `"smooth_l1_cpu" not implemented for 'Long'`],
    ...OUT_OF_MEMORY_BROADCAST,
  ],
  crossEntropy: [
    ["target out of range (C)", arg(1, i64([0, 4, 1], [3])), "Target 4 is out of bounds."],
    ["target -1 (not ignored)", arg(1, i64([0, -1, 1], [3])), "Target -1 is out of bounds."],
    ["target 2^40", arg(1, i64([0, 2 ** 40, 1], [3])), "Target 1099511627776 is out of bounds."],
    ["int32 target out of range", arg(1, nn.tensor(new Int32Array([0, 7, 1]))), "Target 7 is out of bounds."],
    ["non-integer class target (plain array)", arg(1, [0, 1.5, 2]), "expected scalar type Long but found Float"],
    ["float class target", arg(1, f32([0, 1, 2], [3])), "expected scalar type Long but found Float"],
    ["batch mismatch", arg(1, i64([0, 1], [2])), "Expected input batch_size (3) to match target batch_size (2)."],
    ["0-d target with a batch", arg(1, i64([1], [])), "Expected input batch_size (3) to match target batch_size (0)."],
    ["multi-target", arg(1, i64([0, 1, 1, 0, 0, 1], [3, 2])), "0D or 1D target tensor expected, multi-target not supported"],
    ["0-d input", arg(0, f32([1], [])), "Dimension specified as 1 but tensor has no dimensions"],
    ["0-d input and 0-d long target", both(arg(0, f32([1], [])), arg(1, i64([0], []))), "Expected floating point type for target with class probabilities, got Long"],
    ["K-dim target size", both(arg(0, f32(new Array(24).fill(0), [2, 3, 4])), arg(1, i64(new Array(10).fill(0), [2, 5]))),
      "Expected target size [2, 4], got [2, 5]"],
    ["4-D target size", both(arg(0, f32(new Array(96).fill(0), [2, 3, 4, 4])), arg(1, i64(new Array(40).fill(0), [2, 4, 5]))),
      "size mismatch (got input: [2, 3, 4, 4] , target: [2, 4, 5]"],
    ["weight of the wrong length", opt({ weight: f32([1, 2, 3], [3]) }),
      "weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [3]"],
    ["2-D weight", opt({ weight: f32([1, 2, 3, 4], [2, 2]) }),
      "weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [2, 2]"],
    ["integer weight", opt({ weight: nn.tensor(new Int32Array(4)) }), "weight must be a floating point tensor"],
    ["weight not a tensor", opt({ weight: "1,1,1,1" }), ANY],
    ["weight detached", opt({ weight: detached([1, 1, 1, 1]) }), ANY],
    ["label smoothing 1.5", opt({ labelSmoothing: 1.5 }), "label_smoothing must be between 0.0 and 1.0. Got: 1.5"],
    ["label smoothing as a string", opt({ labelSmoothing: "0.1" }), "labelSmoothing must be a number, got string"],
    ["ignoreIndex 1.5", opt({ ignoreIndex: 1.5 }), "ignoreIndex must be an integer, got 1.5"],
    ["ignoreIndex NaN", opt({ ignoreIndex: NaN }), "ignoreIndex must be an integer, got NaN"],
    ["prob target with ignoreIndex ≥ 0", both(arg(1, f32(new Array(12).fill(0.25), [3, 4])), opt({ ignoreIndex: 1 })),
      "ignore_index is not supported for floating point target"],
    ["prob target with a wrong weight", both(arg(1, f32(new Array(12).fill(0.25), [3, 4])), opt({ weight: f32([1, 1], [2]) })),
      "cross_entropy: weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [2]"],
    ["long prob target", arg(1, i64(new Array(12).fill(0), [3, 4])), "Expected floating point type for target with class probabilities, got Long"],
    ["integer input", arg(0, nn.tensor(new Int32Array(12), [3, 4])), `"log_softmax_lastdim_kernel_impl" not implemented for 'Int'`],
  ],
  nllLoss: [
    ["target out of range", arg(1, i64([1, 2, 4], [3])), "Target 4 is out of bounds."],
    ["target -1", arg(1, i64([-1, 2, 0], [3])), "Target -1 is out of bounds."],
    ["float target", arg(1, f32([1, 2, 0], [3])), "expected scalar type Long but found Float"],
    ["batch mismatch", arg(1, i64([0, 1, 2, 3], [4])), "Expected input batch_size (3) to match target batch_size (4)."],
    ["0-d input", arg(0, f32([1], [])), "Expected 1 or more dimensions (got 0)"],
    ["multi-target", arg(1, i64([0, 1, 1, 0, 0, 1], [3, 2])), "0D or 1D target tensor expected, multi-target not supported"],
    ["1-D input with 1-D target", both(arg(0, f32([-1, -2, -3, -4], [4])), arg(1, i64([1], [1]))), "size mismatch (got input: [4], target: [1])"],
    ["K-dim target size", both(arg(0, f32(new Array(24).fill(0), [2, 3, 4])), arg(1, i64(new Array(10).fill(0), [2, 5]))),
      "Expected target size [2, 4], got [2, 5]"],
    ["5-D target size", both(arg(0, f32(new Array(48).fill(0), [2, 3, 2, 2, 2])), arg(1, i64(new Array(8).fill(0), [2, 2, 2, 1]))),
      "Expected target size [2, 2, 2, 2], got [2, 2, 2, 1]"],
    ["weight of the wrong length", opt({ weight: f32([1, 2], [2]) }),
      "weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [2]"],
    ["integer input", arg(0, nn.tensor(new Int32Array(12), [3, 4])), `"nll_loss" not implemented for 'Int'`],
    ["ignoreIndex as a string", opt({ ignoreIndex: "1" }), "ignoreIndex must be a number, got string"],
  ],
  poissonNllLoss: [
    ["broadcast mismatch", arg(1, f32([1, 2], [2])), mismatch(2, 3, 1)],
    ["logInput as a string", opt({ logInput: "yes" }), "logInput must be a boolean, got string"],
    ["full as a number", opt({ full: 1 }), "full must be a boolean, got number"],
    ["eps as a string", opt({ eps: "1e-8" }), "eps must be a number, got string"],
    ...OUT_OF_MEMORY_BROADCAST,
  ],
  gaussianNllLoss: [
    ["negative var entry", arg(2, f32([.5, 2, -1, 1, .3, 4], [2, 3])), "var has negative entry/entries"],
    ["negative var number", arg(2, -1), "var has negative entry/entries"],
    ["-inf var", arg(2, f64([.5, 2, -Infinity, 1, .3, 4], [2, 3])), "var has negative entry/entries"],
    ["negative integer var", arg(2, nn.tensor(new Int32Array([1, 1, -1, 1, 1, 1]), [2, 3])), "var has negative entry/entries"],
    ["var of incorrect size", arg(2, f32([1, 1, 1], [3])), "var is of incorrect size"],
    ["var with two mismatched dims", arg(2, f32([1], [1, 1])), "var is of incorrect size"],
    ["integer var", arg(2, nn.tensor(new Int32Array(6).fill(1), [2, 3])), "result type Float can't be cast to the desired output type int"],
    ["var as a string", arg(2, "1"), ANY],
    ["full as a string", opt({ full: "true" }), "full must be a boolean, got string"],
    ["broadcast mismatch (target)", arg(1, f32([1, 2], [2])), mismatch(3, 2, 1)],
  ],
  klDiv: [
    ["integer input", arg(0, nn.tensor(new Int32Array(6), [2, 3])), "kl_div: Integral inputs not supported."],
    ["integer target", arg(1, i64([0, 0, 0, 0, 0, 0], [2, 3])), "kl_div: Integral inputs not supported."],
    ["broadcast mismatch", arg(1, f32([1, 2], [2])), mismatch(2, 3, 1)],
    ["logTarget as a number", opt({ logTarget: 0 }), "logTarget must be a boolean, got number"],
    ...OUT_OF_MEMORY_BROADCAST,
  ],
  binaryCrossEntropy: [
    ["input above 1", arg(0, f32([.2, .9, 1.5, .01, .99, .7], [2, 3])), "all elements of input should be between 0 and 1"],
    ["input below 0", arg(0, f32([.2, -0.1, .5, .01, .99, .7], [2, 3])), "all elements of input should be between 0 and 1"],
    ["NaN input", arg(0, f32([.2, NaN, .5, .01, .99, .7], [2, 3])), "all elements of input should be between 0 and 1"],
    ["NaN input (float64)", both(arg(0, f64([.2, NaN, .5, .01, .99, .7], [2, 3])), arg(1, f64([0, 1, .3, 0, 1, 1], [2, 3]))),
      "all elements of input should be between 0 and 1"],
    ["target above 1", arg(1, f32([0, 1, 2, 0, 1, 1], [2, 3])), "all elements of target should be between 0 and 1"],
    ["NaN target", arg(1, f32([0, 1, NaN, 0, 1, 1], [2, 3])), "all elements of target should be between 0 and 1"],
    ["target size differs", arg(1, f32([0, 1, .3, 0, 1, 1], [3, 2])),
      "Using a target size (torch.Size([3, 2])) that is different to the input size (torch.Size([2, 3])) is deprecated. Please ensure they have the same size."],
    ["target dtype differs", arg(1, f64([0, 1, .3, 0, 1, 1], [2, 3])), "Found dtype Double but expected Float"],
    ["weight enlarges", opt({ weight: f32(new Array(12).fill(1), [2, 2, 3]) }), "output with shape [2, 3] doesn't match the broadcast shape [2, 2, 3]"],
    ["weight does not broadcast", opt({ weight: f32([1, 1], [2]) }), mismatch(3, 2, 1)],
    ["integer input", both(arg(0, nn.tensor(new Int32Array(6), [2, 3])), arg(1, nn.tensor(new Int32Array(6), [2, 3]))),
      `"binary_cross_entropy" not implemented for 'Int'`],
  ],
  binaryCrossEntropyWithLogits: [
    ["target size differs", arg(1, f32([0, 1, .3, 0, 1, 1], [6])),
      "Target size (torch.Size([6])) must be the same as input size (torch.Size([2, 3]))"],
    ["posWeight does not broadcast", opt({ posWeight: f32([1, 2, 3, 4], [4]) }), mismatch(4, 3, 1)],
    ["posWeight enlarges", opt({ posWeight: f32(new Array(12).fill(1), [2, 2, 3]) }), "output with shape [2, 3] doesn't match the broadcast shape [2, 2, 3]"],
    ["weight enlarges", opt({ weight: f32(new Array(12).fill(1), [2, 2, 3]) }), "output with shape [2, 3] doesn't match the broadcast shape [2, 2, 3]"],
    ["integer posWeight", opt({ posWeight: nn.tensor(new Int32Array(3)) }), "pos_weight must be a floating point tensor"],
    ["posWeight disposed", opt({ posWeight: disposed([3]) }), "this tensor has been disposed"],
    ["integer input", arg(0, nn.tensor(new Int32Array(6), [2, 3])), `"binary_cross_entropy_with_logits" not implemented for 'Int'`],
  ],
  marginRankingLoss: [
    ["ndim mismatch", arg(2, f32([1, 1, 1, 1], [1, 4])),
      "margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: torch.Size([4]), input2: torch.Size([4]), target: torch.Size([1, 4]) "],
    ["broadcast mismatch", arg(1, f32([1, 2, 3], [3])), mismatch(4, 3, 0)],
    ["margin as a string", opt({ margin: "0.5" }), "margin must be a number, got string"],
  ],
  hingeEmbeddingLoss: [
    ["broadcast mismatch", arg(1, f32([1, -1], [2])), mismatch(2, 6, 0)],
    ["integer input, mean", arg(0, nn.tensor(new Int32Array(6))),
      "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Int"],
    ["margin as an object", opt({ margin: {} }), "margin must be a number, got object"],
  ],
  multilabelMarginLoss: [
    ["target above C−1", arg(1, i64([3, 0, -1, 4, 1, 2, 2, -1], [2, 4])), "argument #2 'target' is out of range"],
    ["target below −1", arg(1, i64([3, 0, -2, 1, 1, 2, 2, -1], [2, 4])), "argument #2 'target' is out of range"],
    ["float target out of range", arg(1, f32([3, 0, -1, 7, 1, 2, 2, -1], [2, 4])), "argument #2 'target' is out of range"],
    ["float target", arg(1, f32([3, 0, -1, 1, 1, 2, 2, -1], [2, 4])), "expected scalar type Long but found Float"],
    ["target size", arg(1, i64([3, 0, -1, 1], [4])), "inconsistent size [4] for argument #2 'target'"],
    ["3-D input", arg(0, f32(new Array(8).fill(0), [2, 2, 2])), "Expected non-empty vector or matrix with optional 0-dim batch size, but got: [2, 2, 2]"],
    ["C = 0", arg(0, f32([], [2, 0])), "Expected non-empty vector or matrix with optional 0-dim batch size, but got: [2, 0]"],
    ["integer input", arg(0, nn.tensor(new Int32Array(8), [2, 4])), `"multilabel_margin_loss_forward_out_frame" not implemented for 'Int'`],
  ],
  softMarginLoss: [
    ["target requires grad", arg(1, f32([1, 1, -1, -1, -1, -1], [2, 3], true)),
      "The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. This input cannot have requires_grad True."],
    ["target enlarges", arg(1, f32(new Array(12).fill(1), [2, 2, 3])), "output with shape [2, 3] doesn't match the broadcast shape [2, 2, 3]"],
    ["broadcast mismatch", arg(1, f32([1, 1], [2])), mismatch(3, 2, 1)],
    ["integer input", arg(0, nn.tensor(new Int32Array(6), [2, 3])), "result type Float can't be cast to the desired output type Int"],
  ],
  multilabelSoftMarginLoss: [
    ["0-d input", both(arg(0, f32([1], [])), arg(1, f32([1], []))), "Dimension specified as -1 but tensor has no dimensions"],
    ["broadcast mismatch", arg(1, f32([1, 0], [2])), mismatch(2, 3, 1)],
    ["weight of the wrong length", opt({ weight: f32([1, 2], [2]) }), mismatch(3, 2, 1)],
    ["integer input", arg(0, nn.tensor(new Int32Array(6), [2, 3])), `"log_sigmoid_cpu" not implemented for 'Int'`],
  ],
  cosineEmbeddingLoss: [
    ["2-D target", arg(2, f32([1, -1, 1, 1, 1, 1], [3, 2])), "0D or 1D target tensor expected, multi-target not supported"],
    ["1-D inputs with a 1-D target", both(arg(0, f32([1, 2, 3], [3])), arg(1, f32([1, 2, 3], [3]))),
      "1D target tensor expects 2D input tensors, but found inputs with sizes [3] and [3]."],
    ["input2 of the wrong ndim", arg(1, f32([1, 2, 3], [3])), "1D target tensor expects 2D input tensors, but found inputs with sizes [3, 3] and [3]."],
    ["0-D target with 2-D inputs", arg(2, f32([1], [])), "0D target tensor expects 1D input tensors, but found inputs with sizes [3, 3] and [3, 3]."],
    ["broadcast mismatch", arg(1, f32([1, 2, 3, 4, 5, 6], [2, 3])), mismatch(3, 2, 0)],
  ],
  multiMarginLoss: [
    ["p = 3", opt({ p: 3 }), "only p == 1 and p == 2 supported"],
    ["p NaN", opt({ p: NaN }), "only p == 1 and p == 2 supported"],
    ["target out of range", arg(1, i64([3, 0, 4], [3])), "target out of range"],
    ["negative target", arg(1, i64([3, -1, 0], [3])), "target out of range"],
    ["target size", arg(1, i64([3, 0], [2])), "inconsistent target size, expected 3 but got [2]"],
    ["2-D target", arg(1, i64([3, 0, 1], [3, 1])), "inconsistent target size, expected 3 but got [3, 1]"],
    ["weight size", opt({ weight: f32([1, 2], [2]) }), "inconsistent weight size, expected 4 but got [2]"],
    ["2-D weight (functional)", opt({ weight: f32([1, 2, 3, 4], [2, 2]) }), "weight must be one-dimensional", ["functional"]],
    ["2-D weight (module)", opt({ weight: f32([1, 2, 3, 4], [2, 2]) }), "MultiMarginLoss: expected weight to be None or 1D tensor, got 2D instead", ["module"]],
    ["float64 weight for float32 input", opt({ weight: f64([1, 2, .5, 3], [4]) }), "expected scalar type Float but found Double"],
    ["3-D input", arg(0, f32(new Array(24).fill(0), [2, 3, 4])), "Expected non-empty vector or matrix with optional 0-dim batch size, but got: [2, 3, 4]"],
    ["float target", arg(1, f32([3, 0, 1], [3])), "expected scalar type Long but found Float"],
    ["integer input", arg(0, nn.tensor(new Int32Array(12), [3, 4])), `"multi_margin_loss_cpu_kernel" not implemented for 'Int'`],
  ],
  tripletMarginLoss: [
    ["ndim mismatch", arg(1, f32([1, 2, 3], [3])),
      "The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor 2D, positive 1D, and negative 2D inputs"],
    ["broadcast mismatch", arg(2, f32([1, 2, 3, 4, 5, 6], [2, 3])), mismatch(3, 2, 0)],
    ["margin 0 (module)", opt({ margin: 0 }), "TripletMarginLoss: expected margin to be greater than 0, got 0 instead", ["module"]],
    ["swap as a string", opt({ swap: "yes" }), "swap must be a boolean, got string"],
    ["p as a string", opt({ p: "2" }), "p must be a number, got string"],
    ["broadcast to 2^32 elements", both(arg(0, () => nn.tensor(new Float32Array(65536), [65536, 1, 1])),
      arg(1, () => nn.tensor(new Float32Array(65536), [1, 65536, 1])), arg(2, () => nn.tensor(new Float32Array(1), [1, 1, 1]))), OOM],
  ],
  tripletMarginWithDistanceLoss: [
    ["ndim mismatch", arg(1, f32([1, 2, 3], [3])),
      "The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor 2D, positive 1D, and negative 2D inputs"],
    ["unknown distance name", opt({ distanceFunction: "euclid" }), `distanceFunction must be a function, "pairwise" or "cosine", got "euclid"`],
    ["distance not a function", opt({ distanceFunction: 5 }), `distanceFunction must be a function, "pairwise" or "cosine", got number`],
    ["distance returns a string", opt({ distanceFunction: () => "1" }), ANY],
    ["distance returns null", opt({ distanceFunction: () => null }), ANY],
    ["distance returns integers", opt({ distanceFunction: () => nn.tensor(new Int32Array(3)) }), "the distance function must return floating point distances"],
    ["distance returns a detached array", opt({ distanceFunction: () => detached([1, 2, 3]) }), ANY],
    ["distances of mismatched shape", opt({ distanceFunction: (() => { let k = 0; return () => f32(new Array(2 + (k++ % 2)).fill(1)); })(), swap: false }), ANY],
    ["margin -1 (module)", opt({ margin: -1 }), "TripletMarginWithDistanceLoss: expected margin to be greater than 0, got -1 instead", ["module"]],
    ["margin as a string", opt({ margin: "1" }), "margin must be a number, got string"],
  ],
  ctcLoss: [
    ["blank = C", opt({ blank: 3 }), "blank must be in label range"],
    ["blank -1", opt({ blank: -1 }), "blank must be in label range"],
    ["blank 1.5", opt({ blank: 1.5 }), "blank must be an integer, got 1.5"],
    ["zeroInfinity as a number", opt({ zeroInfinity: 1 }), "zeroInfinity must be a boolean, got number"],
    ["input_lengths of the wrong size", arg(2, [4, 3, 2]), "input_lengths must be of size batch_size"],
    ["target_lengths of the wrong size", arg(3, [2]), "target_lengths must be of size batch_size"],
    ["input length longer than the input", arg(2, [5, 3]), `Expected input_lengths to have value at most 4, but got value 5 ${CTC_AT}`],
    ["input length 2^40", arg(2, [2 ** 40, 3]), `Expected input_lengths to have value at most 4, but got value ${2 ** 40} ${CTC_AT}`],
    ["negative input length", arg(2, [4, -1]), `Expected input_lengths to have value at least 0, but got value -1 ${CTC_AT}`],
    ["negative target length", arg(3, [2, -1]), `Expected target_lengths to have value at least 0, but got value -1 ${CTC_AT}`],
    ["fractional input lengths", arg(2, [4.5, 3]), "input_lengths must be integral"],
    ["NaN input length", arg(2, [NaN, 3]), "input_lengths must be integral"],
    ["NaN target length (number)", fn((a) => { a[2] = 4; a[3] = NaN; a[0] = f32(a[0].data.slice(0, 12), [4, 3]); a[1] = i64([1, 2], [2]); }),
      "target_lengths must be integral"],
    ["float lengths tensor", arg(3, f32([2, 2], [2])), "target_lengths must be integral"],
    ["lengths as a string", arg(2, "4,3"), ANY],
    ["lengths null", arg(3, null), ANY],
    ["padded targets too narrow", arg(3, [3, 2]),
      `Expected tensor to have size at least 3 at dimension 1, but got size 2 for argument #2 'targets' ${CTC_AT}`],
    ["concatenated targets of the wrong length", arg(1, i64([1, 2, 1], [3])),
      `Expected tensor to have size 4 at dimension 0, but got size 3 for argument #2 'targets' ${CTC_AT}`],
    ["label out of range", arg(1, i64([1, 3, 1, 1], [2, 2])), "Target 3 is out of bounds."],
    ["negative label", arg(1, i64([1, 2, -1, 1], [2, 2])), "Target -1 is out of bounds."],
    ["NaN label (float targets)", arg(1, f64([1, 2, NaN, 1], [2, 2])), "Target NaN is out of bounds."],
    ["3-D targets", arg(1, i64([1, 2, 1, 1], [2, 2, 1])),
      `Expected 1 to 2 dimensions, but got 3-dimensional tensor for argument #2 'targets' ${CTC_AT}`],
    ["4-D log_probs", arg(0, f32(new Array(24).fill(-1), [4, 2, 3, 1])),
      `Expected 3-dimensional tensor, but got 5-dimensional tensor for argument #1 'log_probs' ${CTC_AT}`], // unsqueezed first
    ["0-d log_probs", arg(0, f32([-1], [])), "Dimension out of range (expected to be in range of [-1, 0], but got 1)"],
    ["integer log_probs", arg(0, nn.tensor(new Int32Array(24), [4, 2, 3])), `"ctc_loss_cpu" not implemented for 'Int'`],
    ["T = 0", both(arg(0, f32([], [0, 2, 3])), arg(2, [0, 0])), "start (0) + length (1) exceeds dimension size (0)."],
    ["alpha beyond wasm memory", fn((a) => {
      a[0] = nn.tensor(new Float32Array(2 * 40000).fill(-0.7), [40000, 1, 2], { requiresGrad: true });
      a[1] = nn.tensor(new Int32Array(30000).fill(1), [1, 30000]);
      a[2] = [40000];
      a[3] = [30000];
    }), OOM],
  ],
};

// ---------------------------------------------------------------- the battery

const counts = {};

for (const spec of LOSSES) {
  test(`[${BUILD}] hostile: ${spec.fn} / ${spec.module}`, () => {
    const mem0 = nn.memoryStats();
    const baseline = {
      functional: runAndSnapshot(spec, "functional", ...spec.good()),
      module: runAndSnapshot(spec, "module", ...spec.good()),
    };
    const rows = [];
    spec.kinds.forEach((kind, i) => {
      for (const [label, make] of NOT_A_TENSOR) {
        // a plain number is a legal var (GaussianNLL) and a legal length (CTC); those get their own rows
        rows.push([`arg ${i} ${label}`, arg(i, make), ANY]);
      }
      if (kind !== "var" && kind !== "lengths") rows.push([`arg ${i} a number`, arg(i, 42), ANY]);
    });
    rows.push(["missing last argument", fn((a) => { a.length -= 1; }), ANY]);
    for (const [label, o, message] of optionRows(spec)) {
      rows.push([label, ([args, opts]) => [args, typeof o === "object" && o !== null && !(o instanceof nn.Tensor) ? { ...opts, ...o } : o], message]);
    }
    rows.push(...(SPECIFIC[spec.fn] ?? []));
    let tried = 0;
    const failures = [];
    for (const [label, build, message, forms = ["functional", "module"]] of rows) {
      for (const form of forms) {
        const what = `${spec.fn} ${form}: ${label}`;
        tried++;
        try {
          throwsNN(() => {
            const [args, opts] = build(spec.good());
            callLoss(spec, form, args, opts);
          }, message, what);
          const m = nn.memoryStats();
          assert.is(m.arenaBytes, 0, `${what}: scratch memory left behind`);
          assert.is(m.residentBytes, mem0.residentBytes, `${what}: resident memory changed`);
        } catch (e) {
          failures.push(e.message);
        }
        // the next valid call gives exactly the same answer and gradients as before any bad input
        const again = runAndSnapshot(spec, form, ...spec.good());
        assert.ok(sameNumbers(again.out, baseline[form].out), `${what}: the next valid call changed its result`);
        (again.grads ?? []).forEach((g, j) => {
          assert.ok(g === null ? baseline[form].grads[j] === null : sameNumbers(g, baseline[form].grads[j]),
            `${what}: the next valid call changed the gradient of arg ${j}`);
        });
      }
    }
    assert.ok(failures.length === 0, `${failures.length} of ${tried} bad calls misbehaved:\n    ${failures.join("\n    ")}`);
    counts[spec.fn] = { rows: rows.length, calls: tried };
    // requests beyond wasm memory never grew it
    assert.ok(nn.memoryStats().wasmBytes < 2 ** 30, "a rejected request grew wasm memory past 1 GiB");
  });
}

test(`[${BUILD}] hostile: tensor(), empty(), zeros(), backward()`, () => {
  const mem0 = nn.memoryStats();
  const rows = [
    ["tensor(null)", () => nn.tensor(null)],
    ["tensor(undefined)", () => nn.tensor(undefined)],
    ["tensor('abc')", () => nn.tensor("abc")],
    ["tensor({})", () => nn.tensor({})],
    ["tensor of strings", () => nn.tensor(["a", "b"])],
    ["tensor of bigints", () => nn.tensor([1n, 2n])],
    ["tensor: fractional int64", () => nn.tensor([1.5, 2], [2], { dtype: "int64" })],
    ["tensor: NaN as int64", () => nn.tensor([NaN], [1], { dtype: "int64" })],
    ["tensor: unknown dtype", () => nn.tensor([1, 2], [2], { dtype: "float16" })],
    ["tensor: unknown dtype on a typed array", () => nn.tensor(new Float32Array(2), [2], { dtype: "int8" })],
    ["tensor: options null", () => nn.tensor([1, 2], [2], null)],
    ["tensor: options a string", () => nn.tensor([1, 2], [2], "float64")],
    ["tensor: shape product ≠ length", () => nn.tensor([1, 2, 3], [2, 2])],
    ["tensor: NaN shape", () => nn.tensor([1, 2], [NaN])],
    ["tensor: detached typed array", () => nn.tensor(detached())],
    ["tensor: array-like of length 2^40", () => nn.tensor({ length: 2 ** 40 })],
    ["tensor: array-like of length NaN", () => nn.tensor({ length: NaN })],
    ["tensor: integer requiring grad", () => nn.tensor(new Int32Array(2), [2], { requiresGrad: true })],
    ["item() of a 2-element tensor", () => nn.tensor([1, 2]).item()],
    ["empty('abc')", () => nn.empty("abc")],
    ["empty([NaN])", () => nn.empty([NaN])],
    ["empty([-1])", () => nn.empty([-1])],
    ["empty: unknown dtype", () => nn.empty([2], "float16")],
    ["empty: integer requiring grad", () => nn.empty([2], { dtype: "int32", requiresGrad: true })],
    ["empty: more than 32 dims", () => nn.empty(new Array(40).fill(1))],
    ["empty([2^31]) (8 GiB)", () => nn.empty([2 ** 31]), OOM],
    ["empty([2^30]) float64 (8 GiB)", () => nn.empty([2 ** 30], "float64"), OOM],
    ["zeros([65536, 65536])", () => nn.zeros([65536, 65536]), OOM],
    ["empty([2^53, 2^53])", () => nn.empty([2 ** 53, 2 ** 53]), OOM],
    ["empty([1e300])", () => nn.empty([1e300]), OOM],
    ["backward: gradOutput of the wrong shape", () => nn.mseLoss(f32([1, 2], [2], true), f32([0, 0], [2]), { reduction: "none" }).backward(f32([1, 2, 3], [3]))],
    ["backward: gradOutput a string", () => nn.mseLoss(f32([1, 2], [2], true), f32([0, 0], [2]), { reduction: "none" }).backward("1,1")],
    ["backward: integer gradOutput", () => nn.mseLoss(f32([1, 2], [2], true), f32([0, 0], [2]), { reduction: "none" }).backward(nn.tensor(new Int32Array(2)))],
    ["backward: detached gradOutput", () => nn.mseLoss(f32([1, 2], [2], true), f32([0, 0], [2]), { reduction: "none" }).backward(detached([1, 1]))],
    ["backward: missing gradOutput for 'none'", () => nn.mseLoss(f32([1, 2], [2], true), f32([0, 0], [2]), { reduction: "none" }).backward()],
    ["backward without grad_fn", () => nn.mseLoss(f32([1, 2], [2]), f32([0, 0], [2])).backward()],
    ["backward twice", () => { const o = nn.mseLoss(f32([1, 2], [2], true), f32([0, 0], [2])); o.backward(); o.backward(); }],
    ["backward into a disposed resident grad", () => {
      const x = nn.zeros([2], { requiresGrad: true });
      try {
        nn.mseLoss(x, f32([1, 1], [2])).backward();
        x.grad.dispose();
        nn.mseLoss(x, f32([1, 1], [2])).backward();
      } finally {
        x.dispose();
      }
    }],
    ["set data of another dtype", () => { f32([1, 2], [2]).data = new Float64Array(2); }],
    ["set data on a disposed tensor", () => { const t = f32([1, 2], [2]); t.dispose(); t.data = new Float32Array(2); }],
  ];
  const failures = [];
  for (const [label, call, message] of rows) {
    try {
      throwsNN(call, message, label);
      assert.is(nn.memoryStats().arenaBytes, 0, `${label}: scratch memory left behind`);
      assert.is(nn.memoryStats().residentBytes, mem0.residentBytes, `${label}: resident memory changed`);
    } catch (e) {
      failures.push(e.message);
    }
  }
  assert.ok(failures.length === 0, `${failures.length} of ${rows.length} bad calls misbehaved:\n    ${failures.join("\n    ")}`);
  // the nearest legal forms
  assert.equal(Array.from(nn.tensor([1n, 2n], [2], { dtype: "int64" }).data), [1n, 2n]);
  assert.equal(Array.from(nn.tensor([1, 2], [2], { dtype: "int64" }).data), [1n, 2n]);
  counts["tensor/empty/zeros/backward"] = { rows: rows.length, calls: rows.length };
  const m = nn.memoryStats();
  assert.is(m.arenaBytes, 0);
  assert.is(m.residentBytes, mem0.residentBytes);
  assert.ok(m.wasmBytes < 2 ** 30, "a rejected request grew wasm memory past 1 GiB");
});

test(`[${BUILD}] hostile: summary`, () => {
  const total = Object.values(counts).reduce((s, c) => s + c.calls, 0);
  assert.ok(Object.keys(counts).length === LOSSES.length + 1, "every loss ran its battery");
  if (envNumber("NNLOSS_VERBOSE", 0)) {
    for (const [k, c] of Object.entries(counts)) console.log(`  ${k.padEnd(32)} ${String(c.rows).padStart(4)} bad inputs, ${c.calls} calls`);
    console.log(`  total: ${total} rejected calls`);
  }
});

test.run();
