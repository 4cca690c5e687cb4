import { describe, expect, it } from "vitest";
import { createRng } from "../automl/rng";
import { score } from "../automl/estimation/metrics";
import { calibrateCandidate, thresholdOf } from "./calibrate-candidate";

const binary = { type: "binary" as const, classes: ["no", "yes"] };

/** 10% positives whose model is over-confident: true log-odds z, reported as 3z */
function imbalanced(n: number, seed: number) {
  const rng = createRng(seed);
  const y = new Float32Array(n);
  const pred = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const z = rng.normal(-2.5, 1.5);
    y[i] = rng.float() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    const p = 1 / (1 + Math.exp(-3 * z));
    pred[2 * i] = 1 - p;
    pred[2 * i + 1] = p;
  }
  return { y, pred };
}

describe("calibrateCandidate", () => {
  it("calibrates an over-confident binary model and, for F1, tunes its threshold on the calibrated validation predictions", () => {
    const { y, pred } = imbalanced(2000, 3);
    const c = calibrateCandidate("f1", binary, y, pred, 1)!;
    expect(c.state.kind).not.toBe("none");
    const { threshold } = thresholdOf(c);
    expect(threshold).toBeDefined();
    expect(Math.abs(threshold! - 0.5)).toBeGreaterThan(0.05);
    // scored at the tuned threshold, validation F1 is the tuning's, and above F1 at 0.5
    const tuned = score("f1", binary, y, c.valPred, { threshold });
    expect(tuned).toBeCloseTo(c.state.report!.threshold!.atTuned, 10);
    expect(tuned).toBeGreaterThan(score("f1", binary, y, c.valPred));
    expect(c.note).toMatch(/^calibrated: (platt|isotonic) .*threshold 0\.\d{3}: f1/);
    // the validation predictions are out of fold: their log loss is the one the choice reported
    expect(score("logloss", binary, y, c.valPred)).toBeCloseTo(c.state.report!.logLoss[c.state.kind]!, 10);
  });

  it("leaves AUC runs without a threshold, and regression alone", () => {
    const { y, pred } = imbalanced(500, 4);
    expect(thresholdOf(calibrateCandidate("auc", binary, y, pred, 1))).toEqual({});
    expect(calibrateCandidate("rmse", { type: "regression", classes: [] }, y, y, 1)).toBeNull();
  });
});
