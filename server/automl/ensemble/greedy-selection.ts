/**
 * Greedy ensemble selection with replacement (Caruana et al. 2004, as auto-sklearn and AutoGluon use it): starting
 * from the best single candidate, each round adds the candidate (possibly one already in) whose addition gives the
 * best validation score of the averaged predictions; the weights are how often each was added. Picking with
 * replacement lets a strong candidate weigh more, and stopping at the best round seen keeps the ensemble from
 * getting worse than its best prefix. Predictions are averaged as they are (probabilities, or regression values).
 */
import { isBetter, type Direction } from "../space/trial-record";

export interface EnsembleCandidate {
  id: string;
  /** validation predictions, row-major, the same rows in the same order for every candidate */
  pred: Float32Array;
}

export interface Ensemble {
  /** candidate id -> weight (they sum to 1), in the order they first joined */
  weights: Map<string, number>;
  /** the validation score of the weighted average */
  score: number;
  /** the score after each round (round 1: the best single candidate) */
  history: number[];
}

export function greedyEnsemble(candidates: readonly EnsembleCandidate[], scoreOf: (pred: Float32Array) => number, direction: Direction, rounds = 25): Ensemble {
  if (candidates.length === 0) throw new Error("ensemble: no candidates to choose from");
  const width = candidates[0].pred.length;
  for (const c of candidates) {
    if (c.pred.length !== width) throw new Error(`ensemble: candidate ${c.id} has ${c.pred.length} predictions, the first has ${width}`);
  }
  const sum = new Float64Array(width);
  const trial = new Float32Array(width);
  const counts = new Map<string, number>();
  const history: number[] = [];
  let best: { round: number; counts: Map<string, number> } | null = null;
  for (let round = 1; round <= rounds; round++) {
    let pick: { index: number; score: number } | null = null;
    for (let i = 0; i < candidates.length; i++) {
      const pred = candidates[i].pred;
      for (let k = 0; k < width; k++) trial[k] = (sum[k] + pred[k]) / round;
      const score = scoreOf(trial);
      // ties go to the earlier candidate, so the result does not depend on anything but the order given
      if (Number.isFinite(score) && (!pick || isBetter(direction, score, pick.score))) pick = { index: i, score };
    }
    if (!pick) throw new Error("ensemble: no candidate gives a finite validation score");
    const chosen = candidates[pick.index];
    for (let k = 0; k < width; k++) sum[k] += chosen.pred[k];
    counts.set(chosen.id, (counts.get(chosen.id) ?? 0) + 1);
    history.push(pick.score);
    if (!best || isBetter(direction, pick.score, history[best.round - 1])) best = { round, counts: new Map(counts) };
  }
  const total = best!.round;
  return { weights: new Map([...best!.counts].map(([id, n]) => [id, n / total])), score: history[total - 1], history };
}
