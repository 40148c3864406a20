// Locating the test tools that come as devDependencies, and small process helpers.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

const require = createRequire(new URL("../../package.json", import.meta.url));

function platformBinary(pkgs, file) {
  for (const pkg of pkgs) {
    try {
      const p = join(dirname(require.resolve(`${pkg}/package.json`)), file);
      if (existsSync(p)) return p;
    } catch {}
  }
  return null;
}

/** The Deno binary from the `deno` npm package: its per-platform package directly (no wrapper
 *  process, and it works whether or not npm ran the package's install script). */
export function denoCommand() {
  const exe = process.platform === "win32" ? "deno.exe" : "deno";
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const direct = platformBinary(
    process.platform === "linux" ? [`@deno/linux-${arch}-glibc`] : [`@deno/${process.platform === "win32" ? "win32" : "darwin"}-${arch}`],
    exe,
  );
  if (direct) return { cmd: direct, args: [] };
  return { cmd: process.execPath, args: [require.resolve("deno/bin.cjs")] };
}

/** The workerd binary from the `workerd` npm package's per-platform package, or null if absent. */
export function workerdCommand() {
  const arch = process.arch === "arm64" ? "arm64" : "64";
  const os = process.platform === "win32" ? "windows" : process.platform;
  return platformBinary([`@cloudflare/workerd-${os}-${arch}`], process.platform === "win32" ? "bin/workerd.exe" : "bin/workerd");
}

/** A free TCP port on 127.0.0.1 (for servers that want a port number up front). */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** The environment for a nested npm/tool process: without the npm_* variables of the `npm test`
 *  that started us (they point at this repo's package.json and scripts). */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== "INIT_CWD" && k !== "FORCE_COLOR") env[k] = v;
  return { ...env, NO_COLOR: "1", ...extra };
}
