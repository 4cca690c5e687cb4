import type { Neighbour } from "./notebook-input";

type Value = string | number | boolean;

export interface ScoredCandidate {
  number: number;
  family: string;
  params: Record<string, Value>;
  valScore: number;
  testScore: number | null;
}

/**
 * The scored candidates closest to `of` in the search space: fewest hyperparameters changed (a parameter one of them
 * lacks counts as changed), then the better validation score; ensembles are left out (their "parameters" are members).
 */
export function nearestCandidates(of: ScoredCandidate, others: readonly ScoredCandidate[], direction: "min" | "max", count = 5): Neighbour[] {
  const sign = direction === "max" ? -1 : 1;
  return others
    .filter((c) => c.number !== of.number)
    .map((c) => ({ c, changes: changes(of.params, c.params) }))
    .sort((a, b) => a.changes.length - b.changes.length || sign * (a.c.valScore - b.c.valScore) || a.c.number - b.c.number)
    .slice(0, count)
    .map(({ c, changes }) => ({ number: c.number, family: c.family, valScore: c.valScore, testScore: c.testScore, changes }));
}

function changes(from: Record<string, Value>, to: Record<string, Value>): Neighbour["changes"] {
  const names = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return names.filter((n) => from[n] !== to[n]).map((n) => ({ name: n, from: from[n] ?? null, to: to[n] ?? null }));
}
