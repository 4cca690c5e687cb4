import type { Params, Suggest } from "../automl/space/suggest";
import type { Task } from "../models/family";
import { Encoding, Imputation, PreprocessOptions, Scaling } from "./preprocess";

/**
 * The preprocessing choices as hyperparameters, asked in the candidate's define-by-run space so the tuner searches
 * them together with the model's. class_weight is only asked here; the training step applies it.
 */

/** classification only: "balanced" weighs each class inversely to its training frequency */
export const CLASS_WEIGHTS = ["none", "balanced"] as const;

/**
 * the scalings a family that needs scaled inputs (ModelFamily.needsScaledInputs) chooses among. Unscaled, a credit
 * amount in the thousands beside 0/1 indicators left logistic regression's gradient steps crawling along one
 * direction: on credit-g every linear candidate without scaling ended far down its run's leaderboard (a validation
 * AUC of 0.58 to 0.67, its folds' best iterations "1000, 1, 1, 1, 1000"), and both networks without it near chance
 * (0.49, 0.57), where scaled ones scored 0.71 to 0.81.
 */
export const SCALINGS_FOR_GRADIENT_FAMILIES = Scaling.options.filter((s) => s !== "none");

/** `scaled`: the candidate's family needs scaled inputs, so "none" is not among the scaling's choices */
export function suggestPreprocessing(s: Suggest, task: Task, { scaled = false }: { scaled?: boolean } = {}): Params {
  const params: Params = {
    imputation: s.choice("imputation", Imputation.options),
    encoding: s.choice("encoding", Encoding.options),
    scaling: s.choice("scaling", scaled ? SCALINGS_FOR_GRADIENT_FAMILIES : Scaling.options),
  };
  if (task.type !== "regression") params.class_weight = s.choice("class_weight", CLASS_WEIGHTS);
  return params;
}

/** median, one-hot, standard scaling and unweighted classes: the preprocessing used before these were searched */
export function defaultPreprocessing(task: Task): Params {
  const params: Params = { ...PreprocessOptions.parse({}) };
  if (task.type !== "regression") params.class_weight = "none";
  return params;
}

/** The options a trial's params ask for; a key it lacks (a trial stored before it was searched) takes the default. */
export function preprocessOptionsOf(params: Params): PreprocessOptions {
  const { imputation, encoding, scaling } = params;
  return PreprocessOptions.parse({ imputation, encoding, scaling });
}
