// Plain-JS reference losses: the straightforward code a JS user would write (one loop per loss, f64
// accumulators, Math.exp/log), used both as the benchmark's baseline and as its correctness oracle.
// PyTorch's default options and mean reduction throughout. Each loss is one function taking an
// optional `grad` array: when given, it receives the gradient w.r.t. the first argument (the input,
// input1, anchor or log-probs), in float32 like the input. `xxxWithGrad(...)` returns { loss, grad }.
// Shapes: n = number of elements; [N, C] row-major matrices; CTC log-probs are [T, N, C].

/** Runs `loss(...args, grad)` with a fresh float32 gradient of `n` elements. */
export function withGrad(loss, n, ...args) {
  const grad = new Float32Array(n);
  return { loss: loss(...args, grad), grad };
}

const sigmoid = (v) => 1 / (1 + Math.exp(-v));
const softplus = (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
const sign = (v) => (v > 0 ? 1 : v < 0 ? -1 : 0);

// ---------------------------------------------------------------- elementwise (x, y[, var]) → mean

export function l1Loss(x, y, grad = null) {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - y[i];
    sum += Math.abs(d);
    if (grad) grad[i] = sign(d) / n;
  }
  return sum / n;
}

/** Mean squared error over all elements (with `grad`: 2(x − y)/n). */
export function mseLoss(x, y, grad = null) {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - y[i];
    sum += d * d;
    if (grad) grad[i] = (2 / n) * d;
  }
  return sum / n;
}

/** MSE and its gradient w.r.t. x. */
export const mseLossWithGrad = (x, y) => withGrad(mseLoss, x.length, x, y);

/** BCE on probabilities, logs clamped at −100 as PyTorch does. */
export function binaryCrossEntropy(x, y, grad = null) {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = x[i], t = y[i];
    sum -= t * Math.max(Math.log(p), -100) + (1 - t) * Math.max(Math.log(1 - p), -100);
    if (grad) grad[i] = (p - t) / Math.max(p * (1 - p), 1e-12) / n;
  }
  return sum / n;
}

export function binaryCrossEntropyWithLogits(x, y, grad = null) {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += (1 - y[i]) * x[i] + softplus(-x[i]);
    if (grad) grad[i] = (sigmoid(x[i]) - y[i]) / n;
  }
  return sum / n;
}

export function huberLoss(x, y, grad = null, delta = 1) {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - y[i], a = Math.abs(d);
    sum += a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
    if (grad) grad[i] = (a < delta ? d : delta * sign(d)) / n;
  }
  return sum / n;
}

export function smoothL1Loss(x, y, grad = null, beta = 1) {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - y[i], a = Math.abs(d);
    sum += a < beta ? (0.5 * d * d) / beta : a - 0.5 * beta;
    if (grad) grad[i] = (a < beta ? d / beta : sign(d)) / n;
  }
  return sum / n;
}

/** KL divergence with log-probability input x and probability target y (reduction "mean"). */
export function klDiv(x, y, grad = null) {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] > 0) sum += y[i] * (Math.log(y[i]) - x[i]);
    if (grad) grad[i] = -y[i] / n;
  }
  return sum / n;
}

/** Poisson NLL with log-rate input: exp(x) − y·x. */
export function poissonNllLoss(x, y, grad = null) {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(x[i]);
    sum += e - y[i] * x[i];
    if (grad) grad[i] = (e - y[i]) / n;
  }
  return sum / n;
}

/** Gaussian NLL: ½(log v + (x − y)²/v) with v = max(var, 1e-6). */
export function gaussianNllLoss(x, y, variance, grad = null) {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.max(variance[i], 1e-6), d = x[i] - y[i];
    sum += 0.5 * (Math.log(v) + (d * d) / v);
    if (grad) grad[i] = d / v / n;
  }
  return sum / n;
}

/** log(1 + exp(−y·x)) with y = ±1. */
export function softMarginLoss(x, y, grad = null) {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const z = -y[i] * x[i];
    sum += softplus(z);
    if (grad) grad[i] = (-y[i] * sigmoid(z)) / n;
  }
  return sum / n;
}

/** x where y = 1, max(0, margin − x) where y = −1 (margin 1). */
export function hingeEmbeddingLoss(x, y, grad = null, margin = 1) {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const h = margin - x[i];
    sum += y[i] === 1 ? x[i] : Math.max(0, h);
    if (grad) grad[i] = (y[i] === 1 ? 1 : h > 0 ? -1 : 0) / n;
  }
  return sum / n;
}

/** max(0, −y·(x1 − x2) + margin) (margin 0); the gradient is w.r.t. x1. */
export function marginRankingLoss(x1, x2, y, grad = null, margin = 0) {
  const n = x1.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = -y[i] * (x1[i] - x2[i]) + margin;
    if (v > 0) sum += v;
    if (grad) grad[i] = v > 0 ? -y[i] / n : 0;
  }
  return sum / n;
}

// ---------------------------------------------------------------- rows of [N, C] with class targets

/** CrossEntropy, mean over rows: x is [N, C] row-major logits, t holds N class indices (int64 or int32). */
export function crossEntropy(x, t, N, C, grad = null) {
  let total = 0;
  for (let n = 0; n < N; n++) {
    const row = n * C, tn = Number(t[n]);
    let max = -Infinity;
    for (let c = 0; c < C; c++) if (x[row + c] > max) max = x[row + c];
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(x[row + c] - max);
      if (grad) grad[row + c] = e;
      sum += e;
    }
    total += max + Math.log(sum) - x[row + tn];
    if (grad) {
      const scale = 1 / (sum * N);
      for (let c = 0; c < C; c++) grad[row + c] *= scale;
      grad[row + tn] -= 1 / N;
    }
  }
  return total / N;
}

/** CrossEntropy of x [N, C, K] (K spatial positions, classes strided by K) against t [N, K], mean over
 *  the N·K positions, gradient into `grad` when given. */
export function crossEntropySpatial(x, t, N, C, K, grad = null) {
  let total = 0;
  const P = N * K;
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const base = n * C * K + k, tn = Number(t[n * K + k]);
      let max = -Infinity;
      for (let c = 0; c < C; c++) max = Math.max(max, x[base + c * K]);
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(x[base + c * K] - max);
      total += max + Math.log(sum) - x[base + tn * K];
      if (grad) {
        for (let c = 0; c < C; c++) grad[base + c * K] = Math.exp(x[base + c * K] - max) / (sum * P);
        grad[base + tn * K] -= 1 / P;
      }
    }
  }
  return total / P;
}

/** CrossEntropy and its gradient softmax(x) − onehot(t), divided by N. */
export const crossEntropyWithGrad = (x, t, N, C) => withGrad(crossEntropy, N * C, x, t, N, C);

/** NLL of log-probabilities x [N, C]. */
export function nllLoss(x, t, N, C, grad = null) {
  let total = 0;
  for (let n = 0; n < N; n++) {
    const i = n * C + Number(t[n]);
    total -= x[i];
    if (grad) grad[i] = -1 / N; // the rest of grad stays 0
  }
  return total / N;
}

/** Multi-class hinge (p = 1, margin 1): (1/C)·Σ_{j≠y} max(0, 1 − x_y + x_j) per row. */
export function multiMarginLoss(x, t, N, C, grad = null) {
  let total = 0;
  for (let n = 0; n < N; n++) {
    const row = n * C, y = Number(t[n]);
    for (let j = 0; j < C; j++) {
      if (j === y) continue;
      const v = 1 - x[row + y] + x[row + j];
      if (v > 0) {
        total += v / C;
        if (grad) {
          grad[row + j] += 1 / (C * N);
          grad[row + y] -= 1 / (C * N);
        }
      }
    }
  }
  return total / N;
}

/** Multi-label hinge: t [N, C] lists each row's labels, ended by −1; (1/C)·Σ_{j∈y} Σ_{i∉y} max(0, 1 − (x_j − x_i)). */
export function multilabelMarginLoss(x, t, N, C, grad = null) {
  let total = 0;
  const isTarget = new Uint8Array(C);
  for (let n = 0; n < N; n++) {
    const row = n * C;
    isTarget.fill(0);
    let k = 0;
    while (k < C && t[row + k] >= 0) isTarget[Number(t[row + k++])] = 1;
    for (let a = 0; a < k; a++) {
      const j = Number(t[row + a]);
      for (let i = 0; i < C; i++) {
        if (isTarget[i]) continue;
        const v = 1 - (x[row + j] - x[row + i]);
        if (v > 0) {
          total += v / C;
          if (grad) {
            grad[row + j] -= 1 / (C * N);
            grad[row + i] += 1 / (C * N);
          }
        }
      }
    }
  }
  return total / N;
}

/** −(1/C)·Σ_c (y·log σ(x) + (1 − y)·log σ(−x)) per row, y in {0, 1}; mean over rows = mean over all. */
export function multilabelSoftMarginLoss(x, y, grad = null) {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += y[i] * softplus(-x[i]) + (1 - y[i]) * softplus(x[i]);
    if (grad) grad[i] = (sigmoid(x[i]) - y[i]) / n;
  }
  return sum / n;
}

// ---------------------------------------------------------------- embeddings: rows of [N, D]

/** 1 − cos(x1, x2) where y = 1, max(0, cos) where y = −1 (margin 0); ATen's EPSILON 1e-12. */
export function cosineEmbeddingLoss(x1, x2, y, N, D, grad = null) {
  let total = 0;
  for (let n = 0; n < N; n++) {
    const row = n * D;
    let dot = 0, s1 = 0, s2 = 0;
    for (let d = 0; d < D; d++) {
      dot += x1[row + d] * x2[row + d];
      s1 += x1[row + d] * x1[row + d];
      s2 += x2[row + d] * x2[row + d];
    }
    const m1 = s1 + 1e-12, m2 = s2 + 1e-12, denom = Math.sqrt(m1 * m2), cos = dot / denom;
    const dir = y[n] === 1 ? -1 : cos > 0 ? 1 : 0; // d loss / d cos
    total += y[n] === 1 ? 1 - cos : Math.max(0, cos);
    if (grad && dir !== 0) {
      for (let d = 0; d < D; d++) grad[row + d] = (dir * (x2[row + d] / denom - (cos * x1[row + d]) / m1)) / N;
    }
  }
  return total / N;
}

/** max(0, margin + ‖a − p + eps‖₂ − ‖a − n + eps‖₂) (margin 1, eps 1e-6); the gradient is w.r.t. a. */
export function tripletMarginLoss(a, p, ng, N, D, grad = null, margin = 1) {
  const eps = 1e-6;
  let total = 0;
  for (let n = 0; n < N; n++) {
    const row = n * D;
    let sp = 0, sn = 0;
    for (let d = 0; d < D; d++) {
      const dp = a[row + d] - p[row + d] + eps, dn = a[row + d] - ng[row + d] + eps;
      sp += dp * dp;
      sn += dn * dn;
    }
    const dap = Math.sqrt(sp), dan = Math.sqrt(sn), v = margin + dap - dan;
    if (v > 0) {
      total += v;
      if (grad) {
        for (let d = 0; d < D; d++) {
          grad[row + d] = ((a[row + d] - p[row + d] + eps) / dap - (a[row + d] - ng[row + d] + eps) / dan) / N;
        }
      }
    }
  }
  return total / N;
}

// ---------------------------------------------------------------- CTC

const logAdd = (a, b) => {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
};

/**
 * CTC loss (blank 0, reduction "mean": Σ_n nll_n / targetLength_n / N) of log-probs lp [T, N, C]
 * and padded targets [N, S], with the alpha–beta recursion in log space.
 */
export function ctcLoss(lp, targets, inputLengths, targetLengths, T, N, C, S, grad = null) {
  let total = 0;
  for (let n = 0; n < N; n++) {
    const Tn = inputLengths[n], L = targetLengths[n], W = 2 * L + 1;
    const label = (s) => (s % 2 === 0 ? 0 : Number(targets[n * S + (s - 1) / 2]));
    const at = (t, c) => lp[(t * N + n) * C + c];
    const skip = (s) => s > 1 && s % 2 === 1 && label(s) !== label(s - 2);
    const alpha = new Float64Array(Tn * W).fill(-Infinity);
    alpha[0] = at(0, 0);
    if (W > 1) alpha[1] = at(0, label(1));
    for (let t = 1; t < Tn; t++) {
      for (let s = 0; s < W; s++) {
        let v = alpha[(t - 1) * W + s];
        if (s > 0) v = logAdd(v, alpha[(t - 1) * W + s - 1]);
        if (skip(s)) v = logAdd(v, alpha[(t - 1) * W + s - 2]);
        alpha[t * W + s] = v + at(t, label(s));
      }
    }
    const nll = -logAdd(alpha[(Tn - 1) * W + W - 1], W > 1 ? alpha[(Tn - 1) * W + W - 2] : -Infinity);
    total += nll / Math.max(L, 1);
    if (!grad) continue;
    const beta = new Float64Array(Tn * W).fill(-Infinity);
    beta[(Tn - 1) * W + W - 1] = at(Tn - 1, 0);
    if (W > 1) beta[(Tn - 1) * W + W - 2] = at(Tn - 1, label(W - 2));
    for (let t = Tn - 2; t >= 0; t--) {
      for (let s = 0; s < W; s++) {
        let v = beta[(t + 1) * W + s];
        if (s < W - 1) v = logAdd(v, beta[(t + 1) * W + s + 1]);
        if (s < W - 2 && skip(s + 2)) v = logAdd(v, beta[(t + 1) * W + s + 2]);
        beta[t * W + s] = v + at(t, label(s));
      }
    }
    // d nll / d lp[t, c] = exp(lp) − exp(logsumexp_{s: label(s) = c}(alpha + beta) + nll − lp)
    const scale = 1 / Math.max(L, 1) / N;
    const lcab = new Float64Array(C);
    for (let t = 0; t < Tn; t++) {
      lcab.fill(-Infinity);
      for (let s = 0; s < W; s++) lcab[label(s)] = logAdd(lcab[label(s)], alpha[t * W + s] + beta[t * W + s]);
      for (let c = 0; c < C; c++) {
        const l = at(t, c);
        grad[(t * N + n) * C + c] = (Math.exp(l) - Math.exp(lcab[c] + nll - l)) * scale;
      }
    }
  }
  return total / N;
}
