import { z } from "zod";
import type { Params, Suggest } from "../../automl/space/suggest";
import type { Task } from "../family";

/** Bump when the space below changes. */
export const SPACE_VERSION = "linear/1";
/**
 * The iteration cap, early stopping's patience (in iterations) and the convergence tolerance (relative change of
 * the penalised objective per iteration, 3 iterations in a row): recorded in every trial as fixed values. The
 * objective is flat near its minimum (a parameter error e costs ~e² in it), so the tolerance is tight: 1e-8 leaves
 * coefficients within ~1e-4 of the optimum on well-conditioned data, in a few dozen iterations.
 */
const MAX_EPOCHS = 1000;
const PATIENCE = 50;
const TOL = 1e-8;
/** the default strength: scikit-learn's SGDClassifier/SGDRegressor default, for the same loss (see defaultParams) */
const DEFAULT_ALPHA = 1e-4;

const PENALTIES = ["l2", "l1", "elasticnet"] as const;

/**
 * The search space, asked define-by-run: the penalty's kind, its strength alpha (log-uniform), and for the elastic
 * net only, its L1 share l1_ratio (ridge is l1_ratio 0, lasso 1). The loss minimised is scikit-learn's
 * SGD/ElasticNet one: mean loss + alpha * (l1_ratio * |w|_1 + (1 - l1_ratio) / 2 * |w|_2^2).
 */
export function defineSpace(suggest: Suggest, _task: Task): Params {
  const params: Params = {};
  params.penalty = suggest.choice("penalty", PENALTIES);
  params.alpha = suggest.float("alpha", 1e-6, 10, { log: true });
  if (params.penalty === "elasticnet") params.l1_ratio = suggest.float("l1_ratio", 0.05, 0.95);
  params.tol = suggest.fixed("tol", TOL);
  params.max_epochs = suggest.fixed("max_epochs", MAX_EPOCHS);
  params.patience = suggest.fixed("patience", PATIENCE);
  return params;
}

/**
 * The first configuration a search tries: ridge with alpha 1e-4. scikit-learn's LogisticRegression default (C = 1)
 * is alpha = 1 / n in this loss's terms, which depends on the data (1e-3 .. 1e-5 for 1,000 .. 100,000 rows); 1e-4 is
 * the middle of that range, and exactly the default of scikit-learn's SGDClassifier/SGDRegressor, which minimise the
 * same penalised mean loss. On standardised features it barely shrinks a well-determined coefficient, and keeps the
 * weights of (nearly) separable classes finite.
 */
export function defaultParams(_task: Task): Params {
  return { penalty: "l2", alpha: DEFAULT_ALPHA, tol: TOL, max_epochs: MAX_EPOCHS, patience: PATIENCE };
}

/**
 * The hyperparameters fit() uses, checked; values missing from a trial take these defaults. l1_ratio is the
 * elastic net's only (default 0.5, scikit-learn's ElasticNet's); it is 0 for l2 and 1 for l1.
 */
export const LinearParams = z
  .object({
    penalty: z.enum(PENALTIES).default("l2"),
    alpha: z.number().min(0).finite().default(DEFAULT_ALPHA),
    l1_ratio: z.number().min(0).max(1).optional(),
    tol: z.number().min(0).finite().default(TOL),
    max_epochs: z.number().int().positive().default(MAX_EPOCHS),
    patience: z.number().int().positive().default(PATIENCE),
  })
  .strict()
  .refine((p) => p.l1_ratio === undefined || p.penalty === "elasticnet", { message: "l1_ratio applies only to penalty elasticnet", path: ["l1_ratio"] })
  .transform((p) => ({ ...p, l1_ratio: p.penalty === "l2" ? 0 : p.penalty === "l1" ? 1 : (p.l1_ratio ?? 0.5) }));
export type LinearParams = z.output<typeof LinearParams>;

export function parseParams(params: Params): LinearParams {
  return LinearParams.parse(params);
}
