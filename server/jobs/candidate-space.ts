import type { ModelFamily, Task } from "../models/family";
import type { Params, Suggest } from "../automl/space/suggest";
import { SelectionMethod, suggestSelection } from "../data/selection/select";
import { defaultPreprocessing, preprocessOptionsOf, suggestPreprocessing } from "../data/preprocess-space";
import type { PreprocessOptions } from "../data/preprocess";
import type { DataStages } from "./candidate-data";

/**
 * A candidate's search space: the model family's hyperparameters, then the data stages' choices (feature selection,
 * then imputation, encoding, scaling and class weighting), all in one define-by-run space so any strategy searches
 * them together. The family asks first and later stages after earlier ones, so adding a stage left the earlier
 * draws unchanged.
 */
export function candidateSpace(family: ModelFamily, task: Task): (s: Suggest) => Params {
  return (s) => {
    const params = family.defineSpace(s, task);
    const featureSelection = suggestSelection(s);
    return { ...params, feature_selection: featureSelection, ...suggestPreprocessing(s, task) };
  };
}

/** The first trial of every search: the family's defaults, every feature kept, the default preprocessing. */
export function defaultCandidate(family: ModelFamily, task: Task): Params {
  return { ...family.defaultParams(task), feature_selection: "none", ...defaultPreprocessing(task) };
}

const DATA_STAGE_KEYS = ["feature_selection", "imputation", "encoding", "scaling", "class_weight"];

/** Splits a trial's stored hyperparameters into the data stages' and the family's. */
export function splitParams(params: Params): { stages: DataStages; classWeight: "none" | "balanced"; family: Params } {
  const family = Object.fromEntries(Object.entries(params).filter(([k]) => !DATA_STAGE_KEYS.includes(k)));
  const preprocessing: PreprocessOptions = preprocessOptionsOf(params);
  return {
    // trials stored before these were searched kept every feature, with the default preprocessing
    stages: { featureSelection: SelectionMethod.parse(params.feature_selection ?? "none"), preprocessing },
    classWeight: params.class_weight === "balanced" ? "balanced" : "none",
    family,
  };
}
