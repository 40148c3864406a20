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

/** The seed of a case's data, from its name: every process that makes the case makes the same data. */
export const caseSeed = (name) => [...name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);

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

/**
 * Time several implementations of the same work side by side, interleaved so that the machine's load
 * falls on all of them alike. Each impl is { name, batch(k, lead) } where batch runs `lead` untimed
 * calls then k timed calls and resolves to their times in ms. Every impl is warmed up first (at least
 * `warmupCalls` calls and `warmupMs`; with none, `impl.firstMs` estimates its cost); then rounds run
 * each impl once per round, in a rotating order, with k chosen so that a batch of a cheap impl lasts
 * about `batchMs`, until there are `minReps` rounds and `budgetMs` has passed (or `maxMs`, once 3
 * rounds are in). An impl faster than `leadBelowMs` gets
 * an untimed call before each batch, so that its data is back in cache as in a loop.
 * Returns Map(name → stats) with stats as from measure().
 */
export async function measureInterleaved(impls, { warmupCalls, warmupMs, minReps, budgetMs, batchMs = 0, maxMs = Infinity, leadBelowMs = 20 }) {
  const est = new Map(), samples = new Map();
  for (const impl of impls) {
    const warm = [];
    for (const t0 = performance.now(); warm.length < warmupCalls || performance.now() - t0 < warmupMs;) {
      warm.push(...(await impl.batch(1, 0)));
    }
    est.set(impl, warm.length ? stats(warm.slice(Math.floor(warm.length / 2))).median : impl.firstMs ?? 1);
    samples.set(impl, []);
  }
  const t0 = performance.now();
  for (let round = 0; ; round++) {
    const elapsed = performance.now() - t0;
    if (round >= minReps && (elapsed >= budgetMs || (round >= 3 && elapsed >= maxMs))) break;
    for (let j = 0; j < impls.length; j++) {
      const impl = impls[(j + round) % impls.length];
      const e = est.get(impl);
      const k = Math.max(1, Math.min(50, Math.floor(batchMs / Math.max(e, 1e-3))));
      // an untimed lead call first brings the impl's data back into cache after the others ran
      samples.get(impl).push(...(await impl.batch(k, e < leadBelowMs ? 1 : 0)));
    }
  }
  return new Map(impls.map((i) => [i.name, stats(samples.get(i))]));
}

/** A batch runner for a synchronous function (see measureInterleaved). */
export function syncBatch(fn) {
  return (k, lead) => {
    for (let i = 0; i < lead; i++) sink = fn();
    const times = new Array(k);
    for (let i = 0; i < k; i++) {
      const s = performance.now();
      sink = fn();
      times[i] = performance.now() - s;
    }
    return times;
  };
}

/** A batch runner for an async function (see measureInterleaved). */
export function asyncBatch(fn) {
  return async (k, lead) => {
    for (let i = 0; i < lead; i++) sink = await fn();
    const times = new Array(k);
    for (let i = 0; i < k; i++) {
      const s = performance.now();
      sink = await fn();
      times[i] = performance.now() - s;
    }
    return times;
  };
}

export function stats(times) {
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
    loadAvg: os.loadavg().map((v) => +v.toFixed(2)),
  };
}
