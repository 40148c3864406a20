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

// ---------------------------------------------------------------- per-loss option declarations

/** How one option is read: its default and how a given value is checked and converted. */
export interface OptionKind<V> {
  readonly fallback: V;
  read(value: unknown, name: string): V;
}

export const num = (fallback: number): OptionKind<number> => ({ fallback, read: (v, n) => numberOption(v, n, fallback) });
export const int = (fallback: number): OptionKind<number> => ({
  fallback,
  read: (v, n) => {
    const x = numberOption(v, n, fallback);
    check(Number.isInteger(x), `${n} must be an integer, got ${x}`);
    return x;
  },
});
export const bool = (fallback: boolean): OptionKind<boolean> => ({ fallback, read: (v, n) => boolOption(v, n, fallback) });
/** A tensor-valued option (`weight`, `posWeight`): a Tensor, typed array or { data, shape }, or null. */
export const tensorOpt = (torchName: string): OptionKind<Tensor | null> => ({ fallback: null, read: (v) => tensorOption(v, torchName) });
/** Passed through as given (checked where it is used). */
export const anyOpt = <V>(fallback: V): OptionKind<V> => ({ fallback, read: (v) => (v ?? fallback) as V });

export type Kinds = Record<string, OptionKind<unknown>>;
export type Resolved<K extends Kinds> = { [k in keyof K]: K[k] extends OptionKind<infer V> ? V : never };

/**
 * The options of one loss, declared once and used by both its function and its class: PyTorch's
 * functional name (for messages), each option's kind and default, whether the legacy
 * sizeAverage/reduce pair exists, and the reduction's rules.
 */
export class LossOptions<K extends Kinds> {
  readonly keys: readonly string[];

  constructor(readonly fname: string, readonly kinds: K, readonly rules: ReductionRules = {}) {
    this.keys = [...Object.keys(kinds), "reduction", ...(rules.noLegacy ? [] : ["sizeAverage", "reduce"])];
  }

  /** The functional form's options: unknown keys rejected, each option checked, defaults filled in. */
  resolve(options: object | undefined): Resolved<K> {
    checkOptionKeys(options, this.keys, this.fname);
    const o = (options ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, kind] of Object.entries(this.kinds)) out[key] = kind.read(o[key], key);
    return out as Resolved<K>;
  }

  /** The effective reduction, validated by this loss's rules: called where PyTorch validates it, which
   *  for some losses is after the shape checks. (KLDiv's rules allow "batchmean", which comes back as is.) */
  reduction(options: object | undefined): Reduction {
    return resolveReduction((options ?? {}) as ReductionOptions, this.rules) as Reduction;
  }

  /** The class's stored attributes, as PyTorch's constructors store them: each given value or its
   *  default, tensors converted (checked in full when forward passes them to the function). */
  attributes(options: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, kind] of Object.entries(this.kinds)) {
      const v = options[key];
      out[key] = kind.fallback === null && v != null ? kind.read(v, key) : v ?? kind.fallback;
    }
    return out;
  }
}
