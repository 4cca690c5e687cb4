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
  /** share of rows the search scores candidates on; 0 when the search cross-validates on the training rows */
  validFraction?: number;
  /** one group code per table row, -1 where missing: a group's rows all land in the same part */
  groups?: Int32Array;
  /** one orderable value per table row (e.g. ms since epoch), NaN where missing: the latest rows are held out */
  time?: Float64Array;
}

export interface SplitParts {
  train: number[];
  valid: number[];
  test: number[];
}

/**
 * Train / validation / test row indices, seeded and deterministic, each part sorted so the stored split reads the
 * table in order. Randomness comes from the search core's seeded generator (sfc32, server/automl/rng.ts), so the split
 * is the same on any machine. Three ways, at most one of `groups` and `time`:
 * - neither: classification is stratified (each class shuffled and cut on its own, so every part keeps the class
 *   balance and a class with 3 or more rows appears in every part); regression is shuffled and cut.
 * - groups: whole groups are dealt to the parts, so rows of one group (a patient, a customer) never sit on both sides
 *   of a score. Not stratified: groups can't be cut to keep a class balance.
 * - time: the latest rows are test, the ones before them valid, the rest train, as the model will be used.
 * The test rows depend only on the seed, the rows and testFraction, never on validFraction: a run that cross-validates
 * (validFraction 0) holds out exactly the test rows a holdout run would.
 */
export function makeSplit({ y, rows, problemType, seed, testFraction = 0.2, validFraction = 0.2, groups, time }: SplitInput): SplitParts {
  if (testFraction < 0 || validFraction < 0 || testFraction + validFraction >= 1) {
    throw new Error(`makeSplit: test ${testFraction} + valid ${validFraction} must be below 1`);
  }
  if (groups && time) throw new Error("makeSplit: give a group column or a time column, not both");
  if (groups && groups.length !== y.length) throw new Error(`makeSplit: ${groups.length} group codes for ${y.length} rows`);
  if (time && time.length !== y.length) throw new Error(`makeSplit: ${time.length} time values for ${y.length} rows`);
  const rng = createRng(deriveSeed(seed, "split"));
  const parts = groups
    ? groupSplit(rows, groups, rng, testFraction, validFraction)
    : time
      ? timeSplit(rows, time, testFraction, validFraction)
      : randomSplit(problemType === "regression" ? [Array.from(rows)] : byClass(y, rows), rng, testFraction, validFraction);
  for (const p of [parts.train, parts.valid, parts.test]) p.sort((a, b) => a - b);
  return parts;
}

/** each stratum shuffled and cut on its own */
function randomSplit(strata: number[][], rng: Rng, testFraction: number, validFraction: number): SplitParts {
  const parts: SplitParts = { train: [], valid: [], test: [] };
  for (const stratum of strata) {
    stratum.sort((a, b) => a - b); // the caller's order must not change the outcome
    shuffleInPlace(stratum, rng);
    const [nTest, nValid] = sizes(stratum.length, testFraction, validFraction);
    // a loop, not push(...rows): spreading 200k+ arguments overflows the stack
    stratum.forEach((r, i) => (i < nTest ? parts.test : i < nTest + nValid ? parts.valid : parts.train).push(r));
  }
  return parts;
}

/** groups in seeded order fill test, then valid, each until it reaches its share of rows; at least one group trains */
function groupSplit(rows: ArrayLike<number>, codes: Int32Array, rng: Rng, testFraction: number, validFraction: number): SplitParts {
  const units = rowGroups(rows, codes);
  shuffleInPlace(units, rng);
  const [nTest, nValid] = sizes(rows.length, testFraction, validFraction);
  let next = 0;
  const fill = (target: number) => {
    const part: number[] = [];
    while (part.length < target && next < units.length - 1) for (const r of units[next++]) part.push(r);
    return part;
  };
  const test = fill(nTest);
  const valid = fill(nValid);
  return { train: units.slice(next).flat(), valid, test };
}

/**
 * Rows in time order (ties by row index): the latest share is test, the share before it valid. Shares are of the rows
 * with a time; rows without one can't be placed before or after anything, so they train, where they can't leak the future
 * into a score.
 */
function timeSplit(rows: ArrayLike<number>, time: Float64Array, testFraction: number, validFraction: number): SplitParts {
  const timed: number[] = [];
  const untimed: number[] = [];
  for (let i = 0; i < rows.length; i++) (Number.isNaN(time[rows[i]]) ? untimed : timed).push(rows[i]);
  timed.sort((a, b) => time[a] - time[b] || a - b);
  const [nTest, nValid] = sizes(timed.length, testFraction, validFraction);
  const cut = timed.length - nTest - nValid;
  return { train: [...timed.slice(0, cut), ...untimed], valid: timed.slice(cut, cut + nValid), test: timed.slice(cut + nValid) };
}

/** Fisher-Yates, in place */
export function shuffleInPlace<T>(items: T[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
}

/** rows grouped by class code, classes in code order; rows without a class are left out */
export function byClass(y: Float32Array, rows: ArrayLike<number>): number[][] {
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

/**
 * The rows of each group, ascending, groups in order of their first row (so the caller's row order doesn't matter).
 * A row with a missing group (-1) is a group of its own: it belongs with no other row.
 */
export function rowGroups(rows: ArrayLike<number>, codes: Int32Array): number[][] {
  const sorted = Array.from(rows).sort((a, b) => a - b);
  const units: number[][] = [];
  const byCode = new Map<number, number[]>();
  for (const r of sorted) {
    const code = codes[r];
    if (code === -1) {
      units.push([r]);
      continue;
    }
    let unit = byCode.get(code);
    if (!unit) {
      byCode.set(code, (unit = []));
      units.push(unit);
    }
    unit.push(r);
  }
  return units;
}

/**
 * Test and valid sizes for n rows: rounded shares, at least one each when n ≥ 3, and at least one row left to train.
 * Test is sized first and alone, so validFraction never changes which rows are test.
 */
function sizes(n: number, testFraction: number, validFraction: number): [number, number] {
  const nTest = share(n, testFraction, n - 1);
  return [nTest, share(n, validFraction, n - 1 - nTest)];
}

/** n × fraction rounded, at least 1 when n ≥ 3 and the fraction isn't 0, at most `cap` */
function share(n: number, fraction: number, cap: number): number {
  const k = Math.round(n * fraction);
  return Math.max(0, Math.min(n >= 3 && fraction > 0 ? Math.max(1, k) : k, cap));
}
