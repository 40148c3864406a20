// Before/after: time the same cases on two builds of nnloss in one process, interleaved, so that a
// refactor or a kernel change is judged on one machine under one load. Medians in ms and the ratio
// (current / baseline; < 1 is faster).
//
//   npm run build && git worktree add /tmp/base <commit> && (cd /tmp/base && npm ci && npm run build)
//   node bench/compare-builds.mjs /tmp/base/dist [case filter ...]      e.g. "ce 4096x1000" mse
//
// Passes: the copying API and resident tensors (zero-copy), forward and forward+backward, plus the
// evaluation loop (forward of a tensor that requires grad, no backward; the current build also with
// noGrad where it has it).
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { LOSSES, copyingPass } from "./cases.mjs";
import { caseSeed, measureInterleaved, rng, syncBatch } from "./lib.mjs";

const [baseDir, ...filters] = process.argv.slice(2);
if (!baseDir) {
  console.error("usage: node bench/compare-builds.mjs <baseline dist dir> [case filter ...]");
  process.exit(1);
}
const builds = {
  baseline: await import(pathToFileURL(resolve(baseDir, "index.js")).href),
  current: await import(new URL("../dist/index.js", import.meta.url).href),
};
for (const m of Object.values(builds)) await m.init();

const DEFAULT_CASES = ["ce 4096x1000", "ce 65536x10", "ce 256x32000", "ce_spatial", "mse 4M", "bce 4M", "triplet_margin 16384x256", "ctc"];
const wanted = filters.length ? filters : DEFAULT_CASES;
const cases = LOSSES.flatMap((loss) => loss.sizes.map((size) => ({ loss, size, name: `${loss.name} ${size.label}` })))
  .filter((c) => wanted.some((w) => c.name === w || (!w.includes(" ") && c.loss.name === w && c.size === c.loss.sizes.at(-1))));

const call = (mod, loss, size, T) => (loss.call ? loss.call(mod, T, size) : mod[loss.fn](...T));

/** Resident copies of the arguments; the first requires grad when asked. */
function residentArgs(mod, A, requiresGrad) {
  return A.map((a, i) => {
    const t = mod.empty(a.shape, { dtype: a.data instanceof BigInt64Array ? "int64" : "float32", requiresGrad: i === 0 && requiresGrad });
    t.data.set(a.data);
    return t;
  });
}

/** The timed functions of one build for one case. */
function passes(mod, loss, size, A) {
  const fwdRes = residentArgs(mod, A, false), bwdRes = residentArgs(mod, A, true);
  const evalJs = [mod.tensor(A[0].data, A[0].shape, { requiresGrad: true }), ...A.slice(1).map((a) => mod.tensor(a.data, a.shape))];
  const out = {
    "API fwd": copyingPass(mod, loss, size, A, "fwd"),
    "API fwd+bwd": copyingPass(mod, loss, size, A, "fwdBwd"),
    "zero-copy fwd": () => call(mod, loss, size, fwdRes).item(),
    "zero-copy fwd+bwd": () => {
      const l = call(mod, loss, size, bwdRes);
      l.backward();
      bwdRes[0].grad.dispose();
      bwdRes[0].grad = null;
    },
    "eval loop (requiresGrad, no backward)": () => call(mod, loss, size, evalJs).item(),
    "eval loop, resident": () => call(mod, loss, size, bwdRes).item(),
  };
  if (mod.noGrad) out["noGrad fwd, resident"] = () => mod.noGrad(() => call(mod, loss, size, bwdRes).item());
  return out;
}

console.log(`baseline ${baseDir} vs current dist/ (ms, medians; ratio = current / baseline)`);
for (const c of cases) {
  const A = c.loss.args(c.size, rng(caseSeed(c.name)));
  const fns = Object.fromEntries(Object.entries(builds).map(([b, m]) => [b, passes(m, c.loss, c.size, A)]));
  for (const pass of Object.keys(fns.current)) {
    const impls = Object.entries(fns).filter(([, f]) => f[pass]).map(([b, f]) => ({ name: b, batch: syncBatch(f[pass]) }));
    const r = await measureInterleaved(impls, { warmupCalls: 3, warmupMs: 200, minReps: 15, budgetMs: 1500, batchMs: 30 });
    const base = r.get("baseline")?.median, cur = r.get("current").median;
    console.log(`${c.name.padEnd(26)} ${pass.padEnd(38)} ${base === undefined ? "—".padStart(8) : base.toFixed(3).padStart(8)} ${cur.toFixed(3).padStart(8)}` +
      (base === undefined ? "" : `  ×${(cur / base).toFixed(2)}`));
  }
}
