import { z } from "zod";

/** What a column holds, as inferred from the CSV (and later overridable by the user). */
export const ColumnType = z.enum(["numeric", "categorical", "boolean", "datetime", "text", "identifier"]);
export type ColumnType = z.infer<typeof ColumnType>;

export const ColumnProfile = z.object({
  name: z.string(),
  type: ColumnType,
  /** why this type was inferred, in words */
  reason: z.string(),
  missing: z.number().int(),
  distinct: z.number().int(),
  /** numeric and datetime columns: min, max, mean, std (datetime in ms since epoch) */
  stats: z.object({ min: z.number(), max: z.number(), mean: z.number(), std: z.number() }).nullable(),
  /** numeric: equal-width bins; counts.length === edges.length - 1 */
  histogram: z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()) }).nullable(),
  /** categorical, boolean, text, identifier: most frequent values first (at most 10) */
  topValues: z.array(z.object({ value: z.string(), count: z.number().int() })).nullable(),
});
export type ColumnProfile = z.infer<typeof ColumnProfile>;

export const ProblemType = z.enum(["binary", "multiclass", "regression"]);
export type ProblemType = z.infer<typeof ProblemType>;

export const Metric = z.enum(["auc", "logloss", "accuracy", "balanced_accuracy", "f1", "pr_auc", "rmse", "mae", "r2"]);
export type Metric = z.infer<typeof Metric>;

export const DatasetDto = z.object({
  id: z.string(),
  name: z.string(),
  sizeBytes: z.number(),
  rowCount: z.number().int(),
  columnCount: z.number().int(),
  sha256: z.string(),
  columns: z.array(ColumnProfile),
  createdAt: z.string(),
});
export type DatasetDto = z.infer<typeof DatasetDto>;

/** What a guardrail found. */
export const WarningKind = z.enum(["identifier", "constant", "duplicates", "missing", "imbalance", "leakage"]);
export type WarningKind = z.infer<typeof WarningKind>;

/** A data-quality warning: what was found and the action the studio takes (or suggests). */
export const DatasetWarning = z.object({
  kind: WarningKind,
  /** the column it is about; null for the whole table (duplicated rows) */
  column: z.string().nullable(),
  /** what was found, in words */
  message: z.string(),
  /** what the studio does about it, or suggests doing */
  action: z.string(),
});
export type DatasetWarning = z.infer<typeof DatasetWarning>;

/**
 * How much a column tells about a label: mutual information divided by the label's entropy, I(X; Y) / H(Y), so
 * 0 is no association and 1 means the column determines the label (numeric columns and a regression label are cut
 * into quantile bins first; bias-corrected). Null for columns that are not features (identifiers, free text).
 */
export const LabelAssociation = z.object({
  column: z.string(),
  mutualInformation: z.number().min(0).max(1).nullable(),
});
export type LabelAssociation = z.infer<typeof LabelAssociation>;
