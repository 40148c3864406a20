// Browser driver: `node test/harness/browser-run.mjs chromium|firefox|webkit simd|scalar|relaxed-simd`
// serves the repo on 127.0.0.1, opens the suite page (scripts/lib/suite-page.mjs) in that browser
// (scripts/lib/browsers.mjs) with ?build=..., waits for the uvu run to finish and prints its report
// (Total/Passed/Skipped, as in Node), then a line naming the engine and the build the suite really
// ran. Exit 1 on any failure, any page error, or if the page loaded another build than asked.
import { serve } from "../../scripts/lib/server.mjs";
import { launchBrowser } from "../../scripts/lib/browsers.mjs";
import { ROOT, SUITE_PAGE, suitePage } from "../../scripts/lib/suite-page.mjs";

const [name = "chromium", build = "auto"] = process.argv.slice(2);
const TIMEOUT_MS = Number(process.env.NNLOSS_BROWSER_TIMEOUT_MS ?? 300_000);

const server = await serve(ROOT, { pages: { [SUITE_PAGE]: suitePage } });
let browser = null;
let code = 1;
try {
  browser = await launchBrowser(name);
  const page = await browser.newPage();
  const url = new URL(`${SUITE_PAGE.slice(1)}?build=${build}`, server.url).href;
  console.log(`${browser.version}: ${url}`);
  await page.goto(url);
  await page.waitFor(() => !!globalThis.__nnlossTests, { timeout: TIMEOUT_MS, what: "the suite page" });
  const r = await page.evaluate(() => globalThis.__nnlossTests);
  const loaded = await page.evaluate(() => globalThis.__nnlossBackend ?? null);
  process.stdout.write(r.output);
  const problems = [...r.errors, ...page.problems];
  for (const p of problems) console.error(p);
  if (build !== "auto" && loaded !== build) console.error(`expected the ${build} build, the page loaded ${loaded}`);
  console.log(`\nengine: ${browser.version}; nnloss build: ${loaded}`);
  const ok = r.total > 0 && r.passed === r.total && problems.length === 0 && (build === "auto" || loaded === build);
  code = ok ? 0 : 1;
} catch (e) {
  console.error(e?.stack ?? e);
} finally {
  await browser?.close().catch((e) => console.error(`closing ${name}: ${e?.message ?? e}`));
  await server.close();
}
process.exit(code);
