// Chromium driver: `node test/harness/chromium.mjs simd|scalar` serves the repo on 127.0.0.1, opens
// the suite page (scripts/lib/suite-page.mjs) in headless Chromium with ?build=..., waits for the uvu
// run to finish and prints its report (Total/Passed/Skipped, as in Node). Exit 1 on any failure.
import { serve } from "../../scripts/lib/server.mjs";
import { launchChromium } from "../../scripts/lib/chromium.mjs";
import { ROOT, SUITE_PAGE, suitePage } from "../../scripts/lib/suite-page.mjs";

const build = process.argv[2] ?? "auto";
const TIMEOUT_MS = Number(process.env.NNLOSS_BROWSER_TIMEOUT_MS ?? 300_000);

const server = await serve(ROOT, { pages: { [SUITE_PAGE]: suitePage } });
const browser = await launchChromium();
let code = 1;
try {
  const page = await browser.context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.stack ?? e}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()} ${m.location().url ?? ""}`); });
  const url = new URL(`${SUITE_PAGE.slice(1)}?build=${build}`, server.url).href;
  const version = browser.context.browser()?.version() ?? "";
  console.log(`Chromium ${version}: ${url}`);
  await page.goto(url);
  await page.waitForFunction(() => globalThis.__nnlossTests, null, { timeout: TIMEOUT_MS, polling: 100 });
  const r = await page.evaluate(() => globalThis.__nnlossTests);
  const loaded = await page.evaluate(() => globalThis.__nnlossBackend ?? null);
  process.stdout.write(r.output);
  for (const p of [...r.errors, ...problems]) console.error(p);
  if (loaded !== null && build !== "auto" && loaded !== build) console.error(`expected the ${build} build, the page loaded ${loaded}`);
  const ok = r.total > 0 && r.passed === r.total && r.errors.length === 0 && (loaded === null || build === "auto" || loaded === build);
  code = ok ? 0 : 1;
} catch (e) {
  console.error(e?.stack ?? e);
} finally {
  await browser.close();
  await server.close();
}
process.exit(code);
