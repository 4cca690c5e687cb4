import type { FitInput } from "../family";
import { binaryTask, dataset, multiclassTask, regressionTask, split } from "../shared/test-data";

/** Synthetic data sets for the tree families' tests (imported by them only). */

/** an interaction the trees must find: x0 + x1 * x2 + noise > 0 */
export const binaryData = (rows = 2500) => split(binaryTask, dataset(rows, 6, 1, (x, rng) => (x[0] + x[1] * x[2] + 0.3 * rng.normal() > 0 ? 1 : 0)), Math.round(rows * 0.8));
export const multiclassData = () => split(multiclassTask, dataset(2400, 6, 3, (x) => (x[0] + 0.5 * x[1] > 0.6 ? 2 : x[0] - x[2] < -0.4 ? 0 : 1)), 1800);
export const regressionData = () =>
  split(regressionTask, dataset(2500, 6, 2, (x, rng) => 100 + 40 * (x[0] - 0.5 * x[1] + Math.sin(2 * x[2]) + x[3] * x[4] + 0.1 * rng.normal())), 2000);

/** codes of categoricalData's column 0 whose rows are mostly positive: no order of the codes separates them */
export const POSITIVE_CODES = [3, 7, 11, 12, 16, 19];

/**
 * Column 0 holds a category code 0..19 (-1, "no category", in 5% of rows, which behave like the positive codes); the
 * label is 1 with probability 0.9 for POSITIVE_CODES and 0.1 for the others. Columns 1-3 are noise.
 */
export function categoricalData(): FitInput & { categorical: (number | null)[] } {
  const d = dataset(5000, 4, 21, (x, rng) => {
    const missing = rng.float() < 0.05;
    x[0] = missing ? -1 : Math.floor(rng.float() * 20);
    const p = missing || POSITIVE_CODES.includes(x[0]) ? 0.9 : 0.1;
    return rng.float() < p ? 1 : 0;
  });
  return { ...split(binaryTask, d, 4000), categorical: [20, null, null, null] };
}
