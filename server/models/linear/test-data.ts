import type { FitInput } from "../family";
import { binaryTask, dataset, multiclassTask, regressionTask, split } from "../shared/test-data";

/** Synthetic data sets for this folder's tests (imported by them only). */

/** the same data with no validation rows */
export const withoutValidation = (input: FitInput): FitInput => ({ ...input, xVal: { rows: 0, cols: input.xTrain.cols, data: new Float32Array(0) }, yVal: new Float32Array(0) });

/** the coefficients of regressionData's target */
export const TRUE_COEF = [3, -2, 1.5, 0, 0.5, -1];
export const TRUE_INTERCEPT = 10;

/** y = 10 + x . TRUE_COEF + N(0, 0.5²) */
export const regressionData = (rows = 2500, seed = 2) =>
  split(
    regressionTask,
    dataset(rows, TRUE_COEF.length, seed, (x, rng) => TRUE_INTERCEPT + TRUE_COEF.reduce((s, b, j) => s + b * x[j], 0) + 0.5 * rng.normal()),
    Math.round(rows * 0.8),
  );

/** 10 features of which the first 3 matter: y = 2 x0 - 1.5 x1 + x2 + N(0, 0.3²) */
export const sparseData = () => split(regressionTask, dataset(1500, 10, 5, (x, rng) => 2 * x[0] - 1.5 * x[1] + x[2] + 0.3 * rng.normal()), 1200);

/** a noisy linear boundary: x0 - x1 + 0.5 x2 + N(0, 0.5²) > 0 */
export const binaryData = (rows = 2500) => split(binaryTask, dataset(rows, 6, 1, (x, rng) => (x[0] - x[1] + 0.5 * x[2] + 0.5 * rng.normal() > 0 ? 1 : 0)), Math.round(rows * 0.8));

/** three classes by the largest of three linear scores, with a little noise */
export const multiclassData = () =>
  split(
    multiclassTask,
    dataset(2400, 5, 3, (x, rng) => {
      const s = [x[0] + 0.3 * rng.normal(), x[1] - 0.5 * x[0] + 0.3 * rng.normal(), -x[1] + 0.5 * x[2] + 0.3 * rng.normal()];
      return s.indexOf(Math.max(...s));
    }),
    1800,
  );
