// Plain-JS reference losses: the straightforward code a JS user would write (f64 accumulators,
// Math.exp), used both as the benchmark's baseline and as the correctness oracle.
// Mean reduction throughout; gradients are w.r.t. the input only, in float32 like the input.

/** CrossEntropy, mean over rows: x is [N, C] row-major logits, t holds N class indices (int64 or int32). */
export function crossEntropy(x, t, N, C) {
  let total = 0;
  for (let n = 0; n < N; n++) {
    const row = n * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) if (x[row + c] > max) max = x[row + c];
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(x[row + c] - max);
    total += max + Math.log(sum) - x[row + Number(t[n])];
  }
  return total / N;
}

/** CrossEntropy and its gradient softmax(x) − onehot(t), divided by N. */
export function crossEntropyWithGrad(x, t, N, C) {
  const grad = new Float32Array(N * C);
  let total = 0;
  for (let n = 0; n < N; n++) {
    const row = n * C;
    const tn = Number(t[n]);
    let max = -Infinity;
    for (let c = 0; c < C; c++) if (x[row + c] > max) max = x[row + c];
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(x[row + c] - max);
      grad[row + c] = e;
      sum += e;
    }
    total += max + Math.log(sum) - x[row + tn];
    const scale = 1 / (sum * N);
    for (let c = 0; c < C; c++) grad[row + c] *= scale;
    grad[row + tn] -= 1 / N;
  }
  return { loss: total / N, grad };
}

/** Mean squared error over all elements. */
export function mseLoss(x, y) {
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - y[i];
    sum += d * d;
  }
  return sum / x.length;
}

/** MSE and its gradient w.r.t. x: 2(x − y)/n. */
export function mseLossWithGrad(x, y) {
  const n = x.length;
  const grad = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - y[i];
    sum += d * d;
    grad[i] = (2 / n) * d;
  }
  return { loss: sum / n, grad };
}
