// `npm run bench:engines`: the two core cases on every engine of the test matrix, one engine at a time
// (2 cores: nothing else should run meanwhile) — cross-entropy [4096,1000] forward and MSE 4M forward,
// through the default API (JS arrays in) and on resident tensors (zero-copy), on the build init()
// picks, plus the CE forward on the opt-in relaxed-SIMD build (nnloss/relaxed) where the engine
// validates it. Each number is the median over rounds of batches timed together (a batch lasts
// ≥ 25 ms, so the browsers' coarse timers do not matter), after warm-up. Prints a Markdown table
// and writes bench/results/engines.json.
//
//   node bench/engines.mjs [engine...]     engines: node18 node20 node22 node24 node26 deno bun chromium firefox webkit
//   <runtime> bench/engines.mjs --measure  (internal: one engine's numbers as JSON)
//
// The same file is the measurement: Node, Deno and Bun run it with --measure, the browsers import it
// from a page served with cross-origin isolation and call measure().

const N = 4096, C = 1000, M = 1 << 22;
const ROUNDS = 15, WARMUP = 5, BATCH_MS = 25;

function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Median per-call milliseconds of `fn`. */
function time(fn) {
  for (let i = 0; i < WARMUP; i++) fn();
  let k = 1;
  for (;;) { // calls per batch: enough for BATCH_MS
    const t0 = performance.now();
    for (let i = 0; i < k; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= BATCH_MS || k >= 1 << 12) break;
    k = Math.max(k * 2, Math.ceil((k * BATCH_MS) / Math.max(dt, 0.5)));
  }
  const samples = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < k; i++) fn();
    samples.push((performance.now() - t0) / k);
  }
  samples.sort((a, b) => a - b);
  return Number(samples[samples.length >> 1].toFixed(3));
}

/** One engine's numbers: { build, relaxed, ce, ceResident, ceRelaxed, mse, mseResident }. */
export async function measure() {
  const nn = await import(new URL("../dist/index.js", import.meta.url).href);
  await nn.init();
  const rand = lcg(20261206);
  const logits = new Float32Array(N * C).map(() => -5 + 10 * rand());
  const target = new Int32Array(N).map(() => Math.floor(rand() * C));
  const x = new Float32Array(M).map(() => rand() * 2 - 1), y = new Float32Array(M).map(() => rand() * 2 - 1);
  const out = { build: nn.backend() };

  const ceOf = (mod) => {
    const L = mod.tensor(logits, [N, C]), T = mod.tensor(target, [N]);
    return () => mod.crossEntropy(L, T).item();
  };
  const resident = (mod, data, shape, dtype = "float32") => {
    const t = mod.empty(shape, { dtype });
    t.data.set(data);
    return t;
  };
  out.ce = time(ceOf(nn));
  {
    const L = resident(nn, logits, [N, C]), T = resident(nn, target, [N], "int32");
    out.ceResident = time(() => nn.crossEntropy(L, T).item());
    L.dispose(); T.dispose();
  }
  {
    const X = nn.tensor(x, [M]), Y = nn.tensor(y, [M]);
    out.mse = time(() => nn.mseLoss(X, Y).item());
    const RX = resident(nn, x, [M]), RY = resident(nn, y, [M]);
    out.mseResident = time(() => nn.mseLoss(RX, RY).item());
    RX.dispose(); RY.dispose();
  }
  const rx = await import(new URL("../dist/index-relaxed.js", import.meta.url).href);
  await rx.init();
  out.relaxed = rx.backend() === "relaxed-simd";
  if (out.relaxed) out.ceRelaxed = time(ceOf(rx));
  return out;
}

const args = globalThis.Deno?.args ?? (globalThis.document ? [] : globalThis.process?.argv?.slice(2) ?? []);
if (args.includes("--measure")) {
  const engine = globalThis.Deno ? `Deno ${Deno.version.deno}` : globalThis.Bun ? `Bun ${Bun.version}` : `Node ${process.versions.node}`;
  console.log(JSON.stringify({ engine, ...(await measure()) }));
} else if (!globalThis.document && !globalThis.Deno && !globalThis.Bun && globalThis.process?.argv?.[1] &&
  import.meta.url === (await import("node:url")).pathToFileURL(process.argv[1]).href) {
  await main(args);
}

async function main(wanted) {
  const { spawnSync } = await import("node:child_process");
  const { mkdirSync, writeFileSync } = await import("node:fs");
  const { fileURLToPath } = await import("node:url");
  const { NODE_MAJORS, ensureApt, ensureEngine } = await import("../scripts/lib/engines.mjs");
  const { BROWSER_APT, launchBrowser } = await import("../scripts/lib/browsers.mjs");
  const { ISOLATED, serve } = await import("../scripts/lib/server.mjs");
  const { denoCommand } = await import("../scripts/lib/tools.mjs");
  const ROOT = fileURLToPath(new URL("../", import.meta.url));
  const SELF = fileURLToPath(import.meta.url);
  const ENGINES = [...NODE_MAJORS.map((m) => `node${m}`), "deno", "bun", "chromium", "firefox", "webkit"];
  const engines = wanted.length ? ENGINES.filter((e) => wanted.includes(e)) : ENGINES;
  const rows = [];
  for (const e of engines) {
    process.stderr.write(`${e} ... `);
    let r;
    try {
      if (["chromium", "firefox", "webkit"].includes(e)) {
        await ensureApt(BROWSER_APT[e]);
        const server = await serve(ROOT, {
          headers: () => ISOLATED,
          pages: { "/bench/engines.html": `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module">
import { measure } from "/bench/engines.mjs";
measure().then((r) => { globalThis.__engines = r; }, (e) => { globalThis.__engines = { error: String(e?.stack ?? e) }; });
</script>` },
        });
        const browser = await launchBrowser(e);
        try {
          const page = await browser.newPage();
          await page.goto(`${server.url}bench/engines.html`);
          r = { engine: browser.version, ...(await page.waitFor(() => globalThis.__engines, { timeout: 300_000, polling: 250, what: "the benchmark" })) };
          r.isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
          await page.close();
        } finally {
          await browser.close();
          await server.close();
        }
      } else {
        const cmd = e === "deno" ? denoCommand() : { cmd: await ensureEngine(e), args: [] };
        const extra = e === "deno" ? ["run", "--allow-read", "--allow-env"] : [];
        const p = spawnSync(cmd.cmd, [...cmd.args, ...extra, SELF, "--measure"], { encoding: "utf8", cwd: ROOT, timeout: 300_000 });
        if (p.status !== 0) throw new Error(`exit ${p.status}: ${p.stderr}`);
        r = JSON.parse(p.stdout.trim().split("\n").at(-1));
      }
      if (r.error) throw new Error(r.error);
    } catch (err) {
      r = { engine: e, error: String(err?.message ?? err) };
    }
    process.stderr.write(`${JSON.stringify(r)}\n`);
    rows.push(r);
  }
  const f = (v) => (v === undefined ? "—" : v < 10 ? v.toFixed(2) : v.toFixed(1));
  const lines = [
    "| engine | build init() picks | relaxed SIMD | CE [4096,1000] fwd | resident | relaxed | MSE 4M fwd | resident |",
    "|---|---|---|---:|---:|---:|---:|---:|",
    ...rows.map((r) => r.error
      ? `| ${r.engine} | error: ${r.error.split("\n")[0]} |  |  |  |  |  |  |`
      : `| ${r.engine} | ${r.build} | ${r.relaxed ? "yes" : "no"} | ${f(r.ce)} | ${f(r.ceResident)} | ${f(r.ceRelaxed)} | ${f(r.mse)} | ${f(r.mseResident)} |`),
  ];
  console.log(lines.join("\n"));
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/engines.json", import.meta.url), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2) + "\n");
}
