import type { ModelFamily } from "../family";
import { defaultParams, defineSpace, MAX_EPOCHS, PATIENCE, SPACE_VERSION } from "./space";
import { fitMlp } from "./fit";
import { loadMlp } from "./persist";
import { FittedMlp } from "./fitted";
import { narrowerAndShorter } from "../layers/lower-fidelity";

/** Multi-layer perceptrons in TensorFlow.js (see fit.ts for training, train-step.ts for the step). */
export const mlpFamily: ModelFamily = {
  name: "mlp",
  spaceVersion: SPACE_VERSION,
  defineSpace,
  defaultParams,
  needsScaledInputs: true,
  fit: fitMlp,
  async load(dir, task) {
    const p = await loadMlp(dir, task);
    return new FittedMlp(p.model, p.spec, p.task, p.scaler, p.params);
  },
  pausable: true,
  epochCap: (params) => Number(params.max_epochs ?? MAX_EPOCHS),
  lowerFidelity: (params, scale) => narrowerAndShorter(params, scale, (name) => /^units_\d+$/.test(name), { patience: PATIENCE, max_epochs: MAX_EPOCHS }),
};

export { FittedMlp } from "./fitted";
export { parseParams, type MlpParams } from "./space";
