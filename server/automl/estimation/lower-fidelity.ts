/**
 * Lower-fidelity estimation: every candidate is first trained cheaply — on half its training rows, for a third of
 * its epochs, with half its units — and only the candidates whose cheap score ranks in the top third of the most
 * recent cheap scores are trained in full (successive halving's screening, with one rung, decided per trial). Recent
 * ones, not all: a search improves as it goes (evolution's children are mutations of the best), so against every
 * score since the start most late candidates would rank high and little would be screened out; a window moves the
 * bar with the search, as aging evolution's population does. The first batch of a
 * run is trained at both fidelities whatever its cheap scores, so the rank correlation between the two is measured
 * on an unselected sample too, not only on the survivors of the screening (whose range is cut).
 *
 * Rankings need not survive lower fidelity (a network that learns slowly, or one that needs its width, ranks low
 * when cheap): `fidelityCheck` reports Spearman's rank correlation over every trial with both scores and warns when
 * it is low.
 */
import type { Direction } from "../space/trial-record";

/** how much of the full-fidelity training a low-fidelity estimate gets */
export interface FidelityScale {
  /** the fraction of the training rows (a seeded sample, at least MIN_ROWS) */
  rows: number;
  /** the fraction of the epoch cap and of early stopping's patience */
  epochs: number;
  /** the fraction of every layer's units */
  width: number;
}

/**
 * Cheaper by about 12x in training steps (rows x epochs x width), before counting the folds and the refit that full
 * estimation adds. Fewer rows also mean fewer steps per epoch, which is why neither cut is deeper.
 */
export const LOW_FIDELITY: FidelityScale = { rows: 1 / 2, epochs: 1 / 3, width: 1 / 2 };
/** fewer training rows than this say little about anything: a smaller fraction of small data is not taken */
export const MIN_ROWS = 500;
/** the share of the recent cheap scores whose candidates are trained in full (Hyperband's eta = 3) */
export const KEEP_FRACTION = 1 / 3;
/** how many of the most recent earlier cheap scores a candidate is ranked against */
export const SCREEN_WINDOW = 11;
/** below this rank correlation, with at least MIN_PAIRS trials, the run warns that the screening is unreliable */
export const LOW_CORRELATION = 0.5;
export const MIN_PAIRS = 5;

/** The training rows a low-fidelity estimate keeps: how many of `available`. */
export function lowFidelityRows(available: number, scale: FidelityScale = LOW_FIDELITY): number {
  return Math.min(available, Math.max(MIN_ROWS, Math.round(available * scale.rows)));
}

/** the scale in words, for a trial's reason: "half the units, a third of the epochs" */
export function describeScale(scale: FidelityScale = LOW_FIDELITY): string {
  return `${fraction(scale.width)} the units, ${fraction(scale.epochs)} of the epochs`;
}

const fraction = (f: number) => (f === 1 / 2 ? "half" : f === 1 / 3 ? "a third" : f === 1 / 4 ? "a quarter" : `${Math.round(f * 100)}% of`);

export interface Screening {
  promote: boolean;
  /** the cheap score's rank among itself and the earlier cheap scores (1: best; ties share the better rank) */
  rank: number;
  of: number;
  /** the ranks that are trained in full */
  kept: number;
}

/**
 * Whether a candidate with cheap score `score` is trained in full, given the cheap scores of the trials before it
 * (oldest first): it must rank in the top third of itself and the last SCREEN_WINDOW of them.
 */
export function screen(score: number, earlier: readonly number[], direction: Direction, calibrating: boolean): Screening {
  const recent = earlier.slice(-SCREEN_WINDOW);
  const better = recent.filter((v) => (direction === "maximize" ? v > score : v < score)).length;
  const of = recent.length + 1;
  const kept = Math.max(1, Math.round(of * KEEP_FRACTION));
  return { promote: calibrating || better < kept, rank: better + 1, of, kept };
}

/** Spearman's rank correlation (average ranks for ties); null with fewer than 3 pairs or when either side is constant. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error(`spearman: ${x.length} and ${y.length} values`);
  if (x.length < 3) return null;
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const mean = (x.length + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) ** 2;
    syy += (ry[i] - mean) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

function averageRanks(v: readonly number[]): number[] {
  const order = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
  const ranks = new Array<number>(v.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && v[order[j + 1]] === v[order[i]]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

export interface FidelityCheck {
  /** Spearman's rank correlation between the low- and full-fidelity validation scores; null while undefined */
  spearman: number | null;
  /** the trials with both scores */
  pairs: number;
  warning: string | null;
}

/** The run's check that rankings survive lower fidelity, over the trials that have both scores. */
export function fidelityCheck(pairs: readonly { low: number; full: number }[]): FidelityCheck {
  const rho = spearman(
    pairs.map((p) => p.low),
    pairs.map((p) => p.full),
  );
  const warning =
    rho !== null && pairs.length >= MIN_PAIRS && rho < LOW_CORRELATION
      ? `Low- and full-fidelity scores rank the ${pairs.length} candidates trained both ways differently (Spearman ${rho.toFixed(2)}): the screening may have discarded good candidates. Prefer full training or learning-curve estimation for this data.`
      : null;
  return { spearman: rho, pairs: pairs.length, warning };
}
