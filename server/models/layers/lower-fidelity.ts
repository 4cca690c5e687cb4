import type { Params } from "../../automl/space/suggest";

/**
 * A network's hyperparameters made cheaper for lower-fidelity estimation (server/automl/estimation/lower-fidelity.ts):
 * every width scaled by `scale.width` (not below the spaces' smallest), and the epoch cap and early stopping's patience by
 * `scale.epochs` (at least 1 and MIN_PATIENCE). `loop` gives the cap and patience a trial's params leave unset.
 */
export function narrowerAndShorter(
  params: Params,
  scale: { width: number; epochs: number },
  isWidth: (name: string) => boolean,
  loop: { patience: number; max_epochs: number },
): Params {
  const out: Params = { ...params };
  for (const [name, value] of Object.entries(params)) {
    if (isWidth(name) && typeof value === "number") out[name] = Math.max(MIN_UNITS, Math.round(value * scale.width));
  }
  out.max_epochs = Math.max(1, Math.round(Number(params.max_epochs ?? loop.max_epochs) * scale.epochs));
  out.patience = Math.max(MIN_PATIENCE, Math.round(Number(params.patience ?? loop.patience) * scale.epochs));
  return out;
}

/** the smallest width the network spaces offer (trials are checked against their space when they are built) */
const MIN_UNITS = 16;
/** fewer epochs of patience than this stop on noise */
const MIN_PATIENCE = 5;
