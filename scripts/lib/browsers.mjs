// One small page API over the three browser engines of the test matrix, each driven the way it can be
// driven from this machine with no downloads beyond npm and apt:
// - chromium: Debian's Chromium, headless, through playwright-core (scripts/lib/chromium.mjs);
// - firefox:  Debian's Firefox ESR, headless, through puppeteer-core over WebDriver BiDi (no geckodriver);
// - webkit:   WebKitGTK's MiniBrowser under Xvfb, through WebKitWebDriver over plain W3C WebDriver (HTTP).
//
//   const browser = await launchBrowser("firefox");   // { name, version, newPage(), close() }
//   const page = await browser.newPage();             // { goto, evaluate, waitFor, screenshot, problems, close }
//
// `page.problems` collects uncaught page errors and console.error() lines where the driver reports them
// (Chromium, Firefox). Classic WebDriver has no event stream, so under WebKit it stays empty: pages
// that are tested there record their own errors (the suite page, the examples page).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { launchChromium } from "./chromium.mjs";
import { FIREFOX, WEBKIT_DRIVER, ensureApt, miniBrowser, startXvfb } from "./engines.mjs";
import { freePort } from "./tools.mjs";

export const BROWSERS = ["chromium", "firefox", "webkit"];
/** Debian packages (keys of engines.mjs's APT table) each browser needs. */
export const BROWSER_APT = { chromium: ["chromium"], firefox: ["firefox"], webkit: ["webkit", "xvfb"] };
export const BROWSER_LABEL = { chromium: "Chromium", firefox: "Firefox", webkit: "WebKitGTK" };

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Launch `name` ("chromium" | "firefox" | "webkit"), installing its Debian packages when missing. */
export async function launchBrowser(name) {
  if (!BROWSERS.includes(name)) throw new Error(`unknown browser ${name}; one of ${BROWSERS.join(", ")}`);
  await ensureApt(BROWSER_APT[name]);
  if (name === "chromium") return chromium();
  if (name === "firefox") return firefox();
  return webkit();
}

/** Poll `evaluate(fn)` until it returns a truthy value; resolves to that value. */
async function waitFor(page, fn, { timeout = 60_000, polling = 100, what = "the page" } = {}) {
  const t0 = Date.now();
  for (;;) {
    let v;
    try {
      v = await page.evaluate(fn);
    } catch (e) {
      if (!/timeout|timed out/i.test(String(e?.message))) throw e; // a busy page: ask again
    }
    if (v) return v;
    if (Date.now() - t0 > timeout) throw new Error(`${what} did not finish in ${timeout / 1000} s`);
    await sleep(polling);
  }
}

async function chromium() {
  const b = await launchChromium();
  return {
    name: "chromium",
    version: `Chromium ${b.context.browser()?.version() ?? ""}`.trim(),
    async newPage() {
      const p = await b.context.newPage();
      const problems = [];
      p.on("pageerror", (e) => problems.push(`page error: ${e.message}\n${e.stack ?? ""}`.trim()));
      p.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()} ${m.location().url ?? ""}`.trim()); });
      const page = {
        problems,
        goto: (url) => p.goto(url),
        evaluate: (fn, arg) => p.evaluate(fn, arg),
        waitFor: (fn, opts) => waitFor(page, fn, opts),
        screenshot: (path) => p.screenshot({ path, fullPage: true }),
        close: () => p.close(),
      };
      return page;
    },
    close: () => b.close(),
  };
}

async function firefox() {
  const { default: puppeteer } = await import("puppeteer-core");
  const b = await puppeteer.launch({
    browser: "firefox", executablePath: FIREFOX, headless: true,
    defaultViewport: { width: 1100, height: 800 }, protocolTimeout: 600_000,
  });
  const version = (await b.version()).replace(/^firefox\//i, "Firefox ");
  return {
    name: "firefox",
    version,
    async newPage() {
      const p = await b.newPage();
      const problems = [];
      p.on("pageerror", (e) => problems.push(`page error: ${e?.message ?? e}\n${e?.stack ?? ""}`.trim()));
      p.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
      const page = {
        problems,
        goto: (url) => p.goto(url),
        // Through JSON, as over classic WebDriver: WebDriver BiDi sends an object met twice in a result
        // as a bare reference, which puppeteer turns into undefined.
        evaluate: async (fn, arg) => {
          const text = await p.evaluate(`(async () => JSON.stringify(await (${fn})(${arg === undefined ? "" : JSON.stringify(arg)})))()`);
          return text === undefined ? undefined : JSON.parse(text);
        },
        waitFor: (fn, opts) => waitFor(page, fn, opts),
        screenshot: (path) => p.screenshot({ path, fullPage: true }),
        close: () => p.close(),
      };
      return page;
    },
    close: () => b.close(),
  };
}

async function webkit() {
  const binary = miniBrowser();
  const xvfb = await startXvfb();
  const port = await freePort();
  const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`, "--host=127.0.0.1"], {
    env: { ...process.env, DISPLAY: xvfb.display }, stdio: ["ignore", "ignore", "pipe"],
  });
  let driverLog = "";
  driver.stderr.on("data", (d) => (driverLog = (driverLog + d).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  const request = async (method, path, body) => {
    const r = await fetch(base + path, {
      method, headers: { "content-type": "application/json; charset=utf-8" }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await r.json();
    if (json?.value?.error) throw new Error(`WebDriver ${json.value.error}: ${json.value.message}${json.value.stacktrace ? `\n${json.value.stacktrace}` : ""}`);
    return json.value;
  };
  const stop = async () => {
    if (driver.exitCode === null) {
      const gone = new Promise((ok) => driver.once("exit", ok));
      driver.kill("SIGTERM");
      await Promise.race([gone, sleep(5000)]);
    }
    await xvfb.close();
  };
  let session;
  try {
    for (let t0 = Date.now(); ; await sleep(100)) { // the driver needs a moment to listen
      try {
        await request("GET", "/status");
        break;
      } catch (e) {
        if (driver.exitCode !== null || Date.now() - t0 > 20_000) throw new Error(`WebKitWebDriver did not start: ${e.message}\n${driverLog}`);
      }
    }
    session = await request("POST", "/session", {
      capabilities: { alwaysMatch: { "webkitgtk:browserOptions": { binary, args: ["--automation"] } } },
    });
    const id = session.sessionId;
    await request("POST", `/session/${id}/timeouts`, { script: 120_000, pageLoad: 120_000 });
    await request("POST", `/session/${id}/window/rect`, { width: 1100, height: 800 }).catch(() => {});
    let open = false;
    return {
      name: "webkit",
      version: `WebKitGTK ${session.capabilities.browserVersion}`,
      async newPage() {
        if (open) throw new Error("webkit: one page at a time (one WebDriver session, one window)");
        open = true;
        const page = {
          problems: [],
          goto: (url) => request("POST", `/session/${id}/url`, { url }),
          evaluate: (fn, arg) => request("POST", `/session/${id}/execute/sync`, {
            script: `return (${fn}).apply(null, arguments);`, args: arg === undefined ? [] : [arg],
          }),
          waitFor: (fn, opts) => waitFor(page, fn, opts),
          async screenshot(path) { // the viewport; after two frames, so the last DOM changes are painted
            await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(true)))));
            writeFileSync(path, Buffer.from(await request("GET", `/session/${id}/screenshot`), "base64"));
          },
          async close() {
            open = false;
            await request("POST", `/session/${id}/url`, { url: "about:blank" }).catch(() => {});
          },
        };
        return page;
      },
      async close() {
        await request("DELETE", `/session/${id}`).catch(() => {});
        await stop();
      },
    };
  } catch (e) {
    if (session) await request("DELETE", `/session/${session.sessionId}`).catch(() => {});
    await stop();
    throw e;
  }
}
