// The Iris training page in a headless browser — Chromium by default, or the one NNLOSS_BROWSER names
// (chromium | firefox | webkit; scripts/lib/browsers.mjs): opens examples/web/?epochs=40&delay=0 on the
// SIMD and on the scalar build (one browser, one server), waits for the training to finish, checks the
// final training accuracy (≥ 95 %), that every epoch was recorded and the loss went down, that the live
// chart is drawn (one point per epoch on the loss curve), and saves a screenshot to
// examples/web/screenshot.png (screenshot-firefox.png, screenshot-webkit.png). Run by scripts/test.mjs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { BROWSER_LABEL, launchBrowser } from "../../scripts/lib/browsers.mjs";
import { serveExample } from "./serve.mjs";

const BROWSER = process.env.NNLOSS_BROWSER || "chromium";
const SHOT = fileURLToPath(new URL(BROWSER === "chromium" ? "./screenshot.png" : `./screenshot-${BROWSER}.png`, import.meta.url));
const EPOCHS = 40;
let server, browser;

test.before(async () => {
  server = await serveExample();
  browser = await launchBrowser(BROWSER);
  console.log(`engine: ${browser.version}\n${server.pageUrl}`);
});
test.after(async () => {
  await browser?.close();
  await server?.close();
});

for (const build of ["simd", "scalar"]) {
  test(`Iris page in ${BROWSER_LABEL[BROWSER] ?? BROWSER} (${build} build): trains ${EPOCHS} epochs to ≥ 95 % training accuracy and draws the loss chart`, async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.pageUrl}?epochs=${EPOCHS}&delay=0&build=${build}`);
      await page.waitFor(() => globalThis.__iris?.done, { timeout: 60_000, what: "the training" });
      const r = await page.evaluate(() => globalThis.__iris);
      assert.is(r.error, undefined, r.error);
      assert.equal(page.problems, []);
      assert.is(r.backend, build);
      assert.is(r.history.length, EPOCHS, "one result per epoch");
      assert.ok(r.final.accuracy >= 0.95, `final training accuracy ${r.final.accuracy}`);
      assert.ok(r.final.loss < r.history[0].loss, `loss went down: ${r.history[0].loss} → ${r.final.loss}`);

      const chart = await page.evaluate(() => {
        const svg = document.querySelector("#chart svg");
        const loss = svg.querySelector("path.loss");
        const box = loss?.getBBox();
        return { points: (loss?.getAttribute("d").match(/[ML]/g) ?? []).length, w: box?.width ?? 0, h: box?.height ?? 0, acc: !!svg.querySelector("path.accuracy") };
      });
      assert.is(chart.points, EPOCHS, "the loss curve has a point per epoch");
      assert.ok(chart.w > 100 && chart.h > 10, `the loss curve is drawn (${chart.w}×${chart.h})`);
      assert.ok(chart.acc, "the accuracy curve is drawn");
      const log = await page.evaluate(() => document.querySelector("#log").textContent.trim().split("\n"));
      assert.is(log.length, EPOCHS, "a progress line per epoch");
      assert.match(await page.evaluate(() => document.querySelector("#status").textContent), /^done:/);
      if (build === "simd") await page.screenshot(SHOT);
      console.log(`\n  ${build}: ${EPOCHS} epochs, loss ${r.final.loss.toFixed(4)}, accuracy ${(r.final.accuracy * 100).toFixed(1)}%, ${r.final.seconds.toFixed(2)} s`);
    } finally {
      await page.close();
    }
  });
}

test.run();
