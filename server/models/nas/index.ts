import type { ModelFamily } from "../family";
import type { Params } from "../../automl/space/suggest";
import { defineSpace, SPACE_VERSION } from "./space";
import { fitNas, MAX_EPOCHS, PATIENCE } from "./fit";
import { loadNas } from "./persist";
import { FittedNas } from "./fitted";
import { narrowerAndShorter } from "../layers/lower-fidelity";

/** the space's width decisions: chain_units_i, complex_stem_units, complex_b*_units, complex_b*_br*_units, cell_width */
const isWidth = (name: string) => /units(_\d+)?$/.test(name) || name === "cell_width";

/**
 * The first configuration a search tries: the MLP family's default network (two ReLU layers of 128 and 64, dropout
 * 0.1, Adam at 1e-3, batch 256) written in the chain space's names, so even a tiny budget ends with a sound model.
 * The L2 penalty is the space's near-zero end, as the MLP's default weight decay is.
 */
const DEFAULT_PARAMS: Params = {
  nas_space: "chain",
  chain_depth: 2,
  ...layer(0, 128),
  ...layer(1, 64),
  optimizer: "adam",
  learning_rate: 1e-3,
  lr_schedule: "constant",
  batch_size: 256,
};

function layer(i: number, units: number): Params {
  return {
    [`chain_units_${i}`]: units,
    [`chain_activation_${i}`]: "relu",
    [`chain_dropout_${i}`]: 0.1,
    [`chain_batch_norm_${i}`]: false,
    [`chain_l2_${i}`]: 1e-5,
  };
}

/**
 * Searched networks (neural architecture search): a trial's params describe a network in one of three spaces
 * (space.ts), trained by the NAS engine (engine/) and kept as a TensorFlow.js layers model (build.ts). See fit.ts.
 */
export const nasFamily: ModelFamily = {
  name: "nas",
  spaceVersion: SPACE_VERSION,
  // patience and the epoch cap are recorded as fixed values so a trial says what it ran with
  defineSpace: (suggest) => ({
    ...defineSpace(suggest),
    patience: suggest.fixed("patience", PATIENCE),
    max_epochs: suggest.fixed("max_epochs", MAX_EPOCHS),
  }),
  defaultParams: () => ({ ...DEFAULT_PARAMS }),
  needsScaledInputs: true,
  fit: fitNas,
  async load(dir, task) {
    const p = await loadNas(dir, task);
    return new FittedNas(p.model, p.arch, p.space, p.task, p.scaler, p.params, p.inherited);
  },
  pausable: true,
  epochCap: (params) => Number(params.max_epochs ?? MAX_EPOCHS),
  lowerFidelity: (params, scale) => narrowerAndShorter(params, scale, isWidth, { patience: PATIENCE, max_epochs: MAX_EPOCHS }),
  inheritsWeights: true,
};

export { FittedNas } from "./fitted";
export { fitNasFrom, type NasFitResult, type ParentNetwork } from "./fit";
