// The benchmark's cases: every torch.nn loss at a small, a medium and a large size. Each loss says how
// to make its data, how to call it in nnloss, in the plain-JS reference, in PyTorch, and, where the peer
// has it, in tfjs (tf.losses or the ops a tfjs user would write) and as an ONNX graph.
//
// A loss: { name, fn, sizes, args(size, rand), ref(A, size, grad), torch, tf?, onnx?, call?, tolerance?, note? }
//  - args(): the arguments as { data, shape } (float32, or int64 class indices); the first one is the
//    input whose gradient the forward+backward pass computes (as `x.requires_grad_()` in PyTorch).
//  - ref(A, size, grad): the plain-JS loss of the data arrays A, filling `grad` when given.
//  - call(nn, T, size): the nnloss call on tensors T (default: nn[fn](...T)).
//  - torch: a Python expression over a0, a1, ... (torch tensors; F = torch.nn.functional), or a
//    function of the size returning one.
//  - tf(tf, T, size) → (x) => scalar loss: T are tf tensors (float32, int64 → int32); built before timing.
//  - onnx(g, I, size) → name of the scalar output; I are the graph's input names.
import * as ref from "./reference.mjs";

export const ELEMENTWISE_SIZES = [
  { label: "4K", n: 4096 },
  { label: "256K", n: 262144 },
  { label: "4M", n: 4194304 },
];
const ROW_SIZES = [
  { label: "256x100", N: 256, C: 100 },
  { label: "4096x100", N: 4096, C: 100 },
  { label: "4096x1000", N: 4096, C: 1000 },
];
const EMBEDDING_SIZES = [
  { label: "256x64", N: 256, D: 64 },
  { label: "4096x256", N: 4096, D: 256 },
  { label: "16384x256", N: 16384, D: 256 },
];

const f32 = (n, rand, lo, hi) => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
};
const pm1 = (n, rand) => Float32Array.from({ length: n }, () => (rand() < 0.5 ? -1 : 1));
const bits = (n, rand) => Float32Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1));
const classes = (n, C, rand) => BigInt64Array.from({ length: n }, () => BigInt(Math.floor(rand() * C)));
const vec = (data) => ({ data, shape: [data.length] });
const mat = (data, N, C) => ({ data, shape: [N, C] });

// ---------------------------------------------------------------- graph and tfjs helpers
const mean = (g, v) => g.op("ReduceMean", [v], { keepdims: 0 });
const softplusOnnx = (g, v) => g.op("Softplus", [v]);
/** ‖a − b + eps‖₂ over the last axis, as PyTorch's pairwise_distance. */
const pdistOnnx = (g, a, b) => g.op("ReduceL2", [g.op("Add", [g.op("Sub", [a, b]), 1e-6])], { axes: [1], keepdims: 0 });
const pdistTf = (tf, a, b) => tf.norm(tf.add(tf.sub(a, b), 1e-6), 2, 1);

/** An elementwise loss of (x, y) on 1-D data, mean reduction. */
function elementwise(name, fn, { x, y, torch, tf, onnx, refFn = ref[fn], note }) {
  return {
    name, fn, torch, tf, onnx, note, kind: "elementwise", reads: 2,
    sizes: ELEMENTWISE_SIZES,
    args: ({ n }, rand) => [vec(x(n, rand)), vec(y(n, rand))],
    ref: ([a, b], size, grad) => refFn(a, b, grad),
  };
}

export const LOSSES = [
  // ------------------------------------------------------------ classification over rows
  {
    name: "ce", fn: "crossEntropy", torch: "F.cross_entropy(a0, a1)",
    sizes: [
      { label: "256x100", N: 256, C: 100 },
      { label: "65536x10", N: 65536, C: 10 },
      { label: "4096x1000", N: 4096, C: 1000 },
      { label: "256x32000", N: 256, C: 32000 },
    ],
    args: ({ N, C }, rand) => [mat(f32(N * C, rand, -5, 5), N, C), vec(classes(N, C, rand))],
    ref: ([x, t], { N, C }, grad) => ref.crossEntropy(x, t, N, C, grad),
    tf: (tf, [, t], { C }) => {
      const onehot = tf.oneHot(t, C);
      return (x) => tf.losses.softmaxCrossEntropy(onehot, x);
    },
    onnx: (g, [x, t]) => g.op("SoftmaxCrossEntropyLoss", [x, t], { reduction: "mean" }),
    note: "tfjs takes one-hot labels, made before timing",
  },
  {
    // K-dim input (segmentation): [N, C, H, W] logits against [N, H, W] targets
    name: "ce_spatial", fn: "crossEntropy", torch: "F.cross_entropy(a0, a1)",
    sizes: [
      { label: "2x5x16x16", N: 2, C: 5, H: 16, W: 16 },
      { label: "4x21x64x64", N: 4, C: 21, H: 64, W: 64 },
      { label: "4x21x128x128", N: 4, C: 21, H: 128, W: 128 },
    ],
    args: ({ N, C, H, W }, rand) => [
      { data: f32(N * C * H * W, rand, -5, 5), shape: [N, C, H, W] },
      { data: classes(N * H * W, C, rand), shape: [N, H, W] },
    ],
    ref: ([x, t], { N, C, H, W }, grad) => ref.crossEntropySpatial(x, t, N, C, H * W, grad),
    tf: (tf, [, t], { C }) => {
      const onehot = tf.oneHot(t, C);
      return (x) => tf.losses.softmaxCrossEntropy(onehot, tf.transpose(x, [0, 2, 3, 1]));
    },
    onnx: (g, [x, t]) => g.op("SoftmaxCrossEntropyLoss", [x, t], { reduction: "mean" }),
    note: "tfjs: classes moved last with tf.transpose (its softmax runs over the last axis), one-hot labels made before timing",
  },
  {
    // the composition PyTorch's docs teach: NLLLoss after LogSoftmax, against the fused crossEntropy above
    name: "nll_log_softmax", fn: "nllLoss", torch: "F.nll_loss(F.log_softmax(a0, 1), a1)",
    sizes: [{ label: "4096x1000", N: 4096, C: 1000 }],
    args: ({ N, C }, rand) => [mat(f32(N * C, rand, -5, 5), N, C), vec(classes(N, C, rand))],
    call: (nn, [x, t]) => nn.nllLoss(nn.logSoftmax(x, { dim: 1 }), t),
    ref: ([x, t], { N, C }, grad) => ref.crossEntropy(x, t, N, C, grad),
    tf: (tf, [, t], { C }) => {
      const onehot = tf.oneHot(t, C);
      return (x) => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(x), onehot), 1)));
    },
    note: "logSoftmax → nllLoss (two ops, two nodes of the graph); tfjs: logSoftmax, then the one-hot NLL",
  },
  {
    name: "nll", fn: "nllLoss", torch: "F.nll_loss(a0, a1)",
    sizes: [ROW_SIZES[0], { label: "65536x10", N: 65536, C: 10 }, ROW_SIZES[2]],
    args: ({ N, C }, rand) => [mat(f32(N * C, rand, -5, 0), N, C), vec(classes(N, C, rand))],
    ref: ([x, t], { N, C }, grad) => ref.nllLoss(x, t, N, C, grad),
    tf: (tf, [, t], { C }) => {
      const onehot = tf.oneHot(t, C);
      return (x) => tf.neg(tf.mean(tf.sum(tf.mul(x, onehot), 1)));
    },
    onnx: (g, [x, t]) => g.op("NegativeLogLikelihoodLoss", [x, t], { reduction: "mean" }),
  },
  {
    name: "multi_margin", fn: "multiMarginLoss", torch: "F.multi_margin_loss(a0, a1)",
    sizes: ROW_SIZES,
    args: ({ N, C }, rand) => [mat(f32(N * C, rand, -1, 1), N, C), vec(classes(N, C, rand))],
    ref: ([x, t], { N, C }, grad) => ref.multiMarginLoss(x, t, N, C, grad),
  },
  {
    name: "multilabel_margin", fn: "multilabelMarginLoss", torch: "F.multilabel_margin_loss(a0, a1)",
    sizes: ROW_SIZES,
    args: ({ N, C }, rand) => {
      const t = new BigInt64Array(N * C).fill(-1n);
      for (let n = 0; n < N; n++) {
        const k = 1 + Math.floor(rand() * 4), seen = new Set();
        for (let j = 0; j < k; j++) {
          let c;
          do c = Math.floor(rand() * C); while (seen.has(c));
          seen.add(c);
          t[n * C + j] = BigInt(c);
        }
      }
      return [mat(f32(N * C, rand, -1, 1), N, C), mat(t, N, C)];
    },
    ref: ([x, t], { N, C }, grad) => ref.multilabelMarginLoss(x, t, N, C, grad),
  },
  {
    name: "multilabel_soft_margin", fn: "multilabelSoftMarginLoss", torch: "F.multilabel_soft_margin_loss(a0, a1)",
    sizes: ROW_SIZES,
    args: ({ N, C }, rand) => [mat(f32(N * C, rand, -3, 3), N, C), mat(bits(N * C, rand), N, C)],
    ref: ([x, y], size, grad) => ref.multilabelSoftMarginLoss(x, y, grad),
    tf: (tf, [, y]) => (x) => tf.mean(tf.sub(tf.softplus(x), tf.mul(y, x))),
    onnx: (g, [x, y]) => mean(g, g.op("Sub", [softplusOnnx(g, x), g.op("Mul", [y, x])])),
  },

  // ------------------------------------------------------------ elementwise
  elementwise("mse", "mseLoss", {
    x: (n, r) => f32(n, r, -1, 1), y: (n, r) => f32(n, r, -1, 1), torch: "F.mse_loss(a0, a1)",
    tf: (tf, [, y]) => (x) => tf.losses.meanSquaredError(y, x),
    onnx: (g, [x, y]) => { const d = g.op("Sub", [x, y]); return mean(g, g.op("Mul", [d, d])); },
  }),
  elementwise("l1", "l1Loss", {
    x: (n, r) => f32(n, r, -1, 1), y: (n, r) => f32(n, r, -1, 1), torch: "F.l1_loss(a0, a1)",
    tf: (tf, [, y]) => (x) => tf.losses.absoluteDifference(y, x),
    onnx: (g, [x, y]) => mean(g, g.op("Abs", [g.op("Sub", [x, y])])),
  }),
  elementwise("bce", "binaryCrossEntropy", {
    x: (n, r) => f32(n, r, 0.01, 0.99), y: (n, r) => f32(n, r, 0, 1), torch: "F.binary_cross_entropy(a0, a1)",
    tf: (tf, [, y]) => (x) => tf.losses.logLoss(y, x),
    onnx: (g, [x, y]) => {
      const logX = g.op("Max", [g.op("Log", [x]), -100]), log1mX = g.op("Max", [g.op("Log", [g.op("Sub", [1, x])]), -100]);
      const ll = g.op("Add", [g.op("Mul", [y, logX]), g.op("Mul", [g.op("Sub", [1, y]), log1mX])]);
      return g.op("Neg", [mean(g, ll)]);
    },
    note: "tfjs logLoss adds eps 1e-7 inside the logs",
  }),
  elementwise("bce_logits", "binaryCrossEntropyWithLogits", {
    x: (n, r) => f32(n, r, -5, 5), y: (n, r) => f32(n, r, 0, 1), torch: "F.binary_cross_entropy_with_logits(a0, a1)",
    tf: (tf, [, y]) => (x) => tf.losses.sigmoidCrossEntropy(y, x),
    onnx: (g, [x, y]) => mean(g, g.op("Sub", [softplusOnnx(g, x), g.op("Mul", [x, y])])),
  }),
  elementwise("huber", "huberLoss", {
    x: (n, r) => f32(n, r, -2, 2), y: (n, r) => f32(n, r, -2, 2), torch: "F.huber_loss(a0, a1)",
    tf: (tf, [, y]) => (x) => tf.losses.huberLoss(y, x),
    onnx: (g, [x, y]) => huberOnnx(g, x, y),
  }),
  elementwise("smooth_l1", "smoothL1Loss", {
    x: (n, r) => f32(n, r, -2, 2), y: (n, r) => f32(n, r, -2, 2), torch: "F.smooth_l1_loss(a0, a1)",
    tf: (tf, [, y]) => (x) => tf.losses.huberLoss(y, x), // β = δ = 1: the same function
    onnx: (g, [x, y]) => huberOnnx(g, x, y),
    note: "peers: Huber with δ = 1, which equals SmoothL1 with β = 1",
  }),
  elementwise("kl_div", "klDiv", {
    x: (n, r) => f32(n, r, -5, 0), y: (n, r) => f32(n, r, 0.001, 1), torch: "F.kl_div(a0, a1)",
    tf: (tf, [, y]) => (x) => tf.mean(tf.mul(y, tf.sub(tf.log(y), x))),
    onnx: (g, [x, y]) => mean(g, g.op("Mul", [y, g.op("Sub", [g.op("Log", [y]), x])])),
  }),
  elementwise("poisson_nll", "poissonNllLoss", {
    x: (n, r) => f32(n, r, -2, 2), y: (n, r) => f32(n, r, 0, 5), torch: "F.poisson_nll_loss(a0, a1)",
    tf: (tf, [, y]) => (x) => tf.mean(tf.sub(tf.exp(x), tf.mul(y, x))),
    onnx: (g, [x, y]) => mean(g, g.op("Sub", [g.op("Exp", [x]), g.op("Mul", [y, x])])),
  }),
  {
    name: "gaussian_nll", fn: "gaussianNllLoss", torch: "F.gaussian_nll_loss(a0, a1, a2)", kind: "elementwise", reads: 3,
    sizes: ELEMENTWISE_SIZES,
    args: ({ n }, rand) => [vec(f32(n, rand, -1, 1)), vec(f32(n, rand, -1, 1)), vec(f32(n, rand, 0.1, 2))],
    ref: ([x, y, v], size, grad) => ref.gaussianNllLoss(x, y, v, grad),
    tf: (tf, [, y, v]) => (x) => {
      const vc = tf.maximum(v, 1e-6);
      return tf.mul(0.5, tf.mean(tf.add(tf.log(vc), tf.div(tf.square(tf.sub(x, y)), vc))));
    },
    onnx: (g, [x, y, v]) => {
      const vc = g.op("Max", [v, 1e-6]), d = g.op("Sub", [x, y]);
      return g.op("Mul", [0.5, mean(g, g.op("Add", [g.op("Log", [vc]), g.op("Div", [g.op("Mul", [d, d]), vc])]))]);
    },
  },
  elementwise("soft_margin", "softMarginLoss", {
    x: (n, r) => f32(n, r, -2, 2), y: pm1, torch: "F.soft_margin_loss(a0, a1)",
    tf: (tf, [, y]) => (x) => tf.mean(tf.softplus(tf.neg(tf.mul(y, x)))),
    onnx: (g, [x, y]) => mean(g, softplusOnnx(g, g.op("Neg", [g.op("Mul", [y, x])]))),
  }),
  elementwise("hinge_embedding", "hingeEmbeddingLoss", {
    x: (n, r) => f32(n, r, -2, 2), y: pm1, torch: "F.hinge_embedding_loss(a0, a1)",
    tf: (tf, [, y]) => (x) => tf.mean(tf.where(tf.equal(y, 1), x, tf.relu(tf.sub(1, x)))),
    onnx: (g, [x, y]) => mean(g, g.op("Where", [g.op("Equal", [y, 1]), x, g.op("Relu", [g.op("Sub", [1, x])])])),
  }),
  {
    name: "margin_ranking", fn: "marginRankingLoss", torch: "F.margin_ranking_loss(a0, a1, a2)", kind: "elementwise", reads: 3,
    sizes: ELEMENTWISE_SIZES,
    args: ({ n }, rand) => [vec(f32(n, rand, -1, 1)), vec(f32(n, rand, -1, 1)), vec(pm1(n, rand))],
    ref: ([a, b, y], size, grad) => ref.marginRankingLoss(a, b, y, grad),
    tf: (tf, [, x2, y]) => (x1) => tf.mean(tf.relu(tf.neg(tf.mul(y, tf.sub(x1, x2))))),
    onnx: (g, [a, b, y]) => mean(g, g.op("Relu", [g.op("Neg", [g.op("Mul", [y, g.op("Sub", [a, b])])])])),
  },

  // ------------------------------------------------------------ embeddings
  {
    name: "cosine_embedding", fn: "cosineEmbeddingLoss", torch: "F.cosine_embedding_loss(a0, a1, a2)",
    sizes: EMBEDDING_SIZES,
    args: ({ N, D }, rand) => [mat(f32(N * D, rand, -1, 1), N, D), mat(f32(N * D, rand, -1, 1), N, D), vec(pm1(N, rand))],
    ref: ([a, b, y], { N, D }, grad) => ref.cosineEmbeddingLoss(a, b, y, N, D, grad),
    tf: (tf, [, x2, y]) => (x1) => {
      const mag = (v) => tf.add(tf.sum(tf.square(v), 1), 1e-12);
      const cos = tf.div(tf.sum(tf.mul(x1, x2), 1), tf.sqrt(tf.mul(mag(x1), mag(x2))));
      return tf.mean(tf.where(tf.equal(y, 1), tf.sub(1, cos), tf.relu(cos)));
    },
    onnx: (g, [a, b, y]) => {
      const axes = g.constant([1], "int64");
      const sum = (v) => g.op("ReduceSum", [v, axes], { keepdims: 0 });
      const m1 = g.op("Add", [sum(g.op("Mul", [a, a])), 1e-12]), m2 = g.op("Add", [sum(g.op("Mul", [b, b])), 1e-12]);
      const cos = g.op("Div", [sum(g.op("Mul", [a, b])), g.op("Sqrt", [g.op("Mul", [m1, m2])])]);
      return mean(g, g.op("Where", [g.op("Equal", [y, 1]), g.op("Sub", [1, cos]), g.op("Relu", [cos])]));
    },
  },
  ...["triplet_margin", "triplet_distance"].map((name) => ({
    name,
    fn: name === "triplet_margin" ? "tripletMarginLoss" : "tripletMarginWithDistanceLoss",
    torch: name === "triplet_margin" ? "F.triplet_margin_loss(a0, a1, a2)" : "F.triplet_margin_with_distance_loss(a0, a1, a2)",
    sizes: EMBEDDING_SIZES,
    args: ({ N, D }, rand) => [0, 1, 2].map(() => mat(f32(N * D, rand, -1, 1), N, D)),
    ref: ([a, p, n], { N, D }, grad) => ref.tripletMarginLoss(a, p, n, N, D, grad),
    tf: (tf, [, p, n]) => (a) => tf.mean(tf.relu(tf.add(tf.sub(pdistTf(tf, a, p), pdistTf(tf, a, n)), 1))),
    onnx: (g, [a, p, n]) => mean(g, g.op("Relu", [g.op("Add", [g.op("Sub", [pdistOnnx(g, a, p), pdistOnnx(g, a, n)]), 1])])),
  })),

  // ------------------------------------------------------------ sequences
  {
    name: "ctc", fn: "ctcLoss",
    sizes: [
      { label: "T50 N4 C20 S10", T: 50, N: 4, C: 20, S: 10 },
      { label: "T100 N16 C30 S30", T: 100, N: 16, C: 30, S: 30 },
      { label: "T200 N32 C50 S50", T: 200, N: 32, C: 50, S: 50 },
    ],
    args: ({ T, N, C, S }, rand) => {
      const lp = f32(T * N * C, rand, -2, 2);
      for (let r = 0; r < T * N; r++) { // log_softmax over C
        let m = -Infinity, s = 0;
        for (let c = 0; c < C; c++) m = Math.max(m, lp[r * C + c]);
        for (let c = 0; c < C; c++) s += Math.exp(lp[r * C + c] - m);
        for (let c = 0; c < C; c++) lp[r * C + c] -= m + Math.log(s);
      }
      const t = BigInt64Array.from({ length: N * S }, () => BigInt(1 + Math.floor(rand() * (C - 1))));
      return [{ data: lp, shape: [T, N, C] }, mat(t, N, S)];
    },
    call: (nn, [lp, t], { T, N, S }) => nn.ctcLoss(lp, t, new Array(N).fill(T), new Array(N).fill(S)),
    ref: ([lp, t], { T, N, C, S }, grad) =>
      ref.ctcLoss(lp, t, new Array(N).fill(T), new Array(N).fill(S), T, N, C, S, grad),
    torch: ({ T, N, S }) => `F.ctc_loss(a0, a1, [${T}] * ${N}, [${S}] * ${N})`,
    // PyTorch's float32 log-space recursion (which nnloss follows) is ~T·ulp off the float64 reference
    // in the gradient: 1.4e-4 at T = 100, 5e-4 at T = 200, for PyTorch and nnloss alike.
    tolerance: 2e-3,
    note: "gradients checked to 2e-3 (PyTorch itself is 5e-4 off the float64 reference at T = 200)",
  },
];

function huberOnnx(g, x, y) {
  const d = g.op("Sub", [x, y]), a = g.op("Abs", [d]);
  const quad = g.op("Mul", [0.5, g.op("Mul", [d, d])]), lin = g.op("Sub", [a, 0.5]);
  return mean(g, g.op("Where", [g.op("Less", [a, 1]), quad, lin]));
}

/** Byte count the loss's forward pass must read at least (the argument arrays), for the bandwidth target. */
export function bytesRead(loss, size) {
  return loss.kind === "elementwise" ? loss.reads * size.n * 4 : null;
}

/**
 * The timed function of one pass of `loss` on nnloss module `mod` through the copying public API: the
 * input tensor is wrapped in each call (as a user would), the other arguments once. Shared by the Node
 * benchmark and the browser page.
 */
export function copyingPass(mod, loss, size, A, pass) {
  const call = (T) => (loss.call ? loss.call(mod, T, size) : mod[loss.fn](...T));
  const rest = A.slice(1).map((a) => mod.tensor(a.data, a.shape));
  return pass === "fwd"
    ? () => ({ loss: call([mod.tensor(A[0].data, A[0].shape), ...rest]).item() })
    : () => {
      const X = mod.tensor(A[0].data, A[0].shape, { requiresGrad: true });
      const l = call([X, ...rest]);
      l.backward();
      return { loss: l.item(), grad: X.grad.data };
    };
}
