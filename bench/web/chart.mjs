// The speed-up chart: one row per case and pass, one bar per nnloss build, bar length = speed-up over
// plain JS on a log scale, with the 1× line marked. Returns SVG markup (no DOM needed).
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/** rows: [{ label, bars: [{ name, value, color }] }] (value = speed-up, > 0). */
export function speedupChart(rows, { title = "speed-up over plain JS (log scale)", width = 1000 } = {}) {
  const labelW = 210, right = 70, top = 34, barH = 13, gap = 3, groupGap = 12;
  const values = rows.flatMap((r) => r.bars.map((b) => b.value)).filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.min(0.5, ...values) / 1.2, hi = Math.max(2, ...values) * 1.25;
  const x = (v) => labelW + ((Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * (width - labelW - right);
  const height = top + rows.reduce((h, r) => h + r.bars.length * (barH + gap) + groupGap, 0) + 24;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">`,
    `<style>text { font: 12px system-ui, sans-serif; fill: #1d2330; } .tick { fill: #5b6475; font-size: 11px; }</style>`,
    `<text x="${labelW}" y="16" font-weight="600">${esc(title)}</text>`];
  for (let t = 10 ** Math.floor(Math.log10(lo)); t <= hi; t *= 10) {
    for (const m of [1, 2, 5]) {
      const v = t * m;
      if (v < lo || v > hi) continue;
      out.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${top - 8}" y2="${height - 22}" stroke="${v === 1 ? "#1d2330" : "#e3e6ec"}" stroke-width="${v === 1 ? 1.5 : 1}"/>`,
        `<text class="tick" x="${x(v)}" y="${height - 8}" text-anchor="middle">${v}×</text>`);
    }
  }
  let y = top;
  for (const r of rows) {
    out.push(`<text x="${labelW - 8}" y="${y + (r.bars.length * (barH + gap)) / 2 + 4}" text-anchor="end">${esc(r.label)}</text>`);
    for (const b of r.bars) {
      const ok = b.value > 0 && Number.isFinite(b.value);
      const x0 = x(Math.min(1, ok ? b.value : 1)), x1 = x(Math.max(1, ok ? b.value : 1));
      out.push(`<rect class="bar" data-impl="${esc(b.name)}" data-value="${ok ? b.value : ""}" x="${x0}" y="${y}" width="${Math.max(1, x1 - x0)}" height="${barH}" fill="${b.color}"/>`,
        `<text x="${x1 + 4}" y="${y + barH - 2}" class="tick">${ok ? `${b.value >= 10 ? b.value.toFixed(0) : b.value.toFixed(1)}× ${esc(b.name)}` : `${esc(b.name)}: n/a`}</text>`);
      y += barH + gap;
    }
    y += groupGap;
  }
  out.push("</svg>");
  return out.join("\n");
}
