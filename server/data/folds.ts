import { z } from "zod";
import type { ProblemType } from "../contracts/dataset";
import { createRng, deriveSeed, type Rng } from "../automl/rng";
import { DataError } from "./data-error";
import { byClass, rowGroups, shuffleInPlace } from "./split";

/** Cross-validation folds as stored with a run's split: each fold's validation rows, ascending. */
export const Folds = z.array(z.array(z.number().int().nonnegative())).min(2);
export type Folds = z.infer<typeof Folds>;

/** What a cross-validated run adds to its stored split; extend the stored Split schema with `.extend(SplitFolds.shape)`. */
export const SplitFolds = z.object({ folds: Folds.optional() });

export interface FoldsInput {
  /** one per table row: class code or target (see encodeLabel) */
  y: Float32Array;
  /** the rows to fold: the non-test rows (a split made with validFraction 0 gives them as its train part) */
  rows: ArrayLike<number>;
  problemType: ProblemType;
  /** the run's seed; folds draw from their own stream, deriveSeed(seed, "folds"), so the split's stays untouched */
  seed: number;
  /** number of folds, 2 or more */
  k: number;
  /** one group code per table row, -1 where missing (that row is then its own group) */
  groups?: Int32Array;
}

/**
 * k disjoint validation folds that together cover `rows`, each sorted; a candidate trains on the other k - 1 folds.
 * Classification is stratified: each class is shuffled and dealt round-robin, the deal going on where the last
 * class stopped, so each fold holds every class within one row of its share and fold sizes differ by one at most.
 * Regression is shuffled and cut into near-equal parts. With groups, whole groups go to the fold with fewest rows,
 * largest groups first (ties in seeded order), as scikit-learn's GroupKFold does, so no group is on both sides of a score.
 */
export function makeFolds({ y, rows, problemType, seed, k, groups }: FoldsInput): number[][] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`makeFolds: k must be an integer of 2 or more, got ${k}`);
  if (groups && groups.length !== y.length) throw new Error(`makeFolds: ${groups.length} group codes for ${y.length} rows`);
  const rng = createRng(deriveSeed(seed, "folds"));
  const folds = groups
    ? groupFolds(rowGroups(rows, groups), k, rng)
    : dealFolds(problemType === "regression" ? [Array.from(rows)] : byClass(y, rows), k, rng);
  for (const fold of folds) fold.sort((a, b) => a - b);
  return folds;
}

/** strata shuffled and dealt round-robin; one stratum dealt this way is the same as cut into near-equal parts */
function dealFolds(strata: number[][], k: number, rng: Rng): number[][] {
  const n = strata.reduce((sum, s) => sum + s.length, 0);
  if (n < k) throw new DataError(`Cross-validation needs at least one row per fold: ${n} rows can't make ${k} folds.`);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const stratum of strata) {
    stratum.sort((a, b) => a - b); // the caller's order must not change the outcome
    shuffleInPlace(stratum, rng);
    for (const r of stratum) {
      folds[next].push(r);
      next = (next + 1) % k;
    }
  }
  return folds;
}

function groupFolds(units: number[][], k: number, rng: Rng): number[][] {
  if (units.length < k) {
    throw new DataError(`Cross-validation keeps each group in one fold: ${units.length} groups can't make ${k} folds.`);
  }
  shuffleInPlace(units, rng);
  units.sort((a, b) => b.length - a.length); // stable: equal sizes keep the seeded order
  const folds: number[][] = Array.from({ length: k }, () => []);
  for (const unit of units) {
    let smallest = 0;
    for (let f = 1; f < k; f++) if (folds[f].length < folds[smallest].length) smallest = f;
    for (const r of unit) folds[smallest].push(r);
  }
  return folds;
}
