// Browser entry (loaded by the suite page that scripts/lib/suite-page.mjs generates): runs the same
// test/*.test.mjs files through uvu with the build from ?build=simd|scalar, echoes uvu's report into
// the page, and publishes { total, passed, skipped, output, errors } as window.__nnlossTests.
import kleur from "kleur";
import { runFiles } from "./uvu-run.mjs";

const params = new URL(location.href).searchParams;
globalThis.NNLOSS_BUILD = params.get("build") ?? "auto";
kleur.enabled = false; // uvu's colours are ANSI escapes: plain text for the page and the log

const pre = document.querySelector("#out");
const chunks = [];
const errors = [];
const log = console.log.bind(console);
console.log = (...args) => {
  const text = args.join(" ");
  chunks.push(text);
  pre.append(text);
  log(...args);
};
addEventListener("error", (e) => errors.push(String(e.error?.stack ?? e.message)));
addEventListener("unhandledrejection", (e) => errors.push(String(e.reason?.stack ?? e.reason)));

const files = JSON.parse(document.querySelector("#files").textContent);
try {
  await runFiles(files, { base: new URL("../", import.meta.url) });
} catch (e) {
  errors.push(String(e?.stack ?? e));
}
try {
  globalThis.__nnlossBackend = (await import("../_setup.mjs")).BUILD; // which build the suite really ran
} catch {}
const output = chunks.join("");
const count = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(output)?.[1] ?? NaN);
globalThis.__nnlossTests = { total: count("Total"), passed: count("Passed"), skipped: count("Skipped"), output, errors };
document.title = `done: ${count("Passed")}/${count("Total")}`;
