import type { Params, Suggest } from "../automl/space/suggest";
import type { Task } from "../models/family";
import { Encoding, Imputation, PreprocessOptions, Scaling } from "./preprocess";

/**
 * The preprocessing choices as hyperparameters, asked in the candidate's define-by-run space so the tuner searches
 * them together with the model's. class_weight is only asked here; the training step applies it.
 */

/** classification only: "balanced" weighs each class inversely to its training frequency */
export const CLASS_WEIGHTS = ["none", "balanced"] as const;

export function suggestPreprocessing(s: Suggest, task: Task): Params {
  const params: Params = {
    imputation: s.choice("imputation", Imputation.options),
    encoding: s.choice("encoding", Encoding.options),
    scaling: s.choice("scaling", Scaling.options),
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
