import { binaryTask, dataset, multiclassTask, regressionTask, split } from "../shared/test-data";

/** Synthetic data sets for the tree families' tests (imported by them only). */

/** an interaction the trees must find: x0 + x1 * x2 + noise > 0 */
export const binaryData = (rows = 2500) => split(binaryTask, dataset(rows, 6, 1, (x, rng) => (x[0] + x[1] * x[2] + 0.3 * rng.normal() > 0 ? 1 : 0)), Math.round(rows * 0.8));
export const multiclassData = () => split(multiclassTask, dataset(2400, 6, 3, (x) => (x[0] + 0.5 * x[1] > 0.6 ? 2 : x[0] - x[2] < -0.4 ? 0 : 1)), 1800);
export const regressionData = () =>
  split(regressionTask, dataset(2500, 6, 2, (x, rng) => 100 + 40 * (x[0] - 0.5 * x[1] + Math.sin(2 * x[2]) + x[3] * x[4] + 0.1 * rng.normal())), 2000);
