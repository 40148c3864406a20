// `node test/tfjs/browser-run.mjs cpu|wasm`: the nnloss/tfjs tests (test/tfjs/*.tfjs.mjs) in headless
// Chromium on that tfjs backend. Serves the repo on 127.0.0.1 with a page whose import map gives the
// names an application imports (imports.mjs: one copy of tfjs, nnloss from dist/) and runs the files
// through the suite page's runner (test/harness/browser.mjs). Prints uvu's report, then the line naming
// the engine and the nnloss build that scripts/test.mjs reads.
import { readdirSync } from "node:fs";
import { serve } from "../../scripts/lib/server.mjs";
import { launchBrowser } from "../../scripts/lib/browsers.mjs";
import { ROOT, importMap } from "../../scripts/lib/suite-page.mjs";
import { tfjsImports } from "./imports.mjs";

const backend = process.argv[2] ?? "cpu";
if (!["cpu", "wasm", "webgl"].includes(backend)) throw new Error(`backend must be cpu, wasm or webgl, got ${backend}`);
const PAGE = "/test/tfjs/suite.html";
const TIMEOUT_MS = Number(process.env.NNLOSS_BROWSER_TIMEOUT_MS ?? 300_000);

function page() {
  const imports = { ...importMap().imports, ...tfjsImports() };
  const files = readdirSync(new URL("./", import.meta.url)).filter((f) => /\.tfjs\.mjs$/.test(f)).sort().map((f) => `tfjs/${f}`);
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>nnloss/tfjs tests</title>
<link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports }, null, 2)}</script>
<script type="application/json" id="files">${JSON.stringify(files)}</script>
<pre id="out"></pre>
<script type="module" src="/test/harness/browser.mjs"></script>
</html>
`;
}

const server = await serve(ROOT, { pages: { [PAGE]: page } });
let browser = null;
let code = 1;
try {
  browser = await launchBrowser("chromium");
  const p = await browser.newPage();
  const url = new URL(`${PAGE.slice(1)}?backend=${backend}`, server.url).href;
  console.log(`${browser.version}: ${url}`);
  await p.goto(url);
  await p.waitFor(() => !!globalThis.__nnlossTests, { timeout: TIMEOUT_MS, what: "the nnloss/tfjs test page" });
  const r = await p.evaluate(() => globalThis.__nnlossTests);
  const build = await p.evaluate(() => globalThis.__nnlossBackend ?? null);
  const label = await p.evaluate(() => import("/test/tfjs/_setup.mjs").then((m) => m.label, (e) => `tfjs: ${e.message}`));
  process.stdout.write(r.output);
  const problems = [...r.errors, ...p.problems];
  for (const x of problems) console.error(x);
  console.log(`\nengine: ${browser.version}, ${label}; nnloss build: ${build}`);
  code = r.total > 0 && r.passed === r.total && problems.length === 0 && label.includes(`${backend} backend`) ? 0 : 1;
} catch (e) {
  console.error(e?.stack ?? e);
} finally {
  await browser?.close().catch((e) => console.error(`closing chromium: ${e?.message ?? e}`));
  await server.close();
}
process.exit(code);
