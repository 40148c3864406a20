// Benchmark helpers: seeded data, one timing loop, statistics, error checks, machine info.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let sink; // keeps results alive so no call can be optimised away

/**
 * Time `fn`: warm up (at least `warmupCalls` calls and `warmupMs`), then repeat until both `minReps`
 * reps and `budgetMs` are reached. Returns per-rep statistics in ms.
 */
export function measure(fn, { warmupCalls, warmupMs, minReps, budgetMs }) {
  for (let i = 0, t0 = performance.now(); i < warmupCalls || performance.now() - t0 < warmupMs; i++) sink = fn();
  const times = [];
  for (const t0 = performance.now(); times.length < minReps || performance.now() - t0 < budgetMs;) {
    const s = performance.now();
    sink = fn();
    times.push(performance.now() - s);
  }
  return stats(times);
}

function stats(times) {
  const s = [...times].sort((a, b) => a - b);
  const q = (p) => {
    const i = p * (s.length - 1), lo = Math.floor(i);
    return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
  };
  return { reps: s.length, median: q(0.5), q1: q(0.25), q3: q(0.75), min: s[0], max: s[s.length - 1] };
}

/** Relative error of a number, or of an array as max|a − b| / max|b|. */
export function relError(a, b) {
  if (typeof b === "number") return Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);
  if (a.length !== b.length) return Infinity;
  let err = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d !== d) return NaN;
    if (d > err) err = d;
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / Math.max(scale, Number.MIN_VALUE);
}

export function machineInfo() {
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpu;
  } catch {}
  let commit = null;
  try {
    commit = execFileSync("git", ["describe", "--always", "--dirty"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {}
  return {
    date: new Date().toISOString(),
    cpu,
    cores: os.cpus().length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    commit,
  };
}
