import { deriveSeed } from "../../automl/rng";

/** deriveSeed's output range: [0, 2^31) */
const HASH_RANGE = 2 ** 31;

/** a stable hash of the parts in [0, 1): the same on every machine and in every process */
const unitHash = (...parts: string[]) => deriveSeed(0, "synthetic-objective", ...parts) / HASH_RANGE;

/**
 * A cheap, deterministic stand-in for training a candidate: an "accuracy" in (0.55, 0.95) that is a pure function
 * of the trial's params, for tests about the search (crash and resume) that cannot afford real training.
 *
 * Each param adds one term in [-1, 1]: a number a smooth wave of log1p of its size, with a frequency and phase of its
 * own name (so strategies that model the objective find something to climb); a string or boolean a fixed value per
 * (name, value). Conditional params that were not asked for add nothing, and the key order does not matter.
 */
export function syntheticScore(params: Record<string, unknown>): number {
  const terms = Object.keys(params)
    .sort()
    .flatMap((name) => {
      const value = params[name];
      if (typeof value === "number" && Number.isFinite(value)) {
        const x = Math.sign(value) * Math.log1p(Math.abs(value));
        return [Math.sin((0.5 + unitHash(name, "frequency")) * x + 2 * Math.PI * unitHash(name, "phase"))];
      }
      if (typeof value === "string" || typeof value === "boolean") return [2 * unitHash(name, String(value)) - 1];
      return [];
    });
  const mean = terms.length === 0 ? 0 : terms.reduce((a, b) => a + b, 0) / terms.length;
  return 0.75 + 0.2 * Math.tanh(2 * mean);
}
