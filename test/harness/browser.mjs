// Browser entry (loaded by the suite page that scripts/lib/suite-page.mjs generates): runs the same
// test/*.test.mjs files through uvu with the build from ?build=simd|scalar|relaxed-simd, echoes uvu's report into
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
/** An error as text in every engine: name and message, then the stack where there is one (Firefox's
 *  .stack can be "" and never repeats the message; Chromium's starts with it). */
function describe(e) {
  if (!(e instanceof Object) || !("message" in e)) return String(e);
  const head = `${e.name ?? "Error"}: ${e.message}`;
  const stack = typeof e.stack === "string" ? e.stack.trim() : "";
  return !stack ? head : stack.startsWith(head) ? stack : `${head}\n${stack}`;
}
addEventListener("error", (e) => errors.push(e.error !== undefined && e.error !== null ? describe(e.error) : `${e.message} (${e.filename}:${e.lineno})`));
addEventListener("unhandledrejection", (e) => errors.push(describe(e.reason)));

const files = JSON.parse(document.querySelector("#files").textContent);
try {
  await runFiles(files, { base: new URL("../", import.meta.url) });
} catch (e) {
  errors.push(describe(e));
}
try {
  globalThis.__nnlossBackend = (await import("../_setup.mjs")).BUILD; // which build the suite really ran
} catch (e) {
  errors.push(`test/_setup.mjs: ${describe(e)}`);
}
const output = chunks.join("");
const count = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(output)?.[1] ?? NaN);
globalThis.__nnlossTests = { total: count("Total"), passed: count("Passed"), skipped: count("Skipped"), output, errors };
document.title = `done: ${count("Passed")}/${count("Total")}`;
