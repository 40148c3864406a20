// The training curve as a standalone SVG string, no dependencies: loss per epoch (left axis) and
// training accuracy (right axis, dashed). Used by examples/train-iris.mjs (written to a file) and by
// the browser page (redrawn after every epoch). No Node imports here.

const niceMax = (v) => {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((m) => m >= v);
};
const r1 = (v) => Math.round(v * 10) / 10;

/**
 * @param {{epoch: number, loss: number, accuracy: number}[]} history
 * @param {{epochs?: number, width?: number, height?: number, title?: string}} options
 *   epochs: the x axis length (defaults to the epochs in history), so a live chart fills up left to right.
 */
export function lossChartSvg(history, { epochs = history.length, width = 640, height = 320, title = "" } = {}) {
  const m = { top: title ? 50 : 28, right: 54, bottom: 40, left: 54 };
  const w = width - m.left - m.right, h = height - m.top - m.bottom;
  const xMax = Math.max(epochs, history.length, 1);
  const yMax = niceMax(Math.max(0, ...history.map((r) => r.loss).filter(Number.isFinite)));
  const x = (e) => r1(m.left + (xMax === 1 ? 0 : ((e - 1) / (xMax - 1)) * w));
  const yLoss = (v) => r1(m.top + h - (v / yMax) * h);
  const yAcc = (a) => r1(m.top + h - a * h);
  const path = (pts) => pts.map(([px, py], i) => `${i ? "L" : "M"}${px},${py}`).join("");

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (title) out.push(`<text x="${m.left}" y="20" font-size="14" font-weight="600" fill="#1d2330">${title}</text>`);
  // grid and axes
  for (let i = 0; i <= 4; i++) {
    const gy = r1(m.top + (h * i) / 4);
    out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${gy}" y2="${gy}" stroke="#e3e6ec"/>`);
    out.push(`<text x="${m.left - 6}" y="${gy + 4}" text-anchor="end" fill="#1f5fbf">${+(yMax * (1 - i / 4)).toPrecision(3)}</text>`);
    out.push(`<text x="${m.left + w + 6}" y="${gy + 4}" fill="#2e7d32">${100 - 25 * i}%</text>`);
  }
  const ticks = [...new Set([1, ...[0.25, 0.5, 0.75, 1].map((f) => Math.max(1, Math.round(f * xMax)))])];
  for (const e of ticks) {
    out.push(`<text x="${x(e)}" y="${m.top + h + 16}" text-anchor="middle" fill="#5b6475">${e}</text>`);
  }
  out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${m.top + h}" y2="${m.top + h}" stroke="#9aa3b2"/>`);
  out.push(`<text x="${m.left + w / 2}" y="${height - 6}" text-anchor="middle" fill="#5b6475">epoch</text>`);
  out.push(`<text transform="translate(14 ${m.top + h / 2}) rotate(-90)" text-anchor="middle" fill="#1f5fbf">loss</text>`);
  out.push(`<text transform="translate(${width - 8} ${m.top + h / 2}) rotate(90)" text-anchor="middle" fill="#2e7d32">accuracy</text>`);
  // curves
  if (history.length > 0) {
    const acc = history.map((r) => [x(r.epoch), yAcc(r.accuracy)]);
    const loss = history.map((r) => [x(r.epoch), yLoss(r.loss)]);
    out.push(`<path class="accuracy" d="${path(acc)}" fill="none" stroke="#2e7d32" stroke-width="1.5" stroke-dasharray="5 3"/>`);
    out.push(`<path class="loss" d="${path(loss)}" fill="none" stroke="#1f5fbf" stroke-width="2" stroke-linejoin="round"/>`);
    const last = history[history.length - 1];
    out.push(`<text class="last" x="${m.left + w}" y="${m.top - 12}" text-anchor="end" fill="#1d2330">epoch ${last.epoch}: loss ${last.loss.toFixed(4)}, accuracy ${(last.accuracy * 100).toFixed(1)}%</text>`);
  }
  out.push("</svg>");
  return out.join("\n") + "\n";
}
