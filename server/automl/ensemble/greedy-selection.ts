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

/**
 * Greedy selection's honest validation predictions: each fold's rows are predicted by the ensemble greedy selection
 * chooses on the other folds' rows. Chosen and scored on the same predictions, an ensemble looks better than it is: on
 * a few thousand rows it takes in a weak candidate whose errors happen to offset the others' there (telco-churn, seed
 * 0: a member with a test AUC of 0.838 at weight 0.31, the ensemble's test AUC below that of its best member), and
 * the leaderboard would then prefer it for that luck. These predictions score it as the stacker's cross-fitting
 * scores the stacker. `width`: values per row; `scoreOn(rows)` scores predictions of those rows, in that order.
 */
export function crossFittedEnsemble(
  candidates: readonly EnsembleCandidate[],
  width: number,
  folds: readonly (readonly number[])[],
  scoreOn: (rows: readonly number[]) => (pred: Float32Array) => number,
  direction: Direction,
  rounds = 25,
): Float32Array {
  const n = candidates[0].pred.length / width;
  const out = new Float32Array(n * width);
  const rowsOf = (pred: Float32Array, rows: readonly number[]) => {
    const part = new Float32Array(rows.length * width);
    rows.forEach((r, i) => part.set(pred.subarray(r * width, (r + 1) * width), i * width));
    return part;
  };
  for (const held of folds) {
    const heldSet = new Set(held);
    const chooseOn = Array.from({ length: n }, (_, r) => r).filter((r) => !heldSet.has(r));
    const chosen = greedyEnsemble(
      candidates.map((c) => ({ id: c.id, pred: rowsOf(c.pred, chooseOn) })),
      scoreOn(chooseOn),
      direction,
      rounds,
    );
    for (const c of candidates) {
      const weight = chosen.weights.get(c.id);
      if (!weight) continue;
      for (const r of held) for (let j = r * width; j < (r + 1) * width; j++) out[j] += weight * c.pred[j];
    }
  }
  return out;
}
