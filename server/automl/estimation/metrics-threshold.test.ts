import { describe, expect, it } from "vitest";
import type { Task } from "../../models/family";
import { allMetrics, score } from "./metrics";

const binary: Task = { type: "binary", classes: ["no", "yes"] };
const multiclass: Task = { type: "multiclass", classes: ["a", "b", "c"] };
const f32 = (a: number[]) => Float32Array.from(a);
const twoColumns = (p1: number[]) => f32(p1.flatMap((p) => [1 - p, p]));

describe("threshold-aware binary scoring", () => {
  const y = f32([0, 0, 1, 1, 0]);
  const p = twoColumns([0.1, 0.3, 0.35, 0.4, 0.2]);

  it("decides p1 >= threshold for accuracy, balanced accuracy and f1", () => {
    // argmax: all negative
    expect(score("accuracy", binary, y, p)).toBeCloseTo(0.6, 6);
    expect(score("f1", binary, y, p)).toBe(0);
    // 0.35: rows 3 and 4 positive, a perfect split
    expect(score("accuracy", binary, y, p, { threshold: 0.35 })).toBeCloseTo(1, 6);
    expect(score("f1", binary, y, p, { threshold: 0.35 })).toBeCloseTo(1, 6);
    // 0.25: rows 2, 3, 4 positive -> tp 2, fp 1; recalls 1 and 2/3
    expect(score("f1", binary, y, p, { threshold: 0.25 })).toBeCloseTo(4 / 5, 6);
    expect(score("balanced_accuracy", binary, y, p, { threshold: 0.25 })).toBeCloseTo((1 + 2 / 3) / 2, 6);
  });

  it("leaves the ranking metrics and log loss alone, and allMetrics passes it on", () => {
    const plain = allMetrics(binary, y, p);
    const tuned = allMetrics(binary, y, p, { threshold: 0.35 });
    for (const m of ["auc", "pr_auc", "logloss"]) expect(tuned[m]).toBe(plain[m]);
    expect(tuned.accuracy).toBeCloseTo(1, 6);
    expect(plain.accuracy).toBeCloseTo(0.6, 6);
  });

  it("is ignored for multiclass tasks", () => {
    const ym = f32([0, 1, 2]);
    const pm = f32([0.5, 0.3, 0.2, 0.2, 0.5, 0.3, 0.1, 0.2, 0.7]);
    expect(score("accuracy", multiclass, ym, pm, { threshold: 0.9 })).toBe(score("accuracy", multiclass, ym, pm));
  });
});
