// bench/lib.mjs also holds Node-only helpers (machineInfo: git, /proc/cpuinfo, os); its imports of
// node:* are mapped here by the page's import map so the browser-safe helpers (rng, measureInterleaved,
// syncBatch, relError) load unchanged. Nothing here is called by the page.
const unavailable = (name) => () => {
  throw new Error(`${name} is not available in the browser`);
};
export const execFileSync = unavailable("child_process.execFileSync");
export const readFileSync = unavailable("fs.readFileSync");
export const writeFileSync = unavailable("fs.writeFileSync");
export const mkdirSync = unavailable("fs.mkdirSync");
export const existsSync = () => false;
export const cpus = () => [];
export const totalmem = () => 0;
export const platform = () => "browser";
export const arch = () => "unknown";
export default { cpus, totalmem, platform, arch };
