// The benchmark's report: the markdown table, the issue's targets with their measured ratios, and an
// SVG chart of nnloss SIMD's speed-up against each peer (written without dependencies).

export const IMPLS = {
  js: { label: "plain JS" },
  scalar: { label: "nnloss scalar" },
  simd: { label: "nnloss SIMD" },
  "simd-resident": { label: "SIMD zero-copy" },
  relaxed: { label: "relaxed SIMD (opt-in)" },
  torch: { label: "PyTorch", color: "#e8552f" },
  tfjs: { label: "tfjs-wasm", color: "#f2a900" },
  ort: { label: "ORT-web", color: "#4d6fd8" },
};
const PEERS = ["torch", "tfjs", "ort", "js"];
const PEER_COLOR = { ...Object.fromEntries(PEERS.map((p) => [p, IMPLS[p].color])), js: "#8c8c8c" };
const PASS = { fwd: "fwd", fwdBwd: "fwd+bwd" };

const ms = (v) => (v == null ? "—" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
const x = (v) => (v == null || !isFinite(v) ? "—" : `${v >= 10 ? v.toFixed(0) : v.toFixed(v >= 1 ? 1 : 2)}×`);

/** Lookup of ok results: get(case, pass, impl) → result or undefined. */
function index(results) {
  const m = new Map();
  for (const r of results) if (r.status === "ok") m.set(`${r.case}|${r.pass}|${r.impl}`, r);
  return (c, pass, impl) => m.get(`${c}|${pass}|${impl}`);
}
const speedup = (peer, mine) => (peer && mine ? peer.medianMs / mine.medianMs : null);

function cases(results) {
  const seen = new Map();
  for (const r of results) if (!seen.has(r.case)) seen.set(r.case, { loss: r.loss, size: r.size, case: r.case });
  return [...seen.values()];
}

function machineLine(m) {
  const peers = Object.entries(m.peers ?? {}).map(([k, v]) => `${IMPLS[k].label} ${v}`).join(", ");
  return `${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB · Node ${m.node} (V8 ${m.v8}) · ${m.platform} · ` +
    `${m.date.slice(0, 16).replace("T", " ")} UTC · commit ${m.commit ?? "?"}${peers ? ` · peers: ${peers}` : ""}` +
    ` · load avg ${m.loadAvg?.[0]} → ${m.loadAvgEnd?.[0]} · ${m.seconds} s`;
}

export function markdown(results, meta, caseNotes = []) {
  const get = index(results);
  const cols = ["js", "scalar", "simd", "simd-resident", "relaxed", "torch", "tfjs", "ort"];
  const lines = [
    `## nnloss benchmark${meta.settings.quick ? " (--quick)" : ""}`,
    "",
    machineLine(meta.machine),
    "",
    `| loss | size | pass | ${cols.map((c) => IMPLS[c].label).join(" | ")} | vs PyTorch | vs tfjs | vs ORT | vs JS | SIMD vs scalar |`,
    `|---|---|---|${cols.map(() => "---:").join("|")}|---:|---:|---:|---:|---:|`,
  ];
  for (const c of cases(results)) {
    for (const pass of ["fwd", "fwdBwd"]) {
      const r = Object.fromEntries(cols.map((k) => [k, get(c.case, pass, k)]));
      const bad = results.filter((q) => q.case === c.case && q.pass === pass && q.status !== "ok" && cols.includes(q.impl));
      const cell = (k) => (r[k] ? ms(r[k].medianMs) : bad.some((q) => q.impl === k) ? bad.find((q) => q.impl === k).status : "—");
      lines.push(`| ${c.loss} | ${c.size} | ${PASS[pass]} | ${cols.map(cell).join(" | ")} | ` +
        `${["torch", "tfjs", "ort", "js"].map((p) => x(speedup(r[p], r.simd))).join(" | ")} | ${x(speedup(r.scalar, r.simd))} |`);
    }
  }
  const ok = results.filter((r) => r.status === "ok" && r.medianMs > 0 && r.impl !== "wasm-read");
  const spreads = ok.map((r) => (r.q3Ms - r.q1Ms) / 2 / r.medianMs).sort((a, b) => a - b);
  const pct = (v) => `${Math.round(100 * v)} %`;
  lines.push("",
    "Median ms per call, interleaved reps. \"vs X\" = X's time / nnloss SIMD's time (> 1: nnloss is faster). " +
    "float32 data, mean reduction, int64 class targets. nnloss SIMD/scalar go through the public API with its copies " +
    "(input wrapped in each call, gradient copied out); SIMD zero-copy uses resident tensors (`nn.empty`) set before timing, " +
    "gradients disposed every rep. Each peer runs in its own process (so no library's heap or GC taxes another's), timed in " +
    "the same interleaved rounds; the peers hold their inputs as their own tensors made before timing; tfjs and PyTorch " +
    "gradients stay in their memory; onnxruntime-web is forward only (graphs built in JS). " +
    "Gradients are w.r.t. the first argument only.",
    "",
    `Noise: half the interquartile range is ${pct(spreads[Math.floor(spreads.length / 2)] ?? 0)} of the median for the median cell, ` +
    `${pct(spreads[Math.floor(spreads.length * 0.9)] ?? 0)} at the 90th percentile; ` +
    `load average ${meta.machine.loadAvg?.join(" / ")} at the start, ${meta.machine.loadAvgEnd?.join(" / ")} at the end (${meta.machine.cores} cores).`);
  const bad = results.filter((r) => r.status !== "ok");
  const notes = [...(meta.notes ?? []), ...caseNotes,
    ...bad.map((r) => `${r.case} ${PASS[r.pass]} ${IMPLS[r.impl]?.label ?? r.impl}: ${r.status}${r.note ? ` — ${r.note}` : ""}`)];
  if (notes.length) lines.push("", "Notes:", ...notes.map((n) => `- ${n}`));
  return lines.join("\n");
}

// ---------------------------------------------------------------- targets

const ELEMENTWISE = ["mse", "l1", "bce", "bce_logits", "huber", "smooth_l1", "kl_div", "poisson_nll", "gaussian_nll",
  "soft_margin", "hinge_embedding", "margin_ranking"];

export function targetsSection(results, meta) {
  const get = index(results);
  const rows = [];
  const add = (target, where, measured, ok) => rows.push(`| ${target} | ${where} | ${measured} | ${ok == null ? "n/a" : ok ? "**met**" : "not met"} |`);
  const lastSize = (loss) => [...results].reverse().find((r) => r.loss === loss)?.case;

  // 1. PyTorch parity on the issue's shapes
  for (const c of ["ce 4096x1000", "ce 65536x10", "ce 256x32000", "mse 4M"]) {
    for (const [pass, limit] of [["fwdBwd", 1.0], ["fwd", 1.2]]) {
      const s = get(c, pass, "simd"), t = get(c, pass, "torch"), z = get(c, pass, "simd-resident");
      const target = `${PASS[pass]} ≤ ${limit.toFixed(1)}× PyTorch`;
      if (!s || !t) { add(target, c, "not measured", null); continue; }
      const ratio = s.medianMs / t.medianMs;
      add(target, c, `${ratio.toFixed(2)}× (${ms(s.medianMs)} vs ${ms(t.medianMs)} ms; zero-copy ${z ? (z.medianMs / t.medianMs).toFixed(2) : "—"}×)`, ratio <= limit);
    }
  }
  // 2. CE vs the browser-capable peers
  for (const c of ["ce 4096x1000", "ce 65536x10", "ce 256x32000"]) {
    const s = get(c, "fwd", "simd"), o = get(c, "fwd", "ort");
    add("CE ≥ 1.5× faster than onnxruntime-web", `${c} fwd`, o && s ? `${x(o.medianMs / s.medianMs)} (${ms(s.medianMs)} vs ${ms(o.medianMs)} ms)` : "not measured",
      o && s ? o.medianMs / s.medianMs >= 1.5 : null);
    for (const pass of ["fwd", "fwdBwd"]) {
      const s2 = get(c, pass, "simd"), t = get(c, pass, "tfjs");
      add("CE ≥ 8× faster than tfjs-wasm", `${c} ${PASS[pass]}`, t && s2 ? `${x(t.medianMs / s2.medianMs)} (${ms(s2.medianMs)} vs ${ms(t.medianMs)} ms)` : "not measured",
        t && s2 ? t.medianMs / s2.medianMs >= 8 : null);
    }
  }
  // 3. elementwise losses vs the wasm read bandwidth measured beside them (same bytes, same rounds)
  for (const loss of ELEMENTWISE) {
    const c = lastSize(loss);
    const bw = c && get(c, "fwd", "wasm-read");
    const z = c && get(c, "fwd", "simd-resident"), s = c && get(c, "fwd", "simd");
    if (!bw || !z) { if (c) add("elementwise fwd ≥ 70 % of wasm read bandwidth", c, "not measured", null); continue; }
    const frac = bw.medianMs / z.medianMs, fracCopy = s ? bw.medianMs / s.medianMs : null;
    const mid = [...new Set(results.filter((r) => r.loss === loss).map((r) => r.case))].at(-2);
    const bwMid = mid && get(mid, "fwd", "wasm-read"), zMid = mid && get(mid, "fwd", "simd-resident");
    add("elementwise fwd ≥ 70 % of wasm read bandwidth", `${c} (zero-copy)`,
      `${Math.round(100 * frac)} % (${(bw.bytes / z.medianMs / 1e6).toFixed(1)} of ${bw.gbps.toFixed(1)} GB/s; ` +
      `copying API ${fracCopy ? Math.round(100 * fracCopy) : "—"} %${bwMid && zMid ? `; ${mid.split(" ")[1]}: ${Math.round((100 * bwMid.medianMs) / zMid.medianMs)} %` : ""})`,
      frac >= 0.7);
  }
  // 4. small class counts: per-element cost at C = 10 against C = 1000, and SIMD over scalar there
  {
    const a = get("ce 65536x10", "fwd", "simd"), b = get("ce 4096x1000", "fwd", "simd"), sc = get("ce 65536x10", "fwd", "scalar");
    add("small class counts (C ≤ 16) have their own path", "ce 65536x10 vs 4096x1000 fwd",
      a && b ? `${((a.medianMs / 655360) / (b.medianMs / 4096000)).toFixed(1)}× the per-element time of C=1000; SIMD ${sc ? x(sc.medianMs / a.medianMs) : "—"} over scalar` : "not measured", null);
  }
  // 5. a SIMD path wherever the loop vectorizes: SIMD over scalar at each loss's largest size
  const losses = [...new Set(results.map((r) => r.loss))];
  const simdGain = losses.map((l) => {
    const c = lastSize(l), s = get(c, "fwdBwd", "simd"), sc = get(c, "fwdBwd", "scalar");
    return { l, c, g: s && sc ? sc.medianMs / s.medianMs : null };
  }).filter((e) => e.g != null);
  if (simdGain.length) {
    const low = simdGain.filter((e) => e.g < 1.3);
    add("every vectorizable loss has a SIMD path", "largest size, fwd+bwd, SIMD vs scalar",
      simdGain.map((e) => `${e.l} ${x(e.g)}`).join(", ") + (low.length ? ` — below 1.3×: ${low.map((e) => e.l).join(", ")}` : ""), null);
  }
  // 6. zero-copy path measured beside the copying API
  const zc = losses.map((l) => {
    const c = lastSize(l), s = get(c, "fwdBwd", "simd"), z = get(c, "fwdBwd", "simd-resident");
    return s && z ? `${l} ${x(s.medianMs / z.medianMs)}` : null;
  }).filter(Boolean);
  add("a zero-copy path is measured beside the copying API", "largest size, fwd+bwd, copying / zero-copy time",
    zc.length ? zc.join(", ") : "not measured", zc.length ? true : null);
  // 7. accuracy at 10^7 elements
  if (meta.accuracy?.simd != null) {
    add("reductions accurate at 10^7 elements", "MSE of 10^7 f32 vs float64 reference",
      `relative error ${meta.accuracy.simd.toExponential(1)} (SIMD), ${meta.accuracy.scalar.toExponential(1)} (scalar)`,
      meta.accuracy.simd <= 1e-6 && meta.accuracy.scalar <= 1e-6);
  }
  {
    // the opt-in build against the default SIMD build, both through the copying API
    const pairs = ["ce 4096x1000", "ce 256x32000", "bce 4M"].map((c) => [c, get(c, "fwd", "relaxed"), get(c, "fwd", "simd")]).filter(([, r, s]) => r && s);
    add("relaxed-SIMD build, opt-in only (nnloss/relaxed, engine-validated)", pairs.map(([c]) => `${c} fwd`).join(", ") || "—",
      pairs.length ? pairs.map(([, r, s]) => `${x(s.medianMs / r.medianMs)} (${ms(r.medianMs)} vs ${ms(s.medianMs)} ms)`).join(", ") + " of the SIMD build's speed"
        : "not measured (the engine does not validate relaxed SIMD)", pairs.length ? true : null);
  }
  return ["## Targets (issue 4)", "", "| target | case | measured | verdict |", "|---|---|---|---|", ...rows, "",
    "Ratios of medians from this one run (nnloss through the public API with its copies unless marked zero-copy). " +
    "The wasm read bandwidth is a hand-assembled f32x4 summing loop (8 accumulators, 4 streams) over as many bytes " +
    "as the loss reads, timed in the same interleaved rounds as the loss, data in cache as the loss's is."].join("\n");
}

// ---------------------------------------------------------------- SVG

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Horizontal log-scale bars: one group per loss (its largest size), one bar per peer, two panels. */
export function svgChart(results, meta) {
  const get = index(results);
  const losses = [...new Set(results.map((r) => r.loss))];
  // each loss at its largest size, plus the issue's other cross-entropy shapes
  const picks = losses.flatMap((l) => {
    const last = [...results].reverse().find((r) => r.loss === l).case;
    const extra = l === "ce" ? ["ce 65536x10", "ce 4096x1000"].filter((c) => c !== last && results.some((r) => r.case === c)) : [];
    return [...extra, last];
  });
  const rows = picks.map((c) => {
    const l = c.split(" ")[0];
    const v = {};
    for (const pass of ["fwd", "fwdBwd"]) {
      const s = get(c, pass, "simd");
      v[pass] = Object.fromEntries(PEERS.map((p) => [p, speedup(get(c, pass, p), s)]));
    }
    return { loss: l, case: c, v };
  });
  const all = rows.flatMap((r) => Object.values(r.v).flatMap((o) => Object.values(o))).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(0.5, ...all))), hi = 10 ** Math.ceil(Math.log10(Math.max(2, ...all)));
  const BAR = 7, GAP = 12, LABEL = 235, PANEL = 420, PAD = 70, TOP = 92;
  const groupH = PEERS.length * BAR + GAP;
  const W = LABEL + 2 * PANEL + 3 * PAD, H = TOP + rows.length * groupH + 50;
  const X = (p, v) => LABEL + PAD + p * (PANEL + PAD) + (PANEL * Math.log10(v / lo)) / Math.log10(hi / lo);
  const m = meta.machine;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="20" font-size="15" font-weight="bold" text-anchor="middle">nnloss SIMD speed-up over each peer (log scale; right of 1× = nnloss faster)</text>`,
    `<text x="${W / 2}" y="38" text-anchor="middle" fill="#444">${esc(`${m.date.slice(0, 10)} · ${m.cpu}, ${m.cores} cores · Node ${m.node}` +
      ` · largest size of each loss (and CE's target shapes) · public API with copies · ${meta.settings.quick ? "--quick run" : "full run"}`)}</text>`,
  ];
  PEERS.forEach((p, i) => {
    const lx = LABEL + PAD + i * 130;
    out.push(`<rect x="${lx}" y="50" width="12" height="10" fill="${PEER_COLOR[p]}"/>`,
      `<text x="${lx + 16}" y="59">vs ${esc(IMPLS[p].label)}</text>`);
  });
  ["fwd", "fwdBwd"].forEach((pass, p) => {
    out.push(`<text x="${X(p, 1)}" y="${TOP - 8}" font-weight="bold" text-anchor="middle">${pass === "fwd" ? "forward" : "forward + backward"}</text>`);
    for (let d = lo; d <= hi * 1.0001; d *= 10) {
      const gx = X(p, d).toFixed(1);
      out.push(`<line x1="${gx}" y1="${TOP}" x2="${gx}" y2="${H - 40}" stroke="${Math.abs(d - 1) < 1e-9 ? "#000" : "#ddd"}"/>`,
        `<text x="${gx}" y="${H - 26}" text-anchor="middle" fill="#444">${d >= 1 ? d.toFixed(0) : d}×</text>`);
    }
  });
  rows.forEach((r, i) => {
    const y0 = TOP + i * groupH;
    if (i % 2 === 0) out.push(`<rect x="4" y="${y0 - 3}" width="${W - 8}" height="${groupH}" fill="#f6f6f6"/>`);
    out.push(`<text x="${LABEL}" y="${y0 + (PEERS.length * BAR) / 2 + 4}" text-anchor="end">${esc(r.case)}</text>`);
    ["fwd", "fwdBwd"].forEach((pass, p) => {
      PEERS.forEach((peer, j) => {
        const v = r.v[pass][peer];
        if (!(v > 0)) return;
        const a = X(p, 1), b = X(p, Math.min(Math.max(v, lo), hi)), y = y0 + j * BAR;
        out.push(`<rect x="${Math.min(a, b).toFixed(1)}" y="${y}" width="${Math.max(Math.abs(b - a), 1).toFixed(1)}" height="${BAR - 1}" fill="${PEER_COLOR[peer]}"/>`,
          `<text x="${(v >= 1 ? b + 3 : b - 3).toFixed(1)}" y="${y + BAR - 1}" font-size="8" text-anchor="${v >= 1 ? "start" : "end"}" fill="#333">${x(v)}</text>`);
      });
    });
  });
  out.push(`<text x="${W / 2}" y="${H - 8}" text-anchor="middle" fill="#666" font-size="10">bar = peer's median time / nnloss SIMD's median time, same data, same run; onnxruntime-web is forward only</text>`, "</svg>");
  return `${out.join("\n")}\n`;
}
