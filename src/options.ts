// Option handling shared by every loss: reduction strings, the legacy sizeAverage/reduce pair,
// unknown-option rejection, and tensor-valued options (weight, posWeight).

import { check, NNLossError } from "./errors.js";
import { Tensor, isFloat, toTensor } from "./tensor.js";

export type Reduction = "none" | "mean" | "sum";

export interface ReductionOptions {
  reduction?: string;
  /** @deprecated PyTorch's legacy argument; overrides `reduction` when set. */
  sizeAverage?: boolean | null;
  /** @deprecated PyTorch's legacy argument; overrides `reduction` when set. */
  reduce?: boolean | null;
}

export interface ReductionRules {
  /** Losses built on PyTorch's `_Reduction` enum say "X is not a valid value for reduction"; Poisson,
   *  GaussianNLL and MultiLabelSoftMargin say "X is not valid". */
  shortMessage?: boolean;
  /** KLDiv only. */
  allowBatchmean?: boolean;
  /** Losses whose PyTorch signature has no sizeAverage/reduce (Huber, GaussianNLL, CTC, TripletWithDistance). */
  noLegacy?: boolean;
}

/** PyTorch's `_Reduction.legacy_get_string`: either legacy flag set overrides `reduction` (null counts as true). */
export function legacyReduction(sizeAverage: boolean | null | undefined, reduce: boolean | null | undefined): Reduction {
  const sa = sizeAverage ?? true;
  const rd = reduce ?? true;
  if (!rd) return "none";
  return sa ? "mean" : "sum";
}

/** The effective reduction (validated), from an options object. */
export function resolveReduction(opts: ReductionOptions, rules: ReductionRules = {}): Reduction | "batchmean" {
  let r: unknown = opts.reduction ?? "mean";
  if (!rules.noLegacy && (opts.sizeAverage != null || opts.reduce != null)) {
    r = legacyReduction(opts.sizeAverage, opts.reduce);
  }
  if (r === "elementwise_mean" && !rules.shortMessage) r = "mean";
  if (r === "none" || r === "mean" || r === "sum") return r;
  if (r === "batchmean" && rules.allowBatchmean) return r;
  throw new NNLossError(rules.shortMessage ? `${String(r)} is not valid` : `${String(r)} is not a valid value for reduction`);
}

/** Reject option keys the PyTorch signature does not have, in Python's words. */
export function checkOptionKeys(opts: object | undefined, allowed: readonly string[], fname: string): void {
  if (opts === undefined) return;
  check(typeof opts === "object" && opts !== null, `${fname}(): options must be an object`);
  for (const key of Object.keys(opts)) {
    if ((opts as Record<string, unknown>)[key] === undefined) continue;
    check(allowed.includes(key), `${fname}() got an unexpected keyword argument '${key}'`);
  }
}

export const REDUCTION_KEYS = ["reduction", "sizeAverage", "reduce"] as const;

/** A tensor-valued option such as `weight` (Tensor, typed array or { data, shape }), or null. */
export function tensorOption(value: unknown, name: string): Tensor | null {
  if (value === undefined || value === null) return null;
  const t = toTensor(value, name);
  check(isFloat(t.dtype), `${name} must be a floating point tensor`);
  return t;
}

/** A finite-or-not number option with a default. */
export function numberOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  check(typeof value === "number", `${name} must be a number, got ${typeof value}`);
  return value;
}

export function boolOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  check(typeof value === "boolean", `${name} must be a boolean, got ${typeof value}`);
  return value;
}
