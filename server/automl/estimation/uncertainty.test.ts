import { describe, expect, it } from "vitest";
import type { Task } from "../../models/family";
import { createRng, type Rng } from "../rng";
import { METRICS_BY_TASK, score } from "./metrics";
import { countScorer, scoreStdError, validationOverfit } from "./uncertainty";

const binary: Task = { type: "binary", classes: ["no", "yes"] };
const regression: Task = { type: "regression", classes: [] };

/** n rows of a binary problem a model separates imperfectly: labels, and rows x 2 probabilities */
function binaryPredictions(n: number, seed: number, positiveRate = 0.5): { y: Float32Array; pred: Float32Array } {
  const rng = createRng(seed);
  const y = new Float32Array(n);
  const pred = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.float() < positiveRate ? 1 : 0;
    const p = 1 / (1 + Math.exp(-(2 * y[i] - 1 + rng.normal(0, 1.5))));
    pred[2 * i] = 1 - p;
    pred[2 * i + 1] = p;
  }
  return { y, pred };
}

describe("scoreStdError", () => {
  for (const metric of ["accuracy", "auc", "logloss"] as const) {
    it(`${metric}: shrinks as 1/sqrt(n)`, () => {
      const small = binaryPredictions(400, 1);
      const large = binaryPredictions(1600, 2);
      const ratio = scoreStdError(metric, binary, small.y, small.pred, 7) / scoreStdError(metric, binary, large.y, large.pred, 7);
      expect(ratio).toBeGreaterThan(2 * 0.7);
      expect(ratio).toBeLessThan(2 * 1.3);
    });
  }

  it("is deterministic for a seed", () => {
    const { y, pred } = binaryPredictions(500, 3);
    const a = scoreStdError("f1", binary, y, pred, 11);
    expect(scoreStdError("f1", binary, y, pred, 11)).toBe(a);
    expect(scoreStdError("f1", binary, y, pred, 12)).not.toBe(a);
    expect(a).toBeGreaterThan(0);
  });

  it("matches the textbook SE of a mean for regression MAE", () => {
    const rng = createRng(5);
    const n = 2000;
    const y = Float32Array.from({ length: n }, () => rng.normal(0, 10));
    const pred = Float32Array.from(y, (v) => v + rng.normal(0, 2));
    const absErr = Array.from(y, (v, i) => Math.abs(v - pred[i]));
    const mean = absErr.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(absErr.reduce((a, e) => a + (e - mean) ** 2, 0) / (n - 1));
    expect(scoreStdError("mae", regression, y, pred, 1, 400)).toBeCloseTo(sd / Math.sqrt(n), 2);
  });

  it("skips resamples where the metric is undefined, and is NaN when none is defined", () => {
    // 2 positives in 40 rows: about 13% of resamples draw none and have no AUC
    const { y, pred } = binaryPredictions(40, 4, 0);
    y[3] = 1;
    y[17] = 1;
    expect(Number.isFinite(scoreStdError("auc", binary, y, pred, 1))).toBe(true);
    y.fill(0);
    expect(scoreStdError("auc", binary, y, pred, 1)).toBeNaN();
  });

  for (const metric of ["accuracy", "auc", "logloss"] as const) {
    it(`${metric} on 100k rows and 200 resamples is fast`, () => {
      const { y, pred } = binaryPredictions(100_000, 8);
      const started = performance.now();
      expect(scoreStdError(metric, binary, y, pred, 1)).toBeGreaterThan(0);
      // a few hundred ms on an idle core (sorting per resample took seconds); the bound leaves room for a loaded machine
      expect(performance.now() - started).toBeLessThan(5000);
    });
  }
});

describe("countScorer equals score on the materialised resample", () => {
  const multiclass: Task = { type: "multiclass", classes: ["a", "b", "c"] };
  /** a task's labels and predictions, probabilities rounded to 0.1 so that AUC and PR-AUC meet ties */
  function data(task: Task, n: number, rng: Rng): { y: Float32Array; pred: Float32Array } {
    if (task.type === "regression") {
      const y = Float32Array.from({ length: n }, () => 1000 + rng.normal(0, 5));
      return { y, pred: Float32Array.from(y, (v) => v + rng.normal(0, 3)) };
    }
    const k = task.type === "binary" ? 2 : task.classes.length;
    const y = Float32Array.from({ length: n }, () => rng.int(0, k - 1));
    const pred = new Float32Array(n * k);
    for (let i = 0; i < n; i++) {
      const raw = Array.from({ length: k }, (_, c) => Math.round(10 * (rng.float() + (c === y[i] ? 0.5 : 0))) + 1);
      const total = raw.reduce((a, b) => a + b, 0);
      raw.forEach((v, c) => (pred[i * k + c] = v / total));
    }
    return { y, pred };
  }

  for (const task of [binary, multiclass, regression]) {
    for (const metric of METRICS_BY_TASK[task.type]) {
      it(`${task.type} ${metric}`, () => {
        const rng = createRng(21);
        const n = 300;
        const k = task.type === "regression" ? 1 : task.type === "binary" ? 2 : 3;
        const { y, pred } = data(task, n, rng);
        const scorer = countScorer(metric, task, y, pred);
        for (let trial = 0; trial < 5; trial++) {
          const counts = new Uint32Array(n);
          for (let i = 0; i < n; i++) counts[rng.int(0, n - 1)]++;
          const rows = Array.from(counts).flatMap((c, i) => Array<number>(c).fill(i));
          const yB = Float32Array.from(rows, (r) => y[r]);
          const pB = Float32Array.from(rows.flatMap((r) => Array.from(pred.subarray(r * k, (r + 1) * k))));
          expect(scorer(counts)).toBeCloseTo(score(metric, task, yB, pB), 9);
        }
      });
    }
  }
});

describe("validationOverfit", () => {
  it("flags a gap beyond two standard errors of the difference, not one within", () => {
    const tight = validationOverfit({ metric: "auc", val: 0.81, valSe: 0.01, test: 0.76, testSe: 0.01 });
    expect(tight.overfit).toBe(true);
    expect(tight.gap).toBeCloseTo(0.05, 10);
    expect(tight.threshold).toBeCloseTo(2 * Math.sqrt(2) * 0.01, 10);
    expect(validationOverfit({ metric: "auc", val: 0.81, valSe: 0.03, test: 0.76, testSe: 0.03 }).overfit).toBe(false);
  });

  it("respects the metric's direction: for logloss a lower validation score is the better one", () => {
    const overfit = validationOverfit({ metric: "logloss", val: 0.3, valSe: 0.01, test: 0.4, testSe: 0.01 });
    expect(overfit).toMatchObject({ overfit: true });
    expect(overfit.gap).toBeCloseTo(0.1, 10);
    // test better than validation is never overfitting
    const luckyTest = validationOverfit({ metric: "logloss", val: 0.4, valSe: 0.01, test: 0.3, testSe: 0.01 });
    expect(luckyTest.overfit).toBe(false);
    expect(luckyTest.gap).toBeCloseTo(-0.1, 10);
  });
});
