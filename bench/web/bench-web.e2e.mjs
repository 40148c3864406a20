// The browser benchmark page in headless Chromium: loads bench/web/?quick=1, waits for the run,
// checks every case × pass × implementation has a timed, verified result, the table and the chart
// are drawn, and saves a screenshot to bench/results/web.png. Run by scripts/test.mjs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ISOLATED, serve } from "../../scripts/lib/server.mjs";
import { launchChromium } from "../../scripts/lib/chromium.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHOT = fileURLToPath(new URL("../results/web.png", import.meta.url));

test("bench page: runs CE and MSE in Chromium (SIMD, scalar, relaxed SIMD, plain JS), shows the numbers and draws the chart", async () => {
  const server = await serve(ROOT, { headers: () => ISOLATED });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
    await page.goto(new URL("bench/web/?quick=1", server.url).href);
    await page.waitForFunction(() => globalThis.__bench?.done, null, { timeout: 240_000, polling: 250 });
    const b = await page.evaluate(() => globalThis.__bench);
    assert.is(b.error, undefined, b.error);
    assert.equal(problems, []);
    assert.ok(b.simd, "Chromium runs the SIMD build");
    assert.ok(b.relaxed, "Chromium validates the relaxed-SIMD build (nnloss/relaxed)");
    assert.ok(b.isolated, "the page is cross-origin isolated (fine timer)");
    const cases = [...new Set(b.results.map((r) => r.case))];
    assert.ok(cases.some((c) => c.startsWith("ce ")) && cases.some((c) => c.startsWith("mse ")), `CE and MSE cases: ${cases}`);
    for (const c of cases) {
      for (const pass of ["fwd", "fwd+bwd"]) {
        for (const impl of ["js", "scalar", "simd", "relaxed"]) {
          const r = b.results.find((x) => x.case === c && x.pass === pass && x.impl === impl);
          assert.ok(r, `${c} ${pass} ${impl}: a result`);
          assert.ok(Number.isFinite(r.medianMs) && r.medianMs > 0 && r.reps >= 3, `${c} ${pass} ${impl}: timed (${r.medianMs} ms, ${r.reps} reps)`);
          assert.ok(r.relErr < 1e-4, `${c} ${pass} ${impl}: checked against the reference (${r.relErr})`);
        }
      }
    }
    const rows = await page.$$eval("#results tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
    assert.is(rows.length, cases.length * 2, "one table row per case and pass");
    for (const row of rows) assert.ok(row.slice(2, 10).every((v) => /^\d+(\.\d+)?×?$/.test(v)), `numbers in the row ${row}`);
    const bars = await page.$$eval("#chart svg rect.bar", (rs) => rs.map((r) => ({ w: r.getBBox().width, v: Number(r.dataset.value) })));
    assert.is(bars.length, cases.length * 2 * 3, "three bars (scalar, SIMD, relaxed SIMD) per case and pass");
    assert.ok(bars.every((r) => r.w >= 1 && r.v > 0), "every bar is drawn with a positive speed-up");
    mkdirSync(fileURLToPath(new URL("../results/", import.meta.url)), { recursive: true });
    await page.screenshot({ path: SHOT, fullPage: true });
    const speedups = rows.map((r) => `${r[0]} ${r[1]}: SIMD ${r[6]}, scalar ${r[5]}, relaxed/SIMD ${r[9]}`).join("; ");
    console.log(`\n  ${b.seconds.toFixed(1)} s; ${speedups}\n  screenshot: ${SHOT}`);
  } finally {
    await browser.close();
    await server.close();
  }
});

test.run();
