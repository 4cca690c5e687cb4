import { z } from "zod";
import type { Params, Suggest } from "../../automl/space/suggest";
import type { Task } from "../family";

/** Bump when the space below changes. */
export const SPACE_VERSION = "forest/1";
/** the bin count: recorded in every trial as a fixed value (the same as gbdt's) */
const MAX_BINS = 255;

export const KINDS = ["random_forest", "extra_trees"] as const;
const FEATURE_RULES = ["sqrt", "log2"] as const;

/**
 * The search space, asked define-by-run: the kind of forest, its size (50-500 trees, log scale), the features tried
 * per split (sqrt / log2 of the columns, or a fraction of them), an optional depth limit (asked only when
 * limit_depth) and the least rows per leaf (1-20, log scale). Ranges follow the usual scikit-learn tuning ranges.
 */
export function defineSpace(suggest: Suggest, _task: Task): Params {
  const params: Params = {};
  params.kind = suggest.choice("kind", KINDS);
  params.n_estimators = suggest.int("n_estimators", 50, 500, { log: true });
  params.max_features = suggest.choice<string | number>("max_features", ["sqrt", "log2", 0.33, 0.5, 0.75, 1]);
  params.limit_depth = suggest.bool("limit_depth");
  if (params.limit_depth) params.max_depth = suggest.int("max_depth", 4, 30);
  params.min_samples_leaf = suggest.int("min_samples_leaf", 1, 20, { log: true });
  params.max_bins = suggest.fixed("max_bins", MAX_BINS);
  return params;
}

/**
 * The first configuration a search tries: scikit-learn's RandomForest defaults (100 trees, unlimited depth, one row
 * per leaf, bootstrap), with its max_features: sqrt of the columns for classification (Breiman's choice, which
 * decorrelates the trees), all of them for regression (scikit-learn's default since 1.1, as variance reduction on
 * few features suffers from a too small sample of them). 100 trees is where the forest's validation score usually
 * stops moving on small tabular data while a fit stays cheap.
 */
export function defaultParams(task: Task): Params {
  return {
    kind: "random_forest",
    n_estimators: 100,
    max_features: task.type === "regression" ? 1 : "sqrt",
    limit_depth: false,
    min_samples_leaf: 1,
    max_bins: MAX_BINS,
  };
}

/** One more start: extra trees with the same defaults (AutoGluon's portfolio tries both kinds of forest). */
export function portfolioParams(task: Task): Params[] {
  return [{ ...defaultParams(task), kind: "extra_trees" }];
}

/**
 * The hyperparameters fit() uses, checked; values missing from a trial take scikit-learn's defaults. max_features
 * absent: by task (see defaultParams). max_depth absent: no limit (limit_depth only records the search's choice).
 * bootstrap absent: on for random_forest, off for extra_trees (as scikit-learn).
 */
export const ForestParams = z
  .object({
    kind: z.enum(KINDS).default("random_forest"),
    n_estimators: z.number().int().min(1).max(10_000).default(100),
    max_features: z.union([z.enum(FEATURE_RULES), z.number().positive().max(1)]).optional(),
    limit_depth: z.boolean().optional(),
    max_depth: z.number().int().min(1).max(64).optional(),
    min_samples_leaf: z.number().int().min(1).default(1),
    bootstrap: z.boolean().optional(),
    max_bins: z.number().int().min(2).max(65535).default(MAX_BINS),
  })
  .strict()
  .transform((p) => ({
    ...p,
    max_depth: p.max_depth ?? Infinity,
    bootstrap: p.bootstrap ?? p.kind === "random_forest",
  }));
export type ForestParams = z.output<typeof ForestParams>;

export function parseParams(params: Params): ForestParams {
  return ForestParams.parse(params);
}

/** Features tried per split out of `cols` (scikit-learn's rounding: at least 1, fractions rounded down). */
export function featuresPerSplit(rule: ForestParams["max_features"], task: Task, cols: number): number {
  const r = rule ?? (task.type === "regression" ? 1 : "sqrt");
  const n = r === "sqrt" ? Math.sqrt(cols) : r === "log2" ? Math.log2(cols) : r * cols;
  return Math.max(1, Math.min(cols, Math.floor(n + 1e-9)));
}
