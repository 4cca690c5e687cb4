import type { ProblemType } from "../contracts/dataset";
import { createRng, deriveSeed, type Rng } from "../automl/rng";

export interface SplitInput {
  /** one per table row: class code or target (see encodeLabel) */
  y: Float32Array;
  /** the rows to split: those with a label */
  rows: ArrayLike<number>;
  problemType: ProblemType;
  /** the run's seed; the split draws from its own stream, deriveSeed(seed, "split") */
  seed: number;
  /** share of rows held out from the search, for the final score */
  testFraction?: number;
  /** share of rows the search scores candidates on */
  validFraction?: number;
}

export interface SplitParts {
  train: number[];
  valid: number[];
  test: number[];
}

/**
 * Train / validation / test row indices, seeded and deterministic. Classification is stratified: each class is
 * shuffled and cut on its own, so every part keeps the class balance, and a class with 3 or more rows appears in
 * every part. Indices are sorted, so the stored split reads the table in order. Randomness comes from the search
 * core's seeded generator (sfc32, server/automl/rng.ts), so the split is the same on any machine.
 */
export function makeSplit({ y, rows, problemType, seed, testFraction = 0.2, validFraction = 0.2 }: SplitInput): SplitParts {
  if (testFraction < 0 || validFraction < 0 || testFraction + validFraction >= 1) {
    throw new Error(`makeSplit: test ${testFraction} + valid ${validFraction} must be below 1`);
  }
  const rng = createRng(deriveSeed(seed, "split"));
  const parts: SplitParts = { train: [], valid: [], test: [] };
  const groups = problemType === "regression" ? [Array.from(rows)] : byClass(y, rows);
  for (const group of groups) {
    group.sort((a, b) => a - b); // the caller's order must not change the outcome
    shuffleInPlace(group, rng);
    const [nTest, nValid] = sizes(group.length, testFraction, validFraction);
    parts.test.push(...group.slice(0, nTest));
    parts.valid.push(...group.slice(nTest, nTest + nValid));
    parts.train.push(...group.slice(nTest + nValid));
  }
  for (const p of [parts.train, parts.valid, parts.test]) p.sort((a, b) => a - b);
  return parts;
}

/** Fisher-Yates, in place */
function shuffleInPlace<T>(items: T[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
}

/** rows grouped by class code, classes in code order */
function byClass(y: Float32Array, rows: ArrayLike<number>): number[][] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const c = y[r];
    if (Number.isNaN(c)) continue;
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(r);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((k) => groups.get(k)!);
}

/** test and valid sizes for n rows: rounded shares, at least one each when n ≥ 3, and at least one row left to train */
function sizes(n: number, testFraction: number, validFraction: number): [number, number] {
  let nTest = Math.round(n * testFraction);
  let nValid = Math.round(n * validFraction);
  if (n >= 3) {
    if (testFraction > 0) nTest = Math.max(1, nTest);
    if (validFraction > 0) nValid = Math.max(1, nValid);
  }
  while (nTest + nValid > n - 1 && nTest + nValid > 0) {
    if (nValid >= nTest && nValid > 0) nValid--;
    else nTest--;
  }
  return [nTest, nValid];
}
