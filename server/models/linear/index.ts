import type { ModelFamily } from "../family";
import { fitLinear } from "./fit";
import { FittedLinear } from "./model";
import { loadLinear } from "./persist";
import { defaultParams, defineSpace, parseParams, SPACE_VERSION } from "./space";

/**
 * Linear models: linear regression, logistic regression and multinomial (softmax) logistic regression, with L1, L2
 * and elastic-net penalties, fit by full-batch accelerated proximal gradient descent (FISTA) on typed arrays:
 * losses (objective.ts), the data passes (linalg.ts), the solver (fista.ts), the epoch loop with reports, early
 * stopping and convergence (fit.ts, evaluation.ts), persistence (persist.ts). Single-threaded.
 */
export const linearFamily: ModelFamily = {
  name: "linear",
  spaceVersion: SPACE_VERSION,
  defineSpace,
  defaultParams,
  // after the trees, before the networks: cheap on small data, slow to converge on large multiclass data
  openingPriority: 1,
  needsScaledInputs: true,
  fit: fitLinear,
  epochCap: (params) => parseParams(params).max_epochs,
  async load(dir, task) {
    const p = await loadLinear(dir, task);
    return new FittedLinear(p.task, p.features, p.theta, p.scaler, p.params);
  },
};

export { FittedLinear } from "./model";
export { parseParams, type LinearParams } from "./space";
