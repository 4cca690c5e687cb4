/**
 * Random search: every hyperparameter independently and uniformly over its distribution — log-uniform
 * for `log` distributions, uniform over the grid for stepped ones, uniform over choices. Stateless.
 */
import { z } from "zod";
import { fromUnit } from "../space/distributions";
import type { Strategy } from "./strategy";

export const randomOptionsSchema = z.object({}).strict();

export function createRandomStrategy(options: unknown = {}): Strategy {
  randomOptionsSchema.parse(options ?? {});
  return {
    name: "random",
    sample(ctx, _name, dist) {
      return fromUnit(dist, ctx.rng.float());
    },
  };
}
