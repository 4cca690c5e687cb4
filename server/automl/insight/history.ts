/**
 * The optimisation history: each finished trial's objective by trial number, with the best so far in the run's
 * direction. For the browser a long run is thinned to about MAX_HISTORY_POINTS: every trial that improved the best
 * stays (they make the best-so-far line exact), the others are an even sample.
 */
import { evenSample } from "./even-sample";
import type { Direction, ScoredTrial } from "./types";

export const MAX_HISTORY_POINTS = 500;

export interface HistoryPoint {
  number: number;
  value: number;
  /** the best objective of the trials up to and including this one */
  best: number;
}

export interface History {
  /** by trial number */
  points: HistoryPoint[];
  /** how many finished trials there are in all */
  total: number;
}

export function optimizationHistory(trials: readonly ScoredTrial[], direction: Direction, max = MAX_HISTORY_POINTS): History {
  const sorted = [...trials].sort((a, b) => a.number - b.number);
  const better = (a: number, b: number) => (direction === "min" ? a < b : a > b);
  const improvements: HistoryPoint[] = [];
  const others: HistoryPoint[] = [];
  let best = NaN;
  for (const t of sorted) {
    const improved = Number.isNaN(best) || better(t.value, best);
    if (improved) best = t.value;
    (improved ? improvements : others).push({ number: t.number, value: t.value, best });
  }
  const points = [...improvements, ...evenSample(others, Math.max(0, max - improvements.length))].sort((a, b) => a.number - b.number);
  return { points, total: sorted.length };
}
