/**
 * The strategy registry: a run names its strategy ("random", "grid", "coarse_to_fine", "tpe", "gp", "evolution", "rl")
 * and the study gets an instance. Add a strategy by adding one line to `FACTORIES`.
 */
import { ZodError } from "zod";
import { createCoarseToFineStrategy } from "./coarse-to-fine";
import { createEvolutionStrategy } from "./evolution";
import { createGpStrategy } from "./gp";
import { createGridStrategy } from "./grid";
import { createRandomStrategy } from "./random";
import { createRlControllerStrategy } from "./rl-controller";
import { createTpeStrategy } from "./tpe";
import type { Strategy, StrategyFactory } from "./strategy";

export type { FinishedTrial, SampleContext, Strategy, StrategyFactory } from "./strategy";

const FACTORIES: Record<string, StrategyFactory> = {
  random: createRandomStrategy,
  grid: createGridStrategy,
  coarse_to_fine: createCoarseToFineStrategy,
  tpe: createTpeStrategy,
  gp: createGpStrategy,
  evolution: createEvolutionStrategy,
  rl: createRlControllerStrategy,
};

/** the registered strategy names, sorted */
export function strategyNames(): string[] {
  return Object.keys(FACTORIES).sort();
}

/** A new strategy instance; throws with the available names for an unknown one, or on invalid options. */
export function createStrategy(name: string, options?: unknown): Strategy {
  const factory = Object.hasOwn(FACTORIES, name) ? FACTORIES[name] : undefined;
  if (!factory) throw new Error(`unknown strategy ${JSON.stringify(name)}; available: ${strategyNames().join(", ")}`);
  try {
    return factory(options);
  } catch (err) {
    const detail = err instanceof ZodError ? err.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`).join("; ") : String(err instanceof Error ? err.message : err);
    throw new Error(`invalid options for strategy "${name}": ${detail}`);
  }
}
