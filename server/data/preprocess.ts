import { z } from "zod";
import type { ColumnType } from "../contracts/dataset";
import type { Matrix, Task } from "../models/family";
import { numberToString, numbersOf, stringAt } from "./column-values";
import { DataError } from "./data-error";
import type { InferredType } from "./infer-types";
import type { Column, Table } from "./table";
import { fitTargetEncoding, type CategoryKey } from "./target-encoding";
import { TEXT_BUCKETS, hashText } from "./text-hashing";
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

/**
 * How a missing value is filled. For numeric columns and each datetime part: the training median, mean or most
 * frequent value (the smallest of equally frequent ones), or a constant: 0 in the column's own unit for numbers (as
 * scikit-learn's SimpleImputer), and the earliest training date for datetimes (a calendar part of 0 is no date, year 0,
 * or a real one, Sunday). Either way a 0/1 "__missing" column is added when the column had missing values in training,
 * so the model can tell a filled value from a real one.
 * For categorical columns most_frequent fills the training mode, read as if the cell held it; the others leave the cell
 * as "no category": all zeros in one-hot, index -1 (below every category) in ordinal, and in target encoding a category
 * of its own with its own statistics. Yes/no columns always get the median of their 0/1 values.
 */
export const Imputation = z.enum(["median", "mean", "most_frequent", "constant"]);
/**
 * How categorical columns become numbers. onehot: one 0/1 column per category kept, plus OTHER. ordinal: one column,
 * the category's index in string order with OTHER last, then scaled like a number. target: columns with more than
 * TARGET_MIN_CATEGORIES categories in training get target encoding (see target-encoding.ts: out of fold for the
 * training rows, every training category its own statistic since smoothing already guards rare ones); the others one-hot.
 */
export const Encoding = z.enum(["onehot", "ordinal", "target"]);
/**
 * How numbers, datetime parts, ordinal indices and target encodings are scaled, from their observed training values:
 * standard: (x - mean) / std. robust: (x - median) / IQR, for heavy tails and outliers. none: as is. 0/1 columns
 * (yes/no, one-hot, indicators) and hashed text (already of unit length) are never scaled.
 */
export const Scaling = z.enum(["standard", "robust", "none"]);

export const PreprocessOptions = z.object({
  imputation: Imputation.default("median"),
  encoding: Encoding.default("onehot"),
  scaling: Scaling.default("standard"),
});
export type PreprocessOptions = z.infer<typeof PreprocessOptions>;

/** a categorical column is target-encoded (under encoding "target") when it has more categories than this in training */
const TARGET_MIN_CATEGORIES = 10;

/** transform writes (filled value - center) / scale */
const Scaled = { fill: z.number(), center: z.number(), scale: z.number().positive() };

const NumericStep = z.object({
  kind: z.literal("numeric"),
  name: z.string(),
  ...Scaled,
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

const OneHot = z.object({ type: z.literal("onehot") });
const Ordinal = z.object({ type: z.literal("ordinal"), center: z.number(), scale: z.number().positive() });
const Target = z.object({
  type: z.literal("target"),
  /** per output: the class (multiclass) or null (one output: P(classes[1]) for binary, the mean for regression) */
  outputs: z.array(z.string().nullable()),
  /** per category, its statistic per output, from all training rows */
  values: z.array(z.array(z.number())),
  /** the statistic of a missing cell */
  missing: z.array(z.number()),
  /** the statistic of a category not seen in training */
  prior: z.array(z.number()),
  /** per output, fitted on the training rows' out-of-fold encodings, which are what the model trains on */
  center: z.array(z.number()),
  scale: z.array(z.number().positive()),
});
const CategoricalStep = z.object({
  kind: z.literal("categorical"),
  name: z.string(),
  /** onehot: most frequent first (OTHER after them); ordinal: in string order (OTHER after them); target: all of them */
  categories: z.array(z.string()),
  /** categories seen fewer times than this in training went to OTHER (1 for target encoding: none did) */
  minCount: z.number().int(),
  /** the category a missing cell is read as (imputation most_frequent), or null for "no category" */
  fill: z.string().nullable(),
  encoding: z.discriminatedUnion("type", [OneHot, Ordinal, Target]),
});
type CategoricalStep = z.infer<typeof CategoricalStep>;
const DatetimeStep = z.object({
  kind: z.literal("datetime"),
  name: z.string(),
  /** ms since epoch of the earliest training date: elapsed_days counts from it */
  origin: z.number(),
  parts: z.array(z.object({ part: DatetimePart, ...Scaled })),
  missingIndicator: z.boolean(),
});
/** free text as a hashed bag of words (text-hashing.ts); nothing is fitted but the bucket count */
const TextStep = z.object({ kind: z.literal("text"), name: z.string(), buckets: z.number().int().positive() });
const DroppedStep = z.object({ kind: z.literal("dropped"), name: z.string(), reason: z.string() });

export const ColumnStep = z.discriminatedUnion("kind", [
  NumericStep,
  BooleanStep,
  CategoricalStep,
  DatetimeStep,
  TextStep,
  DroppedStep,
]);
export type ColumnStep = z.infer<typeof ColumnStep>;

/**
 * Version 1, as archives written before the options existed hold it: median imputation, one-hot, standard scaling,
 * text dropped. It is read as it is and transformed through its version 2 equivalent (upgradeSteps).
 */
const LegacyScale = { median: z.number(), mean: z.number(), std: z.number().positive() };
const ColumnStepV1 = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("numeric"), name: z.string(), ...LegacyScale, missingIndicator: z.boolean() }),
  BooleanStep,
  z.object({ kind: z.literal("categorical"), name: z.string(), categories: z.array(z.string()), minCount: z.number().int() }),
  z.object({
    kind: z.literal("datetime"),
    name: z.string(),
    origin: z.number(),
    parts: z.array(z.object({ part: DatetimePart, ...LegacyScale })),
    missingIndicator: z.boolean(),
  }),
  DroppedStep,
]);
type ColumnStepV1 = z.infer<typeof ColumnStepV1>;

const StateV1 = z.object({
  version: z.literal(1),
  label: z.string(),
  columns: z.array(ColumnStepV1),
  featureNames: z.array(z.string()),
});
const StateV2 = z.object({
  version: z.literal(2),
  label: z.string(),
  options: PreprocessOptions,
  /** every non-label column of the training table, in table order, used or dropped */
  columns: z.array(ColumnStep),
  /** the output columns of transform, in order */
  featureNames: z.array(z.string()),
});
export const PreprocessorState = z.discriminatedUnion("version", [StateV1, StateV2]);
export type PreprocessorState = z.infer<typeof PreprocessorState>;
/** the version fitting writes */
export type CurrentPreprocessorState = z.infer<typeof StateV2>;

/** a state's steps in version 2's terms; version 1's mean the same numbers: fill median, center mean, scale std */
function upgradeSteps(state: PreprocessorState): ColumnStep[] {
  if (state.version === 2) return state.columns;
  const scaled = ({ median, mean, std }: { median: number; mean: number; std: number }) => ({ fill: median, center: mean, scale: std });
  return state.columns.map((step: ColumnStepV1): ColumnStep => {
    switch (step.kind) {
      case "numeric":
        return { kind: "numeric", name: step.name, ...scaled(step), missingIndicator: step.missingIndicator };
      case "categorical":
        return { ...step, fill: null, encoding: { type: "onehot" } };
      case "datetime":
        return { ...step, parts: step.parts.map((p) => ({ part: p.part, ...scaled(p) })) };
      default:
        return step;
    }
  });
}

export interface FitOptions {
  label: string;
  /** the columns to use; default: every non-label column whose type is usable */
  features?: string[];
  trainRows: ArrayLike<number>;
  /** defaults: median, onehot, standard */
  options?: Partial<PreprocessOptions>;
  /** the label per TABLE row (class code or value), needed only for encoding "target" */
  target?: { y: Float32Array; task: Task };
  /** deals the training rows into the folds of out-of-fold target encoding */
  seed?: number;
}

/** what fitting a column gives: its step, and for a target-encoded column the training rows' out-of-fold encodings */
interface FittedColumn {
  step: ColumnStep;
  outOfFold?: Float64Array;
}

interface FitContext {
  rows: ArrayLike<number>;
  options: PreprocessOptions;
  target?: { y: Float32Array; task: Task };
  seed: number;
}

/**
 * Fits the preprocessing on opts.trainRows and returns it with the training matrix (those rows, in that order).
 * The training matrix differs from transform(state, table, trainRows) only in target-encoded columns: there each
 * training row is encoded out of fold, so it never sees its own label; transform uses all training rows' statistics.
 */
export function fitTransform(
  table: Table,
  types: InferredType[],
  opts: FitOptions,
): { state: CurrentPreprocessorState; train: Matrix } {
  const { state, fitted } = fit(table, types, opts);
  const train = transform(state, table, opts.trainRows);
  let offset = 0;
  for (const { step, outOfFold } of fitted) {
    if (outOfFold && step.kind === "categorical" && step.encoding.type === "target") {
      const d = step.encoding.outputs.length;
      for (let i = 0; i < train.rows; i++) {
        writeTarget(step.encoding, outOfFold.subarray(i * d, (i + 1) * d), train.data, i * train.cols + offset);
      }
    }
    offset += outputNames(step).length;
  }
  return { state, train };
}

/** the fitted state alone, for callers that build no training matrix */
export function fitPreprocessor(table: Table, types: InferredType[], opts: FitOptions): CurrentPreprocessorState {
  return fit(table, types, opts).state;
}

function fit(
  table: Table,
  types: InferredType[],
  opts: FitOptions,
): { state: CurrentPreprocessorState; fitted: FittedColumn[] } {
  const options = PreprocessOptions.parse(opts.options ?? {});
  if (options.encoding === "target" && !opts.target) {
    throw new Error('Preprocessing with encoding "target" needs the label: pass FitOptions.target ({ y, task }).');
  }
  const typeOf = new Map(types.map((t) => [t.name, t.type]));
  if (opts.features) {
    const unknown = opts.features.filter((f) => !table.columns.some((c) => c.name === f) || f === opts.label);
    if (unknown.length > 0) throw new DataError(`These feature columns do not exist (or are the label): ${unknown.join(", ")}.`);
  }
  if (opts.trainRows.length === 0) throw new DataError("There are no training rows to fit the preprocessing on.");
  const ctx: FitContext = { rows: opts.trainRows, options, target: opts.target, seed: opts.seed ?? 0 };
  const selected = opts.features ? new Set(opts.features) : null;
  const fitted: FittedColumn[] = [];
  for (const column of table.columns) {
    if (column.name === opts.label) continue;
    const type = typeOf.get(column.name);
    if (!type) throw new Error(`fitTransform: no type for column ${column.name}`);
    if (selected && !selected.has(column.name)) {
      fitted.push({ step: { kind: "dropped", name: column.name, reason: "not selected as a feature" } });
    } else {
      fitted.push(fitColumn(column, type, ctx));
    }
  }
  const columns = fitted.map((f) => f.step);
  const featureNames = columns.flatMap(outputNames);
  if (featureNames.length === 0) {
    throw new DataError(
      "No column can be used as a feature (all are dropped: identifiers, or empty in the training rows). Add feature columns.",
    );
  }
  return { state: { version: 2, label: opts.label, options, columns, featureNames }, fitted };
}

function fitColumn(column: Column, type: ColumnType, ctx: FitContext): FittedColumn {
  const { rows, options } = ctx;
  const name = column.name;
  const dropped = (reason: string): FittedColumn => ({ step: { kind: "dropped", name, reason } });
  if (type === "identifier") return dropped("identifier: unique per row, so it carries no pattern to learn");
  if (type === "categorical" || type === "boolean" || type === "text") {
    const counts = countStrings(column, rows);
    if (counts.size === 0) return dropped("no values in the training rows");
    if (type === "text") return { step: { kind: "text", name, buckets: TEXT_BUCKETS } };
    if (type === "boolean") {
      const step = fitBoolean(column, counts, rows);
      if (step) return { step };
      // more than two values and not all yes/no words (a type set by hand): a categorical column instead
    }
    return fitCategorical(column, counts, ctx);
  }
  const values = numbersOf(column, type);
  const train = pick(values, rows);
  const present = train.filter((v) => !Number.isNaN(v));
  if (present.length === 0) return dropped("no values in the training rows");
  const missingIndicator = present.length < train.length;
  if (type === "numeric") {
    const fill = options.imputation === "constant" ? 0 : fillOf(present, options.imputation);
    return { step: { kind: "numeric", name, fill, ...scaleOf(present, options.scaling), missingIndicator } };
  }
  const origin = present.reduce((a, b) => (b < a ? b : a), Infinity);
  const parts = DATETIME_PARTS
    // a part that never varies in training (hour of date-only values, month of yearly data) would only add a constant
    .filter((part) => hasSpread(present, part, origin))
    .map((part) => {
      const observed = present.map((ms) => datePart(ms, part, origin));
      const fill = options.imputation === "constant" ? datePart(origin, part, origin) : fillOf(observed, options.imputation);
      return { part, fill, ...scaleOf(observed, options.scaling) };
    });
  return { step: { kind: "datetime", name, origin, parts, missingIndicator } };
}

function fitCategorical(column: Column, counts: Map<string, number>, ctx: FitContext): FittedColumn {
  const { rows, options } = ctx;
  const name = column.name;
  const byFrequency = [...counts].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0])).map(([c]) => c);
  const fill = options.imputation === "most_frequent" ? byFrequency[0] : null;
  const at = stringAt(column);
  if (options.encoding === "target" && counts.size > TARGET_MIN_CATEGORIES) {
    const { y, task } = ctx.target!;
    const keys: CategoryKey[] = Array.from({ length: rows.length }, (_, i) => at(rows[i]) ?? fill);
    const labels = Array.from({ length: rows.length }, (_, i) => y[rows[i]]);
    const fitted = fitTargetEncoding(keys, labels, task, ctx.seed);
    const d = fitted.outputs.length;
    const scales = Array.from({ length: d }, (_, j) =>
      scaleOf(Array.from({ length: rows.length }, (_, i) => fitted.train[i * d + j]), options.scaling),
    );
    const encoding = {
      type: "target" as const,
      outputs: fitted.outputs,
      values: fitted.values,
      missing: fitted.missing,
      prior: fitted.prior,
      center: scales.map((s) => s.center),
      scale: scales.map((s) => s.scale),
    };
    const step: ColumnStep = { kind: "categorical", name, categories: fitted.categories, minCount: 1, fill, encoding };
    return { step, outOfFold: fitted.train };
  }
  // rare categories share one bucket: too few rows to learn from each, and it bounds the width
  const minCount = Math.max(2, Math.ceil(0.005 * rows.length));
  const kept = byFrequency.filter((c) => counts.get(c)! >= minCount);
  if (options.encoding !== "ordinal") {
    return { step: { kind: "categorical", name, categories: kept, minCount, fill, encoding: { type: "onehot" } } };
  }
  const categories = kept.sort(compareStrings);
  const index = new Map(categories.map((c, i) => [c, i]));
  const observed: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const s = at(rows[i]);
    if (s !== null) observed.push(index.get(s) ?? categories.length);
  }
  const encoding = { type: "ordinal" as const, ...scaleOf(observed, options.scaling) };
  return { step: { kind: "categorical", name, categories, minCount, fill, encoding } };
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

/**
 * Where each step's outputs sit in transform's matrix: the step (in version 2's terms), its first column and how many
 * columns it writes, in `columns` order. For code that must know which matrix columns came from which CSV column.
 */
export function stepOutputs(state: PreprocessorState): { step: ColumnStep; first: number; width: number }[] {
  let first = 0;
  const outputs = upgradeSteps(state).map((step) => {
    const width = outputNames(step).length;
    first += width;
    return { step, first: first - width, width };
  });
  if (first !== state.featureNames.length) {
    throw new Error(`the preprocessing steps account for ${first} output columns, featureNames has ${state.featureNames.length}`);
  }
  return outputs;
}

function outputNames(step: ColumnStep): string[] {
  switch (step.kind) {
    case "numeric":
      return step.missingIndicator ? [step.name, `${step.name}__missing`] : [step.name];
    case "boolean":
      return [step.name];
    case "categorical":
      switch (step.encoding.type) {
        case "onehot":
          return [...step.categories.map((c) => `${step.name}=${c}`), `${step.name}=${OTHER}`];
        case "ordinal":
          return [step.name];
        case "target":
          return step.encoding.outputs.map((o) => (o === null ? `${step.name}#target` : `${step.name}#target=${o}`));
      }
      break;
    case "datetime":
      return [...step.parts.map((p) => `${step.name}.${p.part}`), ...(step.missingIndicator ? [`${step.name}__missing`] : [])];
    case "text":
      return Array.from({ length: step.buckets }, (_, b) => `${step.name}#h${b}`);
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
  for (const step of upgradeSteps(state)) {
    if (step.kind === "dropped") continue;
    const column = byName.get(step.name);
    if (!column) throw new DataError(`Missing column: ${step.name}. The file must have the columns the model was trained on.`);
    // writes row i's outputs from data[i * cols + offset] on
    const write = writer(step, column);
    for (let i = 0; i < n; i++) write(rowAt(i), data, i * cols + offset);
    offset += outputNames(step).length;
  }
  return { rows: n, cols, data };
}

type Writer = (row: number, out: Float32Array, base: number) => void;

function writer(step: Exclude<ColumnStep, { kind: "dropped" }>, column: Column): Writer {
  switch (step.kind) {
    case "categorical":
      return categoricalWriter(step, column);
    case "boolean": {
      const read = booleanReader(step, column);
      return (r, out, base) => {
        const v = read(r);
        out[base] = Number.isNaN(v) ? step.median : v;
      };
    }
    case "numeric": {
      const values = numbersOf(column, "numeric");
      return (r, out, base) => {
        const v = values[r];
        out[base] = ((Number.isNaN(v) ? step.fill : v) - step.center) / step.scale;
        if (step.missingIndicator) out[base + 1] = Number.isNaN(v) ? 1 : 0;
      };
    }
    case "datetime": {
      const values = numbersOf(column, "datetime");
      return (r, out, base) => {
        const ms = values[r];
        step.parts.forEach((p, j) => {
          const v = Number.isNaN(ms) ? p.fill : datePart(ms, p.part, step.origin);
          out[base + j] = (v - p.center) / p.scale;
        });
        if (step.missingIndicator) out[base + step.parts.length] = Number.isNaN(ms) ? 1 : 0;
      };
    }
    case "text": {
      const at = stringAt(column);
      return (r, out, base) => {
        const s = at(r);
        if (s !== null) hashText(s, step.buckets, out, base);
      };
    }
  }
}

function categoricalWriter(step: CategoricalStep, column: Column): Writer {
  const at = stringAt(column);
  const read = (r: number) => at(r) ?? step.fill;
  const slot = new Map(step.categories.map((c, i) => [c, i]));
  const other = step.categories.length;
  const { encoding } = step;
  switch (encoding.type) {
    case "onehot":
      return (r, out, base) => {
        const s = read(r);
        if (s !== null) out[base + (slot.get(s) ?? other)] = 1;
      };
    case "ordinal":
      return (r, out, base) => {
        const s = read(r);
        out[base] = ((s === null ? -1 : (slot.get(s) ?? other)) - encoding.center) / encoding.scale;
      };
    case "target":
      return (r, out, base) => {
        const s = read(r);
        const g = s === null ? undefined : slot.get(s);
        const values = s === null ? encoding.missing : g === undefined ? encoding.prior : encoding.values[g];
        writeTarget(encoding, values, out, base);
      };
  }
}

function writeTarget(encoding: z.infer<typeof Target>, values: ArrayLike<number>, out: Float32Array, base: number): void {
  for (let j = 0; j < values.length; j++) out[base + j] = (values[j] - encoding.center[j]) / encoding.scale[j];
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

/** the q-quantile, interpolating linearly between order statistics (numpy's default) */
function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

function median(values: number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/** the imputed value from the observed training values (constant is decided by the column's kind) */
function fillOf(values: number[], imputation: Exclude<PreprocessOptions["imputation"], "constant">): number {
  switch (imputation) {
    case "median":
      return median(values);
    case "mean":
      return values.reduce((a, b) => a + b, 0) / values.length;
    case "most_frequent": {
      const sorted = [...values].sort((a, b) => a - b);
      let best = sorted[0];
      let bestRun = 0;
      for (let i = 0, run = 1; i < sorted.length; i++, run = sorted[i] === sorted[i - 1] ? run + 1 : 1) {
        if (run > bestRun) [best, bestRun] = [sorted[i], run];
      }
      return best;
    }
  }
}

/**
 * center and scale from the observed training values. Robust scaling of a mostly constant column (an IQR of 0, as in
 * shuttle's V2: three quarters one value, outliers in the thousands) falls back to the standard deviation: dividing
 * by 1 would hand the network raw values in the thousands. A constant column scales by 1, to avoid 0/0.
 */
function scaleOf(values: number[], scaling: PreprocessOptions["scaling"]): { center: number; scale: number } {
  switch (scaling) {
    case "standard": {
      const { mean, std } = meanAndStd(values);
      return { center: mean, scale: std > 0 ? std : 1 };
    }
    case "robust": {
      const sorted = [...values].sort((a, b) => a - b);
      const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
      const std = iqr > 0 ? 0 : meanAndStd(values).std;
      return { center: quantile(sorted, 0.5), scale: iqr > 0 ? iqr : std > 0 ? std : 1 };
    }
    case "none":
      return { center: 0, scale: 1 };
  }
}

function meanAndStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) * (v - mean), 0) / values.length) };
}
