import { z } from "zod";
import type { Params, Suggest } from "../../automl/space/suggest";
import type { Task } from "../family";

export const ACTIVATIONS = ["relu", "elu", "tanh", "gelu", "selu"] as const;
export type Activation = (typeof ACTIVATIONS)[number];
export const BATCH_SIZES = [32, 64, 128, 256, 512] as const;
export const MAX_DEPTH = 4;
/** early stopping's patience and the epoch cap, recorded in every trial as fixed values */
export const PATIENCE = 10;
export const MAX_EPOCHS = 200;

/** Bump when the space below changes. */
export const SPACE_VERSION = "mlp/1";

/**
 * The MLP's search space, asked define-by-run: the width of layer i is only asked when the network has
 * more than i layers. Patience and the epoch cap are recorded as fixed values so a trial says what it ran with.
 */
export function defineSpace(suggest: Suggest, _task: Task): Params {
  const depth = suggest.int("depth", 1, MAX_DEPTH);
  const params: Params = { depth };
  for (let i = 0; i < depth; i++) params[`units_${i}`] = suggest.int(`units_${i}`, 16, 512, { log: true });
  params.activation = suggest.choice("activation", ACTIVATIONS);
  params.dropout = suggest.float("dropout", 0, 0.5);
  params.learning_rate = suggest.float("learning_rate", 1e-4, 3e-2, { log: true });
  params.batch_size = suggest.choice("batch_size", BATCH_SIZES);
  params.weight_decay = suggest.float("weight_decay", 1e-6, 1e-2, { log: true });
  params.batch_norm = suggest.bool("batch_norm");
  params.patience = suggest.fixed("patience", PATIENCE);
  params.max_epochs = suggest.fixed("max_epochs", MAX_EPOCHS);
  return params;
}

/**
 * The first configuration a search tries: a modest two-layer ReLU network with Adam at its usual rate — cheap
 * to train and strong on most tabular data, so even a tiny budget ends with a sound model.
 */
export function defaultParams(_task: Task): Params {
  return { depth: 2, units_0: 128, units_1: 64, activation: "relu", dropout: 0.1, learning_rate: 1e-3, batch_size: 256, weight_decay: 1e-5, batch_norm: false };
}

/** The hyperparameters fit() uses, checked; values missing from older trials take their defaults. */
export const MlpParams = z
  .object({
    depth: z.number().int().min(1).max(MAX_DEPTH),
    activation: z.enum(ACTIVATIONS).default("relu"),
    dropout: z.number().min(0).max(0.95).default(0),
    learning_rate: z.number().positive().default(1e-3),
    batch_size: z.number().int().positive().default(256),
    weight_decay: z.number().min(0).default(0),
    batch_norm: z.boolean().default(false),
    patience: z.number().int().positive().default(PATIENCE),
    max_epochs: z.number().int().positive().default(MAX_EPOCHS),
    units: z.array(z.number().int().positive()),
  })
  .strict();
export type MlpParams = z.infer<typeof MlpParams>;

export function parseParams(params: Params): MlpParams {
  const depth = Number(params.depth ?? 2);
  const units: number[] = [];
  for (let i = 0; i < depth; i++) {
    const u = params[`units_${i}`];
    if (u === undefined) throw new Error(`mlp: missing hyperparameter units_${i} for depth ${depth}`);
    units.push(Number(u));
  }
  const pick = (k: string) => (params[k] === undefined ? undefined : params[k]);
  return MlpParams.parse({
    depth,
    units,
    activation: pick("activation"),
    dropout: pick("dropout"),
    learning_rate: pick("learning_rate"),
    batch_size: pick("batch_size"),
    weight_decay: pick("weight_decay"),
    batch_norm: pick("batch_norm"),
    patience: pick("patience"),
    max_epochs: pick("max_epochs"),
  });
}
