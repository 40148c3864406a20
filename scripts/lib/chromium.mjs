// Headless Chromium for the browser tests: Debian's `chromium` package (installed here with apt-get
// when /usr/bin/chromium is missing: CI runs as root on a bare machine), driven by playwright-core.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureAptSync } from "./engines.mjs";

export const CHROMIUM = process.env.NNLOSS_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
];

/** Make sure Chromium is there; install Debian's package if not (needs root and apt). */
export function ensureChromium(log = console.log) {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  ensureAptSync(["chromium"], log);
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
  return CHROMIUM;
}

/** Launch headless Chromium with a fresh profile; `close()` also removes the profile. */
export async function launchChromium() {
  ensureChromium();
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "nnloss-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
