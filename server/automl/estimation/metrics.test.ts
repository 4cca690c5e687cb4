import { describe, expect, it } from "vitest";
import type { Task } from "../../models/family";
import { createRng } from "../rng";
import { allMetrics, greaterIsBetter, score } from "./metrics";

const binary: Task = { type: "binary", classes: ["no", "yes"] };
const multiclass: Task = { type: "multiclass", classes: ["a", "b", "c"] };
const regression: Task = { type: "regression", classes: [] };
const f32 = (a: number[]) => Float32Array.from(a);
/** binary probabilities rows x 2 from the positive-class column */
const twoColumns = (p1: number[]) => f32(p1.flatMap((p) => [1 - p, p]));

describe("binary metrics (hand-computed; scikit-learn's documented examples)", () => {
  const y = f32([0, 0, 1, 1]);
  const p = twoColumns([0.1, 0.4, 0.35, 0.8]);

  it("auc, pr_auc", () => {
    expect(score("auc", binary, y, p)).toBeCloseTo(0.75, 6);
    // thresholds 0.8: R=.5 P=1; 0.35: R=1 P=2/3 -> .5 + .5*2/3
    expect(score("pr_auc", binary, y, p)).toBeCloseTo(0.5 + 0.5 * (2 / 3), 6);
  });

  it("auc and pr_auc with tied scores", () => {
    const yt = f32([0, 1, 0, 1]);
    const pt = twoColumns([0.5, 0.5, 0.2, 0.9]);
    // pairs (pos, neg): (.5,.5)=.5 (.5,.2)=1 (.9,.5)=1 (.9,.2)=1 -> 3.5/4
    expect(score("auc", binary, yt, pt)).toBeCloseTo(0.875, 6);
    // 0.9: R=.5 P=1; 0.5 (two rows): R=1 P=2/3
    expect(score("pr_auc", binary, yt, pt)).toBeCloseTo(0.5 + 0.5 * (2 / 3), 6);
  });

  it("logloss (and its clipping)", () => {
    const expected = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4;
    expect(score("logloss", binary, y, p)).toBeCloseTo(expected, 6);
    expect(score("logloss", binary, f32([1]), f32([1, 0]))).toBeCloseTo(-Math.log(1e-15), 6);
  });

  it("accuracy, balanced accuracy, f1 of classes[1]", () => {
    // predicted classes 0 0 0 1
    expect(score("accuracy", binary, y, p)).toBeCloseTo(0.75, 6);
    expect(score("balanced_accuracy", binary, y, p)).toBeCloseTo((1 + 0.5) / 2, 6);
    expect(score("f1", binary, y, p)).toBeCloseTo((2 * 1) / (2 * 1 + 0 + 1), 6);
    // no true and no predicted positives
    expect(score("f1", binary, f32([0, 0]), twoColumns([0.1, 0.2]))).toBe(0);
  });

  it("auc and pr_auc agree with their definitions on random scores with many ties", () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + rng.int(0, 300);
      const yr = Float32Array.from({ length: n }, () => (rng.float() < 0.3 ? 1 : 0));
      yr[0] = 1;
      yr[n - 1] = n > 1 ? 0 : 1;
      // scores on a coarse grid, so that ties are common, within and across the classes
      const s = Array.from({ length: n }, () => Math.round(rng.float() * 20) / 20);
      let pairs = 0;
      let right = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (yr[i] !== 1 || yr[j] !== 0) continue;
          pairs++;
          right += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
        }
      }
      if (pairs > 0) expect(score("auc", binary, yr, twoColumns(s))).toBeCloseTo(right / pairs, 10);
      // average precision: at each distinct score, high to low, the rise of recall times the precision there
      const positives = yr.reduce((a, v) => a + v, 0);
      let ap = 0;
      let prevRecall = 0;
      for (const t of [...new Set(s)].sort((a, b) => b - a)) {
        const chosen = s.map((v, i) => (v >= t ? i : -1)).filter((i) => i >= 0);
        const tp = chosen.filter((i) => yr[i] === 1).length;
        ap += (tp / positives - prevRecall) * (tp / chosen.length);
        prevRecall = tp / positives;
      }
      expect(score("pr_auc", binary, yr, twoColumns(s))).toBeCloseTo(ap, 10);
    }
  });

  it("undefined cases are NaN", () => {
    expect(score("auc", binary, f32([1, 1]), twoColumns([0.2, 0.3]))).toBeNaN();
    expect(score("pr_auc", binary, f32([0, 0]), twoColumns([0.2, 0.3]))).toBeNaN();
    expect(score("auc", binary, f32([0, 1]), twoColumns([NaN, 0.3]))).toBeNaN();
    expect(score("pr_auc", binary, f32([0, 1]), twoColumns([0.2, NaN]))).toBeNaN();
  });

  it("allMetrics lists every binary metric", () => {
    const all = allMetrics(binary, y, p);
    expect(Object.keys(all).sort()).toEqual(["accuracy", "auc", "balanced_accuracy", "f1", "logloss", "pr_auc"]);
    expect(all.auc).toBeCloseTo(0.75, 6);
  });
});

describe("multiclass metrics", () => {
  const y = f32([0, 1, 2, 2]);
  const p = f32([0.7, 0.2, 0.1, 0.3, 0.4, 0.3, 0.2, 0.5, 0.3, 0.1, 0.1, 0.8]);
  it("logloss, accuracy, balanced accuracy", () => {
    expect(score("logloss", multiclass, y, p)).toBeCloseTo(-(Math.log(0.7) + Math.log(0.4) + Math.log(0.3) + Math.log(0.8)) / 4, 6);
    // predicted 0 1 1 2
    expect(score("accuracy", multiclass, y, p)).toBeCloseTo(0.75, 6);
    expect(score("balanced_accuracy", multiclass, y, p)).toBeCloseTo((1 + 1 + 0.5) / 3, 6);
    expect(Object.keys(allMetrics(multiclass, y, p)).sort()).toEqual(["accuracy", "balanced_accuracy", "logloss"]);
  });
  it("rejects metrics that do not apply", () => {
    expect(() => score("auc", multiclass, y, p)).toThrow(/does not apply/);
    expect(() => score("accuracy", multiclass, y, p.subarray(1))).toThrow(/expected 12/);
  });
});

describe("regression metrics", () => {
  const y = f32([3, -0.5, 2, 7]);
  const p = f32([2.5, 0, 2, 8]);
  it("rmse, mae, r2", () => {
    expect(score("rmse", regression, y, p)).toBeCloseTo(Math.sqrt(0.375), 6);
    expect(score("mae", regression, y, p)).toBeCloseTo(0.5, 6);
    // ss_res = 1.5; mean 2.875, ss_tot = 29.1875
    expect(score("r2", regression, y, p)).toBeCloseTo(1 - 1.5 / 29.1875, 6);
    expect(score("r2", regression, f32([1, 1]), f32([1, 1]))).toBe(1);
    expect(score("r2", regression, f32([1, 1]), f32([1, 2]))).toBe(0);
  });
});

it("greaterIsBetter", () => {
  expect(greaterIsBetter("auc")).toBe(true);
  expect(greaterIsBetter("r2")).toBe(true);
  expect(greaterIsBetter("logloss")).toBe(false);
  expect(greaterIsBetter("rmse")).toBe(false);
  expect(greaterIsBetter("mae")).toBe(false);
});
