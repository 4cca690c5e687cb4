import { z } from "zod";
import type { Params, Suggest } from "../../automl/space/suggest";
import type { Task } from "../family";

/** Bump when the space below changes. */
export const SPACE_VERSION = "gbdt/2";
/** the round cap, early stopping's patience (in rounds) and the bin count: recorded in every trial as fixed values */
const MAX_ROUNDS = 2000;
const EARLY_STOPPING_ROUNDS = 50;
const MAX_BINS = 255;

const GROWTH = ["depthwise", "leafwise"] as const;

/**
 * The search space, asked define-by-run: a tree's size is its depth when it grows depth-wise and its leaf count when
 * it grows leaf-wise, so only the one that applies is asked. Ranges follow the usual XGBoost/LightGBM tuning ranges,
 * down to stumps (depth 1, 2 leaves; Optuna's LightGBMTuner searches 2-256 leaves): on nearly additive data boosted
 * stumps are the model to beat (on telco-churn's seed-0 split XGBoost's 3-fold CV AUC was 0.849 at depth 1 or 2, 0.846
 * at 3, 0.830 at 6).
 */
export function defineSpace(suggest: Suggest, _task: Task): Params {
  const params: Params = {};
  params.learning_rate = suggest.float("learning_rate", 0.01, 0.3, { log: true });
  params.growth = suggest.choice("growth", GROWTH);
  if (params.growth === "depthwise") params.max_depth = suggest.int("max_depth", 1, 12);
  else params.max_leaves = suggest.int("max_leaves", 2, 256, { log: true });
  params.min_child_weight = suggest.float("min_child_weight", 1e-3, 10, { log: true });
  params.subsample = suggest.float("subsample", 0.5, 1);
  params.colsample_bytree = suggest.float("colsample_bytree", 0.5, 1);
  params.lambda = suggest.float("lambda", 1e-3, 10, { log: true });
  params.min_split_gain = suggest.fixed("min_split_gain", 0);
  params.max_bins = suggest.fixed("max_bins", MAX_BINS);
  params.max_rounds = suggest.fixed("max_rounds", MAX_ROUNDS);
  params.early_stopping_rounds = suggest.fixed("early_stopping_rounds", EARLY_STOPPING_ROUNDS);
  return params;
}

/**
 * The first configuration a search tries: LightGBM's and scikit-learn's HistGradientBoosting's shape (leaf-wise,
 * 31 leaves, rate 0.1, no sampling) with XGBoost's regularisation (min_child_weight 1, lambda 1), which stands in for
 * their 20-rows-per-leaf minimum that this family does not have.
 */
export function defaultParams(_task: Task): Params {
  return {
    learning_rate: 0.1,
    growth: "leafwise",
    max_leaves: 31,
    min_child_weight: 1,
    subsample: 1,
    colsample_bytree: 1,
    lambda: 1,
    min_split_gain: 0,
    max_bins: MAX_BINS,
    max_rounds: MAX_ROUNDS,
    early_stopping_rounds: EARLY_STOPPING_ROUNDS,
  };
}

/**
 * Two more starts, the presets practitioners reach for next: XGBoost's shape made conservative (depth-wise to depth 4,
 * rate 0.05, 80% of the rows and columns per tree), for small or noisy data on which 31 leaves overfit; and AutoGluon's
 * large LightGBM preset (128 leaves, rate 0.03, 90% of the columns, a hessian of 3 per leaf for its 3 rows), for data
 * with the rows to fill big trees.
 */
export function portfolioParams(task: Task): Params[] {
  const { growth: _growth, max_leaves: _leaves, ...shared } = defaultParams(task);
  return [
    { ...shared, learning_rate: 0.05, growth: "depthwise", max_depth: 4, subsample: 0.8, colsample_bytree: 0.8 },
    { ...shared, learning_rate: 0.03, growth: "leafwise", max_leaves: 128, min_child_weight: 3, colsample_bytree: 0.9 },
  ];
}

/**
 * The hyperparameters fit() uses, checked; values missing from a trial take these defaults. max_depth is required
 * depth-wise (default 6, XGBoost's) and an optional limit leaf-wise (absent: none); max_leaves is leaf-wise only.
 */
export const GbdtParams = z
  .object({
    learning_rate: z.number().positive().max(1).default(0.1),
    growth: z.enum(GROWTH).default("leafwise"),
    max_depth: z.number().int().min(1).max(30).optional(),
    max_leaves: z.number().int().min(2).default(31),
    min_child_weight: z.number().min(0).default(1),
    subsample: z.number().positive().max(1).default(1),
    colsample_bytree: z.number().positive().max(1).default(1),
    lambda: z.number().min(0).default(1),
    min_split_gain: z.number().min(0).default(0),
    max_bins: z.number().int().min(2).max(65535).default(MAX_BINS),
    max_rounds: z.number().int().positive().default(MAX_ROUNDS),
    early_stopping_rounds: z.number().int().positive().default(EARLY_STOPPING_ROUNDS),
  })
  .strict()
  .transform((p) => ({ ...p, max_depth: p.max_depth ?? (p.growth === "depthwise" ? 6 : Infinity) }));
export type GbdtParams = z.output<typeof GbdtParams>;

export function parseParams(params: Params): GbdtParams {
  return GbdtParams.parse(params);
}
