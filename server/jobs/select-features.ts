import { deriveSeed } from "../automl/rng";
import { applySelection, fitSelection, type SelectionMethod, type SelectionState } from "../data/selection/select";
import type { Matrix } from "../models/family";
import type { RunData } from "./run-data";

export interface SelectedData {
  selection: SelectionState;
  x: { train: Matrix; valid: Matrix; test: Matrix };
}

const cache = new WeakMap<RunData, Map<SelectionMethod, SelectedData>>();

/**
 * Fits the trial's feature selection on the training rows only (never validation or test, which would leak
 * their labels into the choice) and applies it to every split. The fit depends on the run's seed and the
 * method alone, so a worker reuses it for every trial of the run that chose the same method.
 */
export function selectFeatures(data: RunData, method: SelectionMethod, runSeed: number): SelectedData {
  let byMethod = cache.get(data);
  if (!byMethod) cache.set(data, (byMethod = new Map()));
  const hit = byMethod.get(method);
  if (hit) return hit;
  const selection = fitSelection({
    x: data.x.train,
    y: data.y.train,
    task: data.task,
    featureNames: data.preprocessing.featureNames,
    method,
    seed: deriveSeed(runSeed, "feature-selection"),
  });
  const selected: SelectedData = {
    selection,
    x: method === "none" ? data.x : { train: applySelection(selection, data.x.train), valid: applySelection(selection, data.x.valid), test: applySelection(selection, data.x.test) },
  };
  byMethod.set(method, selected);
  return selected;
}
