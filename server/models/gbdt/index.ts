import type { ModelFamily } from "../family";
import { fitGbdt } from "./fit";
import { FittedGbdt } from "./model";
import { loadGbdt } from "./persist";
import { defaultParams, defineSpace, parseParams, portfolioParams, SPACE_VERSION } from "./space";

/**
 * Gradient-boosted decision trees on histograms (XGBoost's "hist" / LightGBM's method), written on typed arrays:
 * binning (bins.ts), histograms and split finding (histogram.ts, split.ts), tree growth (grow.ts, tree.ts), boosting
 * (fit.ts, objective.ts, sampling.ts), reports and early stopping (evaluation.ts, shared/early-stopping.ts), persistence
 * (persist.ts), a scheduler's pause and resume (checkpoint.ts). Categorical columns (FitInput.categorical) split on
 * sets of categories (categorical.ts). Single-threaded.
 */
export const gbdtFamily: ModelFamily = {
  name: "gbdt",
  spaceVersion: SPACE_VERSION,
  defineSpace,
  defaultParams,
  // boosted trees and forests open a search: the strongest tabular families for their seconds
  openingPriority: 2,
  portfolioParams,
  fit: fitGbdt,
  pausable: true,
  epochCap: (params) => parseParams(params).max_rounds,
  async load(dir, task) {
    const p = await loadGbdt(dir, task);
    return new FittedGbdt(p.task, p.features, p.baseScore, p.trees, p.params);
  },
};

export { FittedGbdt } from "./model";
export { parseParams, type GbdtParams } from "./space";
