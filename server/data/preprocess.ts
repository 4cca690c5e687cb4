import { z } from "zod";
import type { ColumnType } from "../contracts/dataset";
import type { Matrix } from "../models/family";
import { numberToString, numbersOf, stringAt } from "./column-values";
import { DataError } from "./data-error";
import type { InferredType } from "./infer-types";
import type { Column, Table } from "./table";
import { parseBoolean, parseNumber } from "./values";

/**
 * Preprocessing, fitted on the training rows only and stored as JSON with each candidate. Everything is keyed by
 * column NAME and category STRING, never by code: a prediction CSV is parsed on its own and has its own codes.
 */

export const DATETIME_PARTS = ["year", "month", "day", "weekday", "hour", "elapsed_days"] as const;
const DatetimePart = z.enum(DATETIME_PARTS);
type DatetimePart = z.infer<typeof DatetimePart>;

/** the name of the bucket for categories too rare in training, and for categories never seen */
export const OTHER = "__other__";

const Scale = { median: z.number(), mean: z.number(), std: z.number().positive() };

const NumericStep = z.object({
  kind: z.literal("numeric"),
  name: z.string(),
  ...Scale,
  /** the column had missing values in training: a 0/1 column says which rows were imputed */
  missingIndicator: z.boolean(),
});
/**
 * A yes/no column as one 0/1 output. The cells are matched as strings against the training values recorded here
 * (exactly, then ignoring case, then as a number: "1.0" is "1"), so a prediction file parsed on its own maps the same
 * way whatever its storage; a missing cell or a value not seen in training gets the median.
 */
const BooleanStep = z.object({
  kind: z.literal("boolean"),
  name: z.string(),
  /** the training values that mean 1, e.g. ["Yes"], or ["1"] for a 0/1 column */
  ones: z.array(z.string()),
  /** the training values that mean 0, e.g. ["No"] */
  zeros: z.array(z.string()),
  /** of the training rows' 0/1 values: the value of a missing or unknown cell */
  median: z.number(),
});
type BooleanStep = z.infer<typeof BooleanStep>;
const CategoricalStep = z.object({
  kind: z.literal("categorical"),
  name: z.string(),
  /** one output each, most frequent first, then one for OTHER; a missing value is all zeros */
  categories: z.array(z.string()),
  /** categories seen fewer times than this in training went to OTHER */
  minCount: z.number().int(),
});
const DatetimeStep = z.object({
  kind: z.literal("datetime"),
  name: z.string(),
  /** ms since epoch of the earliest training date: elapsed_days counts from it */
  origin: z.number(),
  parts: z.array(z.object({ part: DatetimePart, ...Scale })),
  missingIndicator: z.boolean(),
});
const DroppedStep = z.object({ kind: z.literal("dropped"), name: z.string(), reason: z.string() });

export const ColumnStep = z.discriminatedUnion("kind", [NumericStep, BooleanStep, CategoricalStep, DatetimeStep, DroppedStep]);
export type ColumnStep = z.infer<typeof ColumnStep>;

export const PreprocessorState = z.object({
  version: z.literal(1),
  label: z.string(),
  /** every non-label column of the training table, in table order, used or dropped */
  columns: z.array(ColumnStep),
  /** the output columns of transform, in order */
  featureNames: z.array(z.string()),
});
export type PreprocessorState = z.infer<typeof PreprocessorState>;

export interface FitOptions {
  label: string;
  /** the columns to use; default: every non-label column whose type is usable */
  features?: string[];
  trainRows: ArrayLike<number>;
}

export function fitPreprocessor(table: Table, types: InferredType[], opts: FitOptions): PreprocessorState {
  const typeOf = new Map(types.map((t) => [t.name, t.type]));
  if (opts.features) {
    const unknown = opts.features.filter((f) => !table.columns.some((c) => c.name === f) || f === opts.label);
    if (unknown.length > 0) throw new DataError(`These feature columns do not exist (or are the label): ${unknown.join(", ")}.`);
  }
  if (opts.trainRows.length === 0) throw new DataError("There are no training rows to fit the preprocessing on.");
  const selected = opts.features ? new Set(opts.features) : null;
  const columns: ColumnStep[] = [];
  for (const column of table.columns) {
    if (column.name === opts.label) continue;
    const type = typeOf.get(column.name);
    if (!type) throw new Error(`fitPreprocessor: no type for column ${column.name}`);
    if (selected && !selected.has(column.name)) {
      columns.push({ kind: "dropped", name: column.name, reason: "not selected as a feature" });
    } else {
      columns.push(fitColumn(column, type, opts.trainRows));
    }
  }
  const featureNames = columns.flatMap(outputNames);
  if (featureNames.length === 0) {
    throw new DataError("No column can be used as a feature (all are dropped: identifiers, free text, or empty). Add feature columns.");
  }
  return { version: 1, label: opts.label, columns, featureNames };
}

function fitColumn(column: Column, type: ColumnType, rows: ArrayLike<number>): ColumnStep {
  const name = column.name;
  if (type === "identifier") return { kind: "dropped", name, reason: "identifier: unique per row, so it carries no pattern to learn" };
  if (type === "text") return { kind: "dropped", name, reason: "free text: not used as a feature" };
  if (type === "categorical" || type === "boolean") {
    const counts = countStrings(column, rows);
    if (counts.size === 0) return { kind: "dropped", name, reason: "no values in the training rows" };
    if (type === "boolean") {
      const step = fitBoolean(column, counts, rows);
      if (step) return step;
      // more than two values and not all yes/no words (a type set by hand): one-hot instead
    }
    // rare categories share one bucket: too few rows to learn from each, and it bounds the width
    const minCount = Math.max(2, Math.ceil(0.005 * rows.length));
    const categories = [...counts]
      .filter(([, n]) => n >= minCount)
      .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))
      .map(([c]) => c);
    return { kind: "categorical", name, categories, minCount };
  }
  const values = numbersOf(column, type);
  const train = pick(values, rows);
  const present = train.filter((v) => !Number.isNaN(v));
  if (present.length === 0) return { kind: "dropped", name, reason: "no values in the training rows" };
  const missingIndicator = present.length < train.length;
  if (type === "numeric") return { kind: "numeric", name, ...scaleOf(present), missingIndicator };
  const origin = present.reduce((a, b) => (b < a ? b : a), Infinity);
  const parts = DATETIME_PARTS
    // a part that never varies in training (hour of date-only values, month of yearly data) would only add a constant
    .filter((part) => hasSpread(present, part, origin))
    .map((part) => ({ part, ...scaleOf(present.map((ms) => datePart(ms, part, origin))) }));
  return { kind: "datetime", name, origin, parts, missingIndicator };
}

function countStrings(column: Column, rows: ArrayLike<number>): Map<string, number> {
  const at = stringAt(column);
  const counts = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const s = at(rows[i]);
    if (s !== null) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return counts;
}

/** 1 or 0 for a yes/no word (yes, true, t, y mean 1) or the number 0 or 1; null for anything else */
function booleanValue(s: string): 0 | 1 | null {
  const b = parseBoolean(s);
  if (b !== null) return b;
  const v = parseNumber(s);
  return v === 0 || v === 1 ? v : null;
}

/**
 * Which training values mean 1, decided from the values alone so that the same data always gives the same mapping:
 * the true-like words (yes, true, t, y) and 1 mean 1, their opposites and 0 mean 0. Two values that are not such words
 * (a column typed boolean by hand, e.g. "M"/"F") are taken in sorted order: the first means 0, the second 1. Null when
 * neither applies: more than two values.
 */
function fitBoolean(column: Column, counts: Map<string, number>, rows: ArrayLike<number>): BooleanStep | null {
  const values = [...counts.keys()].sort(compareStrings);
  let ones: string[];
  let zeros: string[];
  if (values.every((v) => booleanValue(v) !== null)) {
    ones = values.filter((v) => booleanValue(v) === 1);
    zeros = values.filter((v) => booleanValue(v) === 0);
  } else if (values.length <= 2) {
    zeros = values.slice(0, 1);
    ones = values.slice(1);
  } else {
    return null;
  }
  const read = booleanReader({ ones, zeros }, column);
  const train = Array.from({ length: rows.length }, (_, i) => read(rows[i])).filter((v) => !Number.isNaN(v));
  return { kind: "boolean", name: column.name, ones, zeros, median: median(train) };
}

/** the 0/1 value of each row as the step maps it; NaN for a missing cell or a value the step does not know */
function booleanReader(step: Pick<BooleanStep, "ones" | "zeros">, column: Column): (row: number) => number {
  const exact = new Map<string, number>();
  for (const v of step.zeros) exact.set(v, 0);
  for (const v of step.ones) exact.set(v, 1);
  // ignoring case only where that is unambiguous
  const folded = new Map<string, number>();
  for (const [v, b] of exact) {
    const k = v.toLowerCase();
    folded.set(k, folded.has(k) && folded.get(k) !== b ? NaN : b);
  }
  const lookup = (s: string): number => {
    const hit = exact.get(s) ?? folded.get(s.toLowerCase());
    if (hit !== undefined) return hit;
    const n = parseNumber(s);
    return (n === null ? undefined : exact.get(numberToString(n))) ?? NaN;
  };
  if (column.kind === "string") {
    const { codes } = column;
    const byCode = column.categories.map(lookup);
    return (r) => (codes[r] < 0 ? NaN : byCode[codes[r]]);
  }
  const { values } = column;
  const byValue = new Map<number, number>();
  return (r) => {
    const v = values[r];
    if (Number.isNaN(v)) return NaN;
    let b = byValue.get(v);
    if (b === undefined) byValue.set(v, (b = lookup(numberToString(v))));
    return b;
  };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function outputNames(step: ColumnStep): string[] {
  switch (step.kind) {
    case "numeric":
      return step.missingIndicator ? [step.name, `${step.name}__missing`] : [step.name];
    case "boolean":
      return [step.name];
    case "categorical":
      return [...step.categories.map((c) => `${step.name}=${c}`), `${step.name}=${OTHER}`];
    case "datetime":
      return [...step.parts.map((p) => `${step.name}.${p.part}`), ...(step.missingIndicator ? [`${step.name}__missing`] : [])];
    case "dropped":
      return [];
  }
}

/** The feature matrix for the given rows (default all), float32 row-major, in featureNames order. */
export function transform(state: PreprocessorState, table: Table, rows?: ArrayLike<number>): Matrix {
  const n = rows ? rows.length : table.rowCount;
  const rowAt = rows ? (i: number) => rows[i] : (i: number) => i;
  const cols = state.featureNames.length;
  const data = new Float32Array(n * cols);
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  let offset = 0;
  for (const step of state.columns) {
    if (step.kind === "dropped") continue;
    const column = byName.get(step.name);
    if (!column) throw new DataError(`Missing column: ${step.name}. The file must have the columns the model was trained on.`);
    const width = outputNames(step).length;
    if (step.kind === "categorical") {
      const at = stringAt(column);
      const slot = new Map(step.categories.map((c, i) => [c, i]));
      const other = step.categories.length;
      for (let i = 0; i < n; i++) {
        const s = at(rowAt(i));
        if (s !== null) data[i * cols + offset + (slot.get(s) ?? other)] = 1;
      }
    } else if (step.kind === "boolean") {
      const read = booleanReader(step, column);
      for (let i = 0; i < n; i++) {
        const v = read(rowAt(i));
        data[i * cols + offset] = Number.isNaN(v) ? step.median : v;
      }
    } else if (step.kind === "numeric") {
      const values = numbersOf(column, "numeric");
      for (let i = 0; i < n; i++) {
        const v = values[rowAt(i)];
        const base = i * cols + offset;
        data[base] = ((Number.isNaN(v) ? step.median : v) - step.mean) / step.std;
        if (step.missingIndicator) data[base + 1] = Number.isNaN(v) ? 1 : 0;
      }
    } else {
      const values = numbersOf(column, "datetime");
      for (let i = 0; i < n; i++) {
        const ms = values[rowAt(i)];
        const base = i * cols + offset;
        step.parts.forEach((p, j) => {
          const v = Number.isNaN(ms) ? p.median : datePart(ms, p.part, step.origin);
          data[base + j] = (v - p.mean) / p.std;
        });
        if (step.missingIndicator) data[base + step.parts.length] = Number.isNaN(ms) ? 1 : 0;
      }
    }
    offset += width;
  }
  return { rows: n, cols, data };
}

/** calendar parts in UTC, as the parser reads zone-less dates as UTC */
function datePart(ms: number, part: DatetimePart, origin: number): number {
  const d = new Date(ms);
  switch (part) {
    case "year":
      return d.getUTCFullYear();
    case "month":
      return d.getUTCMonth() + 1;
    case "day":
      return d.getUTCDate();
    case "weekday":
      return d.getUTCDay();
    case "hour":
      return d.getUTCHours();
    case "elapsed_days":
      return (ms - origin) / 86_400_000;
  }
}

function hasSpread(values: number[], part: DatetimePart, origin: number): boolean {
  const first = datePart(values[0], part, origin);
  return values.some((ms) => datePart(ms, part, origin) !== first);
}

function pick(values: Float64Array, rows: ArrayLike<number>): number[] {
  return Array.from({ length: rows.length }, (_, i) => values[rows[i]]);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** median for imputation; mean and std of the observed values for scaling (std 1 for a constant, to avoid 0/0) */
function scaleOf(values: number[]): { median: number; mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) * (v - mean), 0) / values.length;
  const std = Math.sqrt(variance);
  return { median: median(values), mean, std: std > 0 ? std : 1 };
}
