/**
 * Successive-halving geometry shared by Hyperband and ASHA (Li et al. 2017; 2020): rungs whose budgets grow by a
 * factor eta, from minEpochs up to maxEpochs; only the best 1/eta of a rung goes on to the next.
 */
import { z } from "zod";

export const RungOptions = z
  .object({
    eta: z.number().int().min(2).max(10).default(3),
    minEpochs: z.number().int().min(1).default(3),
    maxEpochs: z.number().int().min(1).default(81),
  })
  .strict()
  .refine((o) => o.maxEpochs >= o.minEpochs, { message: "maxEpochs must be at least minEpochs" });
export type RungOptions = z.infer<typeof RungOptions>;

/** the number of halvings between minEpochs and maxEpochs: rungs 0..sMax */
export function maxHalvings(o: RungOptions): number {
  let s = 0;
  while (o.minEpochs * o.eta ** (s + 1) <= o.maxEpochs) s++;
  return s;
}

/** the epochs of rung `rung` in a bracket of `halvings` halvings: the last rung gets maxEpochs */
export function rungEpochs(o: RungOptions, halvings: number, rung: number): number {
  return Math.max(1, Math.round(o.maxEpochs / o.eta ** (halvings - rung)));
}

/** how many of `started` trials go on to rung `rung` (at least one, so every bracket ends with a full model) */
export function survivors(o: RungOptions, started: number, rung: number): number {
  return Math.max(1, Math.floor(started / o.eta ** rung));
}
