import type { ModelFamily, Task } from "../models/family";
import type { Params, Suggest } from "../automl/space/suggest";
import { SelectionMethod, suggestSelection } from "../data/selection/select";

/**
 * A candidate's search space: the model family's hyperparameters, then the data stages' choices
 * (feature selection), all in one define-by-run space so any strategy searches them together.
 * The family asks first, so adding data-stage choices left the family's draws unchanged.
 */
export function candidateSpace(family: ModelFamily, task: Task): (s: Suggest) => Params {
  return (s) => {
    const params = family.defineSpace(s, task);
    return { ...params, feature_selection: suggestSelection(s) };
  };
}

/** The first trial of every search: the family's defaults, every feature kept. */
export function defaultCandidate(family: ModelFamily, task: Task): Params {
  return { ...family.defaultParams(task), feature_selection: "none" };
}

/** Splits a trial's stored hyperparameters into the data stages' and the family's. */
export function splitParams(params: Params): { featureSelection: SelectionMethod; family: Params } {
  const { feature_selection, ...family } = params;
  // trials stored before feature selection was searched kept every feature
  return { featureSelection: SelectionMethod.parse(feature_selection ?? "none"), family };
}
