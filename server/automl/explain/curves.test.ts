import { describe, expect, it } from "vitest";
import type { Task } from "../../models/family";
import { score } from "../estimation/metrics";
import { createRng } from "../rng";
import { confusionMatrix, prCurve, rocCurve, thin } from "./curves";

const binary: Task = { type: "binary", classes: ["no", "yes"] };
/** the metrics' input: rows x 2 probabilities */
const asPred = (p1: ArrayLike<number>) => Float32Array.from({ length: p1.length * 2 }, (_, i) => (i % 2 === 1 ? p1[(i - 1) / 2] : 1 - p1[i / 2]));

describe("ROC and precision-recall curves", () => {
  // scikit-learn's documentation example: roc_auc_score 0.75, average_precision_score 0.8333
  const y = [0, 0, 1, 1];
  const s = [0.1, 0.4, 0.35, 0.8];

  it("match scikit-learn on its documented example", () => {
    const roc = rocCurve(y, s);
    expect(roc.points).toEqual([
      { fpr: 0, tpr: 0, threshold: null },
      { fpr: 0, tpr: 0.5, threshold: 0.8 },
      { fpr: 0.5, tpr: 0.5, threshold: 0.4 },
      { fpr: 0.5, tpr: 1, threshold: 0.35 },
      { fpr: 1, tpr: 1, threshold: 0.1 },
    ]);
    expect(roc.auc).toBeCloseTo(0.75, 12);
    const pr = prCurve(y, s);
    expect(pr.points.map((p) => [p.recall, p.precision])).toEqual([
      [0, 1],
      [0.5, 1],
      [0.5, 0.5],
      [1, 2 / 3],
      [1, 0.5],
    ]);
    expect(pr.averagePrecision).toBeCloseTo(5 / 6, 12);
  });

  it("have the areas of the run's metrics (auc, pr_auc) on larger data with ties, and are thinned to 200 points", () => {
    const rng = createRng(3);
    const n = 5000;
    const yy = new Float32Array(n);
    const p1 = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      yy[i] = rng.float() < 0.3 ? 1 : 0;
      // rounded, so that many scores tie
      p1[i] = Math.round(100 * Math.min(1, Math.max(0, 0.35 + 0.25 * (yy[i] - 0.3) + 0.2 * rng.normal()))) / 100;
    }
    for (const scores of [p1, Float32Array.from(p1, (v, i) => v + i * 1e-7)]) {
      const roc = rocCurve(yy, scores);
      const pr = prCurve(yy, scores);
      expect(roc.auc).toBeCloseTo(score("auc", binary, yy, asPred(scores)), 10);
      expect(pr.averagePrecision).toBeCloseTo(score("pr_auc", binary, yy, asPred(scores)), 10);
      expect(roc.points.length).toBeLessThanOrEqual(200);
      expect(pr.points.length).toBeLessThanOrEqual(200);
      expect(roc.points[0]).toMatchObject({ fpr: 0, tpr: 0 });
      expect(roc.points.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
      expect(pr.points.at(-1)!.recall).toBe(1);
      for (let i = 1; i < roc.points.length; i++) {
        expect(roc.points[i].fpr).toBeGreaterThanOrEqual(roc.points[i - 1].fpr);
        expect(roc.points[i].tpr).toBeGreaterThanOrEqual(roc.points[i - 1].tpr);
      }
    }
  });

  it("are empty, with an undefined area, when a class is missing", () => {
    expect(rocCurve([1, 1, 1], [0.2, 0.5, 0.9])).toEqual({ points: [], auc: NaN });
    expect(prCurve([0, 0], [0.2, 0.5])).toEqual({ points: [], averagePrecision: NaN });
    expect(prCurve([1, 1], [0.2, 0.5]).averagePrecision).toBe(1);
  });

  it("thin keeps the extremes and spaces the rest evenly", () => {
    const xs = Array.from({ length: 1001 }, (_, i) => i);
    const t = thin(xs, 11);
    expect(t).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(thin([1, 2, 3], 200)).toEqual([1, 2, 3]);
  });
});

describe("confusion matrix", () => {
  it("counts rows by true class (rows) and predicted class (columns)", () => {
    // scikit-learn's documentation example
    expect(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], 3)).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    expect(confusionMatrix([0, 1], [1, 1], 3)).toEqual([
      [0, 1, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
  });
});
