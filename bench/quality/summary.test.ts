import { describe, expect, it } from "vitest";
import type { PeerResult } from "./peers";
import { studioFailure } from "./studio";
import { atLeastAsGood, formatGap, goalLine, median, side, summariseDataset, type Cell } from "./summary";

const peer = (metric: number | null): PeerResult => ({ metric, scores: null, seconds: 1, error: metric === null ? "failed" : null });
const cell = (seed: number, studio: number | null, xgb: number | null, metric: Cell["metric"] = "auc", gap: Cell["gap"] = null): Cell => ({
  dataset: "d",
  task: metric === "auc" ? "binary" : metric === "logloss" ? "multiclass" : "regression",
  metric,
  seed,
  dir: "",
  studio: { ...studioFailure("", studio === null ? "failed" : null), metric: studio, trainSeconds: 60 + seed, family: "mlp" },
  peers: { hgb: peer(0.5), "xgb-tpe": peer(xgb) },
  gap,
  gapError: null,
});

describe("bench:quality summary", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it("judges by the metric's direction, ties counting as at least as good", () => {
    expect(atLeastAsGood("auc", 0.8, 0.8)).toBe(true);
    expect(atLeastAsGood("auc", 0.79, 0.8)).toBe(false);
    expect(atLeastAsGood("rmse", 2, 3)).toBe(true);
    expect(atLeastAsGood("logloss", 0.3, 0.2)).toBe(false);
  });

  it("compares medians over the seeds, and judges only when both scored every seed", () => {
    const s = summariseDataset([cell(0, 0.9, 0.8), cell(1, 0.7, 0.85), cell(2, 0.86, 0.84)]);
    expect(s.studio).toEqual({ value: 0.86, n: 3 });
    expect(s.peers["xgb-tpe"]).toEqual({ value: 0.84, n: 3 });
    expect(s.atLeastAsGood).toBe(true);
    expect(s.studioSeconds).toBe(61);
    expect(summariseDataset([cell(0, 3, 2, "rmse"), cell(1, 3, 4, "rmse"), cell(2, 3, 2.5, "rmse")]).atLeastAsGood).toBe(false);
    const partial = summariseDataset([cell(0, 0.9, 0.8), cell(1, null, 0.85)]);
    expect(partial.studio).toEqual({ value: 0.9, n: 1 });
    expect(partial.atLeastAsGood).toBeNull();
    expect(goalLine([partial], 7)).toMatch(/not judged/);
    expect(goalLine([partial, summariseDataset([cell(0, 3, 2, "rmse")])], 7)).toMatch(/FAIL$/);
  });

  it("calls a gap clear only when its 95% interval lies wholly on one side of 0, in the metric's direction", () => {
    const gap = (diff: number, lo: number, hi: number) => ({ diff, lo, hi, shareAtLeastAsGood: 0.5 });
    expect(side("auc", gap(-0.0069, -0.0373, 0.0229))).toBe("unclear");
    expect(side("auc", gap(-0.02, -0.03, -0.01))).toBe("behind");
    expect(side("auc", gap(0.02, 0.01, 0.03))).toBe("ahead");
    expect(side("rmse", gap(5, 1, 9))).toBe("behind");
    expect(side("logloss", gap(-0.01, -0.02, -0.001))).toBe("ahead");
    expect(formatGap(gap(-0.0069, -0.0373, 0.0229))).toBe("-0.0069 [-0.0373, +0.0229]");
    const s = summariseDataset([cell(0, 3, 2, "rmse", gap(1, 0.5, 1.5)), cell(1, 3, 4, "rmse", gap(-1, -2, 0.1)), cell(2, 3, 2.5, "rmse", gap(0.5, 0.1, 0.9)), cell(3, null, 2, "rmse")]);
    expect(s.clearly).toEqual({ behind: 2, ahead: 0 });
  });
});
