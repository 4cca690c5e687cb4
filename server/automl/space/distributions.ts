/**
 * Serialisable distributions: what a hyperparameter may take. One plain JSON object per kind, so a trial
 * stores `{name -> {dist, value}}` and any strategy (random, grid, GP, TPE, evolution) can read it back.
 *
 * Conventions (Optuna's): int ranges include both ends and `high - low` must be a multiple of `step`;
 * `log` needs `low > 0` (ints: `low >= 1`) and excludes a step (ints: step 1); a float `step` grid
 * includes both ends.
 */
import { z } from "zod";

export type ParamValue = string | number | boolean;

const finite = z.number().refine(Number.isFinite, "must be finite");
const paramValue = z.union([z.string(), finite, z.boolean()]);

export const paramValueSchema: z.ZodType<ParamValue> = paramValue;

const intDist = z.object({ kind: z.literal("int"), low: z.number().int(), high: z.number().int(), step: z.number().int(), log: z.boolean() }).strict();
const floatDist = z.object({ kind: z.literal("float"), low: finite, high: finite, log: z.boolean(), step: finite.optional() }).strict();
const choiceDist = z.object({ kind: z.literal("choice"), choices: z.array(paramValue) }).strict();
const boolDist = z.object({ kind: z.literal("bool") }).strict();
const fixedDist = z.object({ kind: z.literal("fixed"), value: paramValue }).strict();

export type IntDist = z.infer<typeof intDist>;
export type FloatDist = z.infer<typeof floatDist>;
export type ChoiceDist = z.infer<typeof choiceDist>;
export type BoolDist = z.infer<typeof boolDist>;
export type FixedDist = z.infer<typeof fixedDist>;
export type Distribution = IntDist | FloatDist | ChoiceDist | BoolDist | FixedDist;

/** The stored form of a distribution, with every invariant checked (use it on JSON read back). */
export const distributionSchema: z.ZodType<Distribution> = z
  .discriminatedUnion("kind", [intDist, floatDist, choiceDist, boolDist, fixedDist])
  .superRefine((dist, ctx) => {
    const problem = distributionProblem(dist);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** `{name -> distribution}`, as a trial stores it */
export const distributionsSchema = z.record(z.string(), distributionSchema);

// ---------------------------------------------------------------------------------------------------
// constructors: validate and throw a readable error (a search space bug should fail loudly)

export function intDistribution(low: number, high: number, opts: { step?: number; log?: boolean } = {}): IntDist {
  return checked({ kind: "int", low, high, step: opts.step ?? 1, log: opts.log ?? false });
}

export function floatDistribution(low: number, high: number, opts: { log?: boolean; step?: number } = {}): FloatDist {
  const dist: FloatDist = { kind: "float", low, high, log: opts.log ?? false };
  if (opts.step !== undefined) dist.step = opts.step;
  return checked(dist);
}

export function choiceDistribution<T extends ParamValue>(choices: readonly T[]): ChoiceDist {
  return checked({ kind: "choice", choices: [...choices] });
}

export function boolDistribution(): BoolDist {
  return { kind: "bool" };
}

export function fixedDistribution(value: ParamValue): FixedDist {
  return checked({ kind: "fixed", value });
}

function checked<D extends Distribution>(dist: D): D {
  const problem = distributionProblem(dist);
  if (problem) throw new Error(`invalid ${dist.kind} distribution: ${problem}`);
  return dist;
}

const isParamValue = (v: unknown): v is ParamValue =>
  typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));

/** What is wrong with a distribution, or null when it is valid. */
export function distributionProblem(dist: Distribution): string | null {
  switch (dist.kind) {
    case "int": {
      const { low, high, step, log } = dist;
      if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) return `low and high must be integers, got [${low}, ${high}]`;
      if (low > high) return `low (${low}) > high (${high})`;
      if (!Number.isSafeInteger(step) || step < 1) return `step must be a positive integer, got ${step}`;
      if ((high - low) % step !== 0) return `high - low (${high - low}) is not a multiple of step (${step})`;
      if (log && step !== 1) return "log and step > 1 cannot be combined";
      if (log && low < 1) return `log needs low >= 1, got ${low}`;
      return null;
    }
    case "float": {
      const { low, high, log, step } = dist;
      if (!Number.isFinite(low) || !Number.isFinite(high)) return `low and high must be finite, got [${low}, ${high}]`;
      if (low > high) return `low (${low}) > high (${high})`;
      if (log && low <= 0) return `log needs low > 0, got ${low}`;
      if (step !== undefined) {
        if (log) return "log and step cannot be combined";
        if (!Number.isFinite(step) || step <= 0) return `step must be positive, got ${step}`;
        const k = (high - low) / step;
        if (Math.abs(k - Math.round(k)) > 1e-8 * Math.max(1, k)) return `high - low (${high - low}) is not a multiple of step (${step})`;
      }
      return null;
    }
    case "choice": {
      if (!Array.isArray(dist.choices) || dist.choices.length === 0) return "needs at least one choice";
      const bad = dist.choices.find((c) => !isParamValue(c));
      if (bad !== undefined) return `choices must be strings, finite numbers or booleans, got ${String(bad)}`;
      if (new Set(dist.choices).size !== dist.choices.length) return `choices must be distinct, got ${JSON.stringify(dist.choices)}`;
      return null;
    }
    case "bool":
      return null;
    case "fixed":
      return isParamValue(dist.value) ? null : `value must be a string, finite number or boolean, got ${String(dist.value)}`;
  }
}

// ---------------------------------------------------------------------------------------------------
// membership, equality, description

/** Whether `value` is one of the values `dist` can take (grid and range checked; float grids with a tiny tolerance). */
export function contains(dist: Distribution, value: unknown): boolean {
  switch (dist.kind) {
    case "int":
      return Number.isSafeInteger(value) && (value as number) >= dist.low && (value as number) <= dist.high && ((value as number) - dist.low) % dist.step === 0;
    case "float": {
      if (typeof value !== "number" || !Number.isFinite(value)) return false;
      if (dist.step === undefined) return value >= dist.low && value <= dist.high;
      const tol = dist.step * 1e-8;
      if (value < dist.low - tol || value > dist.high + tol) return false;
      const k = (value - dist.low) / dist.step;
      return Math.abs(k - Math.round(k)) <= 1e-8 * Math.max(1, Math.abs(k));
    }
    case "choice":
      return isParamValue(value) && dist.choices.includes(value);
    case "bool":
      return typeof value === "boolean";
    case "fixed":
      return value === dist.value;
  }
}

/** Structural equality (a float without a step equals one with `step: undefined`). */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "int": {
      const o = b as IntDist;
      return a.low === o.low && a.high === o.high && a.step === o.step && a.log === o.log;
    }
    case "float": {
      const o = b as FloatDist;
      return a.low === o.low && a.high === o.high && a.log === o.log && a.step === o.step;
    }
    case "choice": {
      const o = b as ChoiceDist;
      return a.choices.length === o.choices.length && a.choices.every((c, i) => c === o.choices[i]);
    }
    case "bool":
      return true;
    case "fixed":
      return a.value === (b as FixedDist).value;
  }
}

/** A short human form for error messages: `int[1, 8] step 1`, `float[0.0001, 0.1] log`, `choice(relu, tanh)`. */
export function describeDistribution(dist: Distribution): string {
  switch (dist.kind) {
    case "int":
      return `int[${dist.low}, ${dist.high}]${dist.step !== 1 ? ` step ${dist.step}` : ""}${dist.log ? " log" : ""}`;
    case "float":
      return `float[${dist.low}, ${dist.high}]${dist.step !== undefined ? ` step ${dist.step}` : ""}${dist.log ? " log" : ""}`;
    case "choice":
      return `choice(${dist.choices.map((c) => JSON.stringify(c)).join(", ")})`;
    case "bool":
      return "bool";
    case "fixed":
      return `fixed(${JSON.stringify(dist.value)})`;
  }
}

// ---------------------------------------------------------------------------------------------------
// finite grids (for grid search and categorical strategies)

/** How many values the distribution can take (Infinity for a float without a step). */
export function cardinality(dist: Distribution): number {
  switch (dist.kind) {
    case "int":
      return (dist.high - dist.low) / dist.step + 1;
    case "float":
      return dist.step === undefined ? (dist.low === dist.high ? 1 : Infinity) : Math.round((dist.high - dist.low) / dist.step) + 1;
    case "choice":
      return dist.choices.length;
    case "bool":
      return 2;
    case "fixed":
      return 1;
  }
}

/** The k-th value (0-based, ascending for numbers, in order for choices) of a finite distribution. */
export function valueAt(dist: Distribution, k: number): ParamValue {
  const n = cardinality(dist);
  if (!Number.isInteger(k) || k < 0 || k >= n) throw new Error(`valueAt: index ${k} outside 0..${n - 1} of ${describeDistribution(dist)}`);
  switch (dist.kind) {
    case "int":
      return dist.low + k * dist.step;
    case "float":
      return dist.step === undefined ? dist.low : gridFloat(dist.low, dist.step, k, dist.high);
    case "choice":
      return dist.choices[k];
    case "bool":
      return k === 1;
    case "fixed":
      return dist.value;
  }
}

/** Every value of a finite distribution; throws for continuous floats. */
export function enumerate(dist: Distribution): ParamValue[] {
  const n = cardinality(dist);
  if (!Number.isFinite(n)) throw new Error(`cannot enumerate the continuous ${describeDistribution(dist)}`);
  return Array.from({ length: n }, (_, k) => valueAt(dist, k));
}

/** low + k*step, rounded to the decimals of low and step so that 0.1 + 2*0.1 is 0.3, and clamped to high */
function gridFloat(low: number, step: number, k: number, high: number): number {
  const raw = low + k * step;
  const decimals = Math.max(decimalsOf(low), decimalsOf(step));
  const value = decimals <= 12 ? Number(raw.toFixed(decimals)) : raw;
  return Math.min(value, high);
}

function decimalsOf(x: number): number {
  const text = String(x);
  const exp = text.match(/e([+-]\d+)$/);
  const mantissa = exp ? text.slice(0, exp.index) : text;
  const dot = mantissa.indexOf(".");
  const fraction = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, fraction - (exp ? Number(exp[1]) : 0));
}

// ---------------------------------------------------------------------------------------------------
// the unit interval: a common continuous coordinate for GP, TPE, evolution and random search

/**
 * Maps u in [0, 1] to a value of `dist`. A uniform u gives: uniform floats; log-uniform floats for `log`;
 * every grid value (int, stepped float, choice, bool) with equal probability (equal cells of [0, 1]);
 * log ints as Optuna does (log-uniform on [low - 0.5, high + 0.5], then rounded).
 */
export function fromUnit(dist: Distribution, u: number): ParamValue {
  if (!Number.isFinite(u)) throw new Error(`fromUnit needs a finite u, got ${u}`);
  const t = Math.min(1, Math.max(0, u));
  switch (dist.kind) {
    case "float": {
      if (dist.step !== undefined) return valueAt(dist, cell(t, cardinality(dist)));
      const x = dist.log ? Math.exp(Math.log(dist.low) + t * (Math.log(dist.high) - Math.log(dist.low))) : dist.low + t * (dist.high - dist.low);
      return Math.min(dist.high, Math.max(dist.low, x));
    }
    case "int": {
      if (!dist.log) return valueAt(dist, cell(t, cardinality(dist)));
      const lo = Math.log(dist.low - 0.5);
      const hi = Math.log(dist.high + 0.5);
      return Math.min(dist.high, Math.max(dist.low, Math.round(Math.exp(lo + t * (hi - lo)))));
    }
    default:
      return valueAt(dist, cell(t, cardinality(dist)));
  }
}

/**
 * Maps a value of `dist` to [0, 1], the inverse of `fromUnit` (grid values map to the centre of their
 * cell, so `fromUnit(dist, toUnit(dist, v)) === v`). Throws when the value is not in the distribution.
 */
export function toUnit(dist: Distribution, value: ParamValue): number {
  if (!contains(dist, value)) throw new Error(`toUnit: ${JSON.stringify(value)} is not in ${describeDistribution(dist)}`);
  switch (dist.kind) {
    case "float": {
      if (dist.step !== undefined) return centre(Math.round(((value as number) - dist.low) / dist.step), cardinality(dist));
      if (dist.low === dist.high) return 0.5;
      return dist.log
        ? (Math.log(value as number) - Math.log(dist.low)) / (Math.log(dist.high) - Math.log(dist.low))
        : ((value as number) - dist.low) / (dist.high - dist.low);
    }
    case "int": {
      if (!dist.log) return centre(((value as number) - dist.low) / dist.step, cardinality(dist));
      const lo = Math.log(dist.low - 0.5);
      const hi = Math.log(dist.high + 0.5);
      return (Math.log(value as number) - lo) / (hi - lo);
    }
    case "choice":
      return centre(dist.choices.indexOf(value), dist.choices.length);
    case "bool":
      return value ? 0.75 : 0.25;
    case "fixed":
      return 0.5;
  }
}

const cell = (t: number, n: number) => Math.min(n - 1, Math.floor(t * n));
const centre = (k: number, n: number) => (k + 0.5) / n;
