import type { Direction } from "./run";

/**
 * Score against cost: the Pareto front of a run's finished candidates (DESIGN.md, "Cost-aware choice"). Pure, and in
 * server/contracts because the run page computes it in the browser for whichever cost the user picks; the server
 * may import it from here too (one copy).
 */

/** a candidate's validation score and one of its costs (lower is better); a missing or non-finite cost leaves it out */
export interface ParetoPoint {
  id: string;
  score: number | null;
  cost: number | null;
}

/** whether a point has a usable score and cost */
export const paretoEligible = (p: ParetoPoint): p is ParetoPoint & { score: number; cost: number } =>
  p.score !== null && Number.isFinite(p.score) && p.cost !== null && Number.isFinite(p.cost);

/**
 * The ids on the Pareto front: the points no other point dominates, where a point dominates another when it is at
 * least as good on both score (in the metric's direction) and cost (lower is better) and strictly better on one.
 * Equal points (same score and cost) do not dominate each other: all of them are on the front. Points without a
 * finite score or cost are left out. The ids come in order of increasing cost (input order among equal costs), so
 * the score improves along them, strictly.
 */
export function paretoFront(points: readonly ParetoPoint[], direction: Direction): string[] {
  const sign = direction === "max" ? 1 : -1;
  const eligible = points
    .map((p, index) => ({ p, index }))
    .filter(({ p }) => paretoEligible(p))
    .map(({ p, index }) => ({ id: p.id, cost: p.cost as number, good: sign * (p.score as number), index }));
  eligible.sort((a, b) => a.cost - b.cost || a.index - b.index);
  const front: string[] = [];
  // the best score among points of strictly lower cost than the current group
  let bestCheaper = -Infinity;
  for (let i = 0; i < eligible.length; ) {
    let j = i;
    while (j < eligible.length && eligible[j].cost === eligible[i].cost) j++;
    const group = eligible.slice(i, j);
    const groupBest = Math.max(...group.map((e) => e.good));
    // a point in the group is dominated by a cheaper one as good or better, or by one of the same cost that is better
    if (groupBest > bestCheaper) for (const e of group) if (e.good === groupBest) front.push(e.id);
    bestCheaper = Math.max(bestCheaper, groupBest);
    i = j;
  }
  return front;
}
