import type { ModelFamily } from "../family";
import { fitForest } from "./fit";
import { FittedForest } from "./model";
import { loadForest } from "./persist";
import { defaultParams, defineSpace, parseParams, portfolioParams, SPACE_VERSION } from "./space";

/**
 * Random forests and extra trees on gbdt's histogram machinery: binning and histograms from ../gbdt (bins.ts,
 * histogram.ts) and its flat Tree, with per-node feature sampling, multi-output (class frequency) leaves and random
 * thresholds in grow.ts; the tree loop with reports (fit.ts), prediction (model.ts), persistence (persist.ts).
 * Single-threaded.
 */
export const forestFamily: ModelFamily = {
  name: "forest",
  spaceVersion: SPACE_VERSION,
  defineSpace,
  defaultParams,
  // boosted trees and forests open a search: the strongest tabular families for their seconds
  openingPriority: 2,
  portfolioParams,
  fit: fitForest,
  epochCap: (params) => parseParams(params).n_estimators,
  async load(dir, task) {
    const p = await loadForest(dir, task);
    return new FittedForest(p.task, p.features, p.trees, p.params);
  },
};

export { FittedForest } from "./model";
export { parseParams, type ForestParams } from "./space";
