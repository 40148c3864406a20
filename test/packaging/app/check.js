// The smoke check every packaging target runs (Node, Deno, browser bundles, workerd): the default
// build, then the scalar build, through the installed package's public API. Plain JS, no imports:
// the caller passes the nnloss namespace it imported its own way.
export async function check(nn) {
  await nn.init();
  const out = { simdSupported: nn.simdSupported(), builds: {} };
  for (const simd of [undefined, false]) {
    if (simd !== undefined) await nn.init({ simd });
    const logits = nn.tensor(new Float32Array([1, 2, 3, 1, 2, 3]), [2, 3], { requiresGrad: true });
    const ce = nn.crossEntropy(logits, nn.tensor(new Int32Array([2, 0]), [2]));
    ce.backward();
    const loss = new nn.MSELoss();
    const mse = loss.forward(nn.tensor([1, 2, 3]), nn.tensor([1, 1, 1])).item();
    out.builds[nn.backend()] = { ce: ce.item(), mse, grad: Array.from(logits.grad.data) };
  }
  return out;
}

// Expected values (plain math): CE of rows [1, 2, 3] with targets 2 and 0, and its gradient
// (softmax − onehot) / 2; MSE of [1, 2, 3] against [1, 1, 1].
const lse = 3 + Math.log(1 + Math.exp(-1) + Math.exp(-2));
const p = [1, 2, 3].map((v) => Math.exp(v - lse));
export const EXPECTED = {
  ce: (lse - 3 + lse - 1) / 2,
  mse: 5 / 3,
  grad: [p[0] / 2, p[1] / 2, (p[2] - 1) / 2, (p[0] - 1) / 2, p[1] / 2, p[2] / 2],
};

/** Problems with a check() result (empty when all is well). `simd`: whether SIMD must have run. */
export function verify(r, { simd } = {}) {
  const bad = [];
  if (!r || r.error) return [`no result: ${r?.error ?? r}`];
  const near = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  const want = simd === undefined ? [] : simd ? ["simd", "scalar"] : ["scalar"];
  for (const b of want) if (!r.builds[b]) bad.push(`the ${b} build did not run (ran: ${Object.keys(r.builds)})`);
  for (const [b, v] of Object.entries(r.builds)) {
    if (!near(v.ce, EXPECTED.ce)) bad.push(`${b}: crossEntropy ${v.ce}, expected ${EXPECTED.ce}`);
    if (!near(v.mse, EXPECTED.mse)) bad.push(`${b}: MSELoss ${v.mse}, expected ${EXPECTED.mse}`);
    if (v.grad.length !== 6 || v.grad.some((g, i) => !near(g, EXPECTED.grad[i]))) bad.push(`${b}: grad ${v.grad}, expected ${EXPECTED.grad}`);
  }
  return bad;
}
