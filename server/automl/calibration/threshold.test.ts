import { describe, expect, it } from "vitest";
import type { Task } from "../../models/family";
import { score } from "../estimation/metrics";
import { createRng } from "../rng";
import { isThresholdMetric, tuneThreshold } from "./threshold";

const binary: Task = { type: "binary", classes: ["no", "yes"] };
const twoColumns = (p1: ArrayLike<number>) => Float32Array.from(Array.from(p1).flatMap((p) => [1 - p, p]));

describe("decision threshold tuning", () => {
  it("hand-computed: every positive scores below 0.5 but above every negative", () => {
    const y = [0, 0, 1, 1, 0];
    const p1 = [0.1, 0.3, 0.35, 0.4, 0.2];
    expect(tuneThreshold("f1", y, p1)).toEqual({ metric: "f1", threshold: 0.35, atDefault: 0, atTuned: 1 });
    expect(tuneThreshold("accuracy", y, p1)).toEqual({ metric: "accuracy", threshold: 0.35, atDefault: 0.6, atTuned: 1 });
    expect(tuneThreshold("balanced_accuracy", y, p1)).toMatchObject({ threshold: 0.35, atDefault: 0.5, atTuned: 1 });
  });

  it("ties go to the threshold closest to 0.5", () => {
    // any threshold in (0.2, 0.8] separates the rows: 0.5 is one of them
    expect(tuneThreshold("f1", [0, 1], [0.2, 0.8]).threshold).toBe(0.5);
    // (0.1, 0.3] all tie, and 0.3 is the closest to 0.5
    expect(tuneThreshold("accuracy", [0, 1, 1], [0.1, 0.3, 0.45]).threshold).toBe(0.3);
  });

  it("on imbalanced data, moves well below 0.5 and raises F1 (as metrics.ts scores it)", () => {
    const rng = createRng(7);
    const n = 3000;
    const y = new Float32Array(n);
    const p1 = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rng.float() < 0.1 ? 1 : 0;
      const z = y[i] === 1 ? rng.normal(-0.5, 1) : rng.normal(-3, 1);
      p1[i] = 1 / (1 + Math.exp(-z));
    }
    const tuned = tuneThreshold("f1", y, p1);
    expect(tuned.threshold).toBeLessThan(0.35);
    expect(tuned.atTuned).toBeGreaterThan(tuned.atDefault + 0.1);
    const probs = twoColumns(p1);
    expect(tuned.atDefault).toBeCloseTo(score("f1", binary, y, probs, { threshold: 0.5 }), 12);
    expect(tuned.atTuned).toBeCloseTo(score("f1", binary, y, probs, { threshold: tuned.threshold }), 12);
    const balanced = tuneThreshold("balanced_accuracy", y, p1);
    expect(balanced.atTuned).toBeCloseTo(score("balanced_accuracy", binary, y, probs, { threshold: balanced.threshold }), 12);
    expect(balanced.atTuned).toBeGreaterThan(balanced.atDefault);
  });

  it("thins many distinct values to quantiles and still never scores below 0.5's", () => {
    const rng = createRng(8);
    const y = Array.from({ length: 5000 }, () => (rng.float() < 0.5 ? 1 : 0));
    const p1 = y.map((v) => Math.min(1, Math.max(0, 0.5 + (v - 0.5) * 0.2 + rng.normal(0, 0.2))));
    const tuned = tuneThreshold("accuracy", y, p1);
    expect(tuned.atTuned).toBeGreaterThanOrEqual(tuned.atDefault);
    expect(Math.abs(tuned.threshold - 0.5)).toBeLessThan(0.1);
  });

  it("knows which metrics it applies to", () => {
    expect(isThresholdMetric("f1")).toBe(true);
    expect(isThresholdMetric("auc")).toBe(false);
  });
});
