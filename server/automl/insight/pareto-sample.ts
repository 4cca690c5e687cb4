/**
 * The candidates a score-against-cost chart needs, thinned for the browser: every candidate on the Pareto front of
 * any cost (among those that meet the run's constraints) stays, so each cost's front is exact; the others are an
 * even sample up to `max` in all. The chart dims and samples the dominated points anyway: 10,000 of them would send
 * megabytes to draw a grey cloud.
 */
import { paretoFront } from "../../contracts/pareto";
import { evenSample } from "./even-sample";
import type { Direction } from "./types";

export const MAX_PARETO_POINTS = 500;

export interface CostedCandidate {
  id: string;
  number: number;
  valScore: number | null;
  infeasibleReason: string | null;
}

export function paretoSample<T extends CostedCandidate>(candidates: readonly T[], costs: readonly ((c: T) => number | null)[], direction: Direction, max = MAX_PARETO_POINTS): T[] {
  if (candidates.length <= max) return [...candidates];
  const feasible = candidates.filter((c) => c.infeasibleReason === null);
  const onAFront = new Set(costs.flatMap((cost) => paretoFront(feasible.map((c) => ({ id: c.id, score: c.valScore, cost: cost(c) })), direction)));
  const rest = candidates.filter((c) => !onAFront.has(c.id));
  return [...candidates.filter((c) => onAFront.has(c.id)), ...evenSample(rest, Math.max(0, max - onAFront.size))].sort((a, b) => a.number - b.number);
}
