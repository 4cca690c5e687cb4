import { createRng } from "../rng";

/**
 * A regression model's residuals (actual - predicted) on held-out rows: a sample of points for a residual plot, and a
 * summary over every row: the mean residual (bias), the RMSE, and the mean residual per decile of the prediction, which
 * shows a systematic error (e.g. high values predicted too low) that a mean of ~0 can hide.
 */

export const MAX_RESIDUAL_POINTS = 500;

export interface ResidualPoint {
  predicted: number;
  actual: number;
  /** actual - predicted: positive where the model predicts too low */
  residual: number;
}

export interface ResidualBin {
  /** the lowest and highest prediction in the bin */
  predictedLow: number;
  predictedHigh: number;
  meanResidual: number;
  count: number;
}

export interface ResidualSummary {
  /** a seeded sample of at most maxPoints rows, in row order */
  points: ResidualPoint[];
  rows: number;
  meanResidual: number;
  rmse: number;
  /** the rows sorted by prediction and cut into (at most) 10 bins of equal count, low predictions first */
  bins: ResidualBin[];
}

export function residualSummary(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  opts: { seed: number; maxPoints?: number; bins?: number },
): ResidualSummary {
  const n = actual.length;
  if (predicted.length !== n) throw new Error(`${n} targets for ${predicted.length} predictions`);
  const maxPoints = opts.maxPoints ?? MAX_RESIDUAL_POINTS;
  const residual = (i: number) => actual[i] - predicted[i];
  const point = (i: number): ResidualPoint => ({ predicted: predicted[i], actual: actual[i], residual: residual(i) });

  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    sum += residual(i);
    sq += residual(i) ** 2;
  }

  // a partial Fisher-Yates shuffle picks the sample; sorted back into row order
  let sample: number[];
  if (n <= maxPoints) {
    sample = Array.from({ length: n }, (_, i) => i);
  } else {
    const rng = createRng(opts.seed);
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < maxPoints; i++) {
      const j = rng.int(i, n - 1);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    sample = idx.slice(0, maxPoints).sort((a, b) => a - b);
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => predicted[a] - predicted[b]);
  const k = Math.min(opts.bins ?? 10, n);
  const bins: ResidualBin[] = [];
  for (let b = 0; b < k; b++) {
    const from = Math.floor((b * n) / k);
    const to = Math.floor(((b + 1) * n) / k);
    let s = 0;
    for (let t = from; t < to; t++) s += residual(order[t]);
    bins.push({ predictedLow: predicted[order[from]], predictedHigh: predicted[order[to - 1]], meanResidual: s / (to - from), count: to - from });
  }

  return {
    points: sample.map(point),
    rows: n,
    meanResidual: n === 0 ? NaN : sum / n,
    rmse: n === 0 ? NaN : Math.sqrt(sq / n),
    bins,
  };
}
