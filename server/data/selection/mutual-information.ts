import type { Matrix, Task } from "../../models/family";
import { chiSquareSurvival } from "./chi-square";
import { createRng, deriveSeed } from "../../automl/rng";
import { columnOf, shuffleInPlace } from "./common";

/**
 * Mutual information between each feature and the label, on quantile bins.
 *
 * Continuous features are cut into equal-frequency bins (tied values share a bin, so a 0/1 column keeps 2 bins);
 * a regression target is binned the same way, a class label is used as it is. The number of bins is chosen so that
 * a cell of the feature-by-label table expects about 5 rows or more (at most `maxBins`, default 16, at least 2):
 * classification: n / (5 * classes); regression: sqrt(n / 5) for both the feature and the target.
 *
 * The plug-in estimate is biased upwards, by about df / (2n) with df = (feature bins - 1) * (label bins - 1) (under
 * independence 2n * MI in nats is the G statistic, roughly chi-square with df degrees of freedom). With many sparse
 * cells (a binned regression target) that approximation is off, so the baseline is measured instead: the label is
 * shuffled `permutations` times (seeded) and the MI of features with each shuffled label is computed. The null law
 * of a feature depends only on its bin margins, and equal-frequency bins give continuous features the same margins,
 * so features are grouped by (number of bins, smallest bin size to the nearest power of 2: a rare one-hot column is
 * not pooled with a balanced one) and null values are pooled per group, from its first features only once the group
 * holds `nullSamples` of them (default 400), which keeps the cost near one pass over the data. The reported score
 * is MI minus the mean null MI of its group: pure noise
 * scores about 0. The p-value matches a scaled chi-square a * chi2(nu) to the null mean and variance (Satterthwaite:
 * a = var / (2 mean), nu = 2 mean^2 / var) and evaluates MI / a; it is what the significance cut uses.
 */

export interface MutualInfoOptions {
  /** seeds the label shuffles of the null baseline */
  seed: number;
  /** most bins per feature (and per regression target); default 16 */
  maxBins?: number;
  /** label shuffles for the null baseline; default 20 */
  permutations?: number;
  /** null values to pool per group before its later features are skipped; default 400 */
  nullSamples?: number;
}

export interface MutualInfoResult {
  /** plug-in mutual information, nats */
  mi: Float64Array;
  /** mi minus its mean under independence (the shuffled-label baseline); about 0 for noise */
  corrected: Float64Array;
  /** p-value of independence (scaled chi-square fitted to the shuffled-label baseline) */
  pValue: Float64Array;
  /** degrees of freedom of each feature's table */
  df: Int32Array;
  /** bins used for the feature columns (the upper bound; a column with fewer distinct values uses fewer) */
  featureBins: number;
  /** label levels: classes present, or target bins */
  labelBins: number;
}

/**
 * Equal-frequency bin codes 0..bins-1 of the values; tied values share a bin and empty bins are squeezed out,
 * so `bins` is the number of distinct codes used.
 */
export function quantileBins(values: Float64Array, maxBins: number): { codes: Int32Array; bins: number } {
  const n = values.length;
  const sorted = Float64Array.from(values).sort(); // native numeric sort: no comparator
  // a value's bin is floor(first * maxBins / n), where `first` is the number of values below it (its tie group takes
  // the bin of its first member); that bin is at least b exactly when the value exceeds the ceil(b n / maxBins)-th
  // smallest value, the edge of bin b
  const edges = new Float64Array(Math.max(maxBins - 1, 0));
  for (let b = 1; b < maxBins; b++) edges[b - 1] = sorted[Math.max(0, Math.ceil((b * n) / maxBins) - 1)];
  const raw = new Int32Array(n);
  const used = new Uint8Array(maxBins);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let r = 0;
    while (r < edges.length && edges[r] < v) r++;
    raw[i] = r;
    used[r] = 1;
  }
  const compact = new Int32Array(maxBins);
  let bins = 0;
  for (let r = 0; r < maxBins; r++) if (used[r]) compact[r] = bins++;
  for (let i = 0; i < n; i++) raw[i] = compact[raw[i]];
  return { codes: raw, bins };
}

export function binCounts(n: number, task: Task, classesPresent: number, maxBins = 16): { featureBins: number; labelBins: number } {
  const clamp = (b: number) => Math.max(2, Math.min(maxBins, Math.floor(b)));
  if (task.type === "regression") {
    const b = clamp(Math.sqrt(n / 5));
    return { featureBins: b, labelBins: b };
  }
  return { featureBins: clamp(n / (5 * Math.max(classesPresent, 2))), labelBins: classesPresent };
}

/** the label as compact level codes: classes present (renumbered) or target quantile bins */
function labelLevels(y: Float32Array, task: Task, maxBins: number): { codes: Int32Array; levels: number } {
  const n = y.length;
  if (task.type === "regression") {
    const { labelBins } = binCounts(n, task, 0, maxBins);
    const { codes, bins } = quantileBins(Float64Array.from(y), labelBins);
    return { codes, levels: bins };
  }
  const remap = new Map<number, number>();
  const sorted = Array.from(new Set(y)).sort((a, b) => a - b);
  sorted.forEach((c, i) => remap.set(c, i));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = remap.get(y[i])!;
  return { codes, levels: sorted.length };
}

/** plug-in MI (nats) of two code vectors with the given numbers of levels */
export function mutualInfoOfCodes(a: Int32Array, la: number, b: Int32Array, lb: number): number {
  const n = a.length;
  const joint = new Float64Array(la * lb);
  const ra = new Float64Array(la);
  const rb = new Float64Array(lb);
  for (let i = 0; i < n; i++) {
    joint[a[i] * lb + b[i]]++;
    ra[a[i]]++;
    rb[b[i]]++;
  }
  let mi = 0;
  for (let u = 0; u < la; u++) {
    if (ra[u] === 0) continue;
    for (let v = 0; v < lb; v++) {
      const c = joint[u * lb + v];
      if (c > 0) mi += c * Math.log((c * n) / (ra[u] * rb[v]));
    }
  }
  return Math.max(0, mi / n);
}

export function mutualInformation(x: Matrix, y: Float32Array, task: Task, opts: MutualInfoOptions): MutualInfoResult {
  const n = x.rows;
  const p = x.cols;
  const maxBins = opts.maxBins ?? 16;
  const label = labelLevels(y, task, maxBins);
  const { featureBins } = binCounts(n, task, label.levels, maxBins);
  const rng = createRng(deriveSeed(opts.seed, "mi-null"));
  const shuffled = Array.from({ length: opts.permutations ?? 20 }, () => shuffleInPlace(Int32Array.from(label.codes), rng));

  const mi = new Float64Array(p);
  const df = new Int32Array(p);
  const groupOf: string[] = new Array(p).fill("");
  const nullSamples = opts.nullSamples ?? 400;
  /** per group: sum and sum of squares of the null MIs, and how many */
  const nulls = new Map<string, { s: number; ss: number; k: number }>();
  for (let j = 0; j < p; j++) {
    const { codes, bins } = quantileBins(columnOf(x, j), featureBins);
    df[j] = (bins - 1) * (label.levels - 1);
    if (n === 0 || bins < 2 || label.levels < 2) continue;
    mi[j] = mutualInfoOfCodes(codes, bins, label.codes, label.levels);
    const sizes = new Int32Array(bins);
    for (let i = 0; i < n; i++) sizes[codes[i]]++;
    const group = `${bins}:${Math.round(Math.log2(Math.min(...sizes)))}`;
    groupOf[j] = group;
    const acc = nulls.get(group) ?? { s: 0, ss: 0, k: 0 };
    if (acc.k >= nullSamples) continue;
    for (const perm of shuffled) {
      const v = mutualInfoOfCodes(codes, bins, perm, label.levels);
      acc.s += v;
      acc.ss += v * v;
      acc.k++;
    }
    nulls.set(group, acc);
  }

  const corrected = new Float64Array(p);
  const pValue = new Float64Array(p).fill(1);
  for (let j = 0; j < p; j++) {
    const acc = nulls.get(groupOf[j]);
    if (!acc || acc.k === 0) continue; // constant feature or label: no information, p = 1
    const mean = acc.s / acc.k;
    const variance = acc.k > 1 ? Math.max(0, (acc.ss - acc.k * mean * mean) / (acc.k - 1)) : 0;
    corrected[j] = mi[j] - mean;
    if (variance > 0 && mean > 0) {
      const a = variance / (2 * mean);
      const nu = (2 * mean * mean) / variance;
      pValue[j] = chiSquareSurvival(mi[j] / a, nu);
    } else if (df[j] > 0) pValue[j] = chiSquareSurvival(2 * n * mi[j], df[j]);
  }
  return { mi, corrected, pValue, df, featureBins, labelBins: label.levels };
}
