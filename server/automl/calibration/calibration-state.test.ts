import { describe, expect, it } from "vitest";
import { applyCalibration, CalibrationState, decide, describeCalibration } from "./calibration-state";

const probs2 = Float32Array.from([0.9, 0.1, 0.6, 0.4, 0.35, 0.65, 0.02, 0.98]);
const probs3 = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 1 / 3, 1 / 3, 1 / 3]);

const states: { state: CalibrationState; probs: Float32Array; k: number }[] = [
  { state: { kind: "none", threshold: 0.3 }, probs: probs2, k: 2 },
  { state: { kind: "platt", a: 0.5, b: -0.2, threshold: 0.42, report: { logLoss: { none: 0.431, platt: 0.412 } } }, probs: probs2, k: 2 },
  { state: { kind: "isotonic", x: [0.1, 0.4, 0.9], y: [0, 0.5, 1] }, probs: probs2, k: 2 },
  { state: { kind: "temperature", t: 1.7, report: { logLoss: { none: 0.9, temperature: 0.8 } } }, probs: probs3, k: 3 },
];

function rowSums(p: Float32Array, k: number): number[] {
  return Array.from({ length: p.length / k }, (_, i) => p.subarray(i * k, (i + 1) * k).reduce((a, b) => a + b, 0));
}

describe("calibration state", () => {
  it("applyCalibration keeps rows summing to 1", () => {
    for (const { state, probs, k } of states) {
      const out = applyCalibration(state, probs, k);
      expect(out.length).toBe(probs.length);
      for (const s of rowSums(out, k)) expect(s).toBeCloseTo(1, 6);
    }
  });

  it("maps the positive column: platt and isotonic values, isotonic clipped inside (0, 1)", () => {
    const platt = applyCalibration({ kind: "platt", a: 0.5, b: -0.2 }, probs2, 2);
    // sigmoid(0.5 * logit(0.4) - 0.2)
    expect(platt[3]).toBeCloseTo(1 / (1 + Math.exp(-(0.5 * Math.log(0.4 / 0.6) - 0.2))), 6);
    const iso = applyCalibration({ kind: "isotonic", x: [0.1, 0.4, 0.9], y: [0, 0.5, 1] }, probs2, 2);
    // 0.1 -> 0 and 0.98 -> 1 are clipped; 0.65 is interpolated halfway between (0.4, 0.5) and (0.9, 1)
    const expected = [1e-6, 0.5, 0.75, 1 - 1e-6];
    iso.filter((_, i) => i % 2 === 1).forEach((p, r) => expect(p).toBeCloseTo(expected[r], 7));
    expect(iso[0]).toBeGreaterThan(0.99);
    expect(() => applyCalibration({ kind: "platt", a: 1, b: 0 }, probs3, 3)).toThrow(/binary/);
  });

  it("round-trips through JSON and the zod schema", () => {
    for (const { state } of states) expect(CalibrationState.parse(JSON.parse(JSON.stringify(state)))).toEqual(state);
    const withThreshold = { kind: "none", threshold: 0.2, report: { logLoss: { none: 0.3 }, threshold: { metric: "f1", atDefault: 0.4, atTuned: 0.55 } } };
    expect(CalibrationState.parse(JSON.parse(JSON.stringify(withThreshold)))).toEqual(withThreshold);
  });

  it("rejects malformed states", () => {
    expect(CalibrationState.safeParse({ kind: "isotonic", x: [0.2, 0.1], y: [0, 1] }).success).toBe(false);
    expect(CalibrationState.safeParse({ kind: "isotonic", x: [0.1], y: [0, 1] }).success).toBe(false);
    expect(CalibrationState.safeParse({ kind: "temperature", t: 0 }).success).toBe(false);
    expect(CalibrationState.safeParse({ kind: "platt", a: 1 }).success).toBe(false);
    expect(CalibrationState.safeParse({ kind: "none", threshold: 1.5 }).success).toBe(false);
    expect(CalibrationState.safeParse({ kind: "sigmoid" }).success).toBe(false);
  });

  it("decide: the threshold for binary (0.5 by default), the argmax otherwise", () => {
    expect(Array.from(decide({ kind: "none" }, probs2, 2))).toEqual([0, 0, 1, 1]);
    expect(Array.from(decide({ kind: "none", threshold: 0.1 }, probs2, 2))).toEqual([1, 1, 1, 1]);
    expect(Array.from(decide({ kind: "none", threshold: 0.7 }, probs2, 2))).toEqual([0, 0, 0, 1]);
    // 0.65 (stored as float32) counts as at least a threshold of 0.65
    expect(Array.from(decide({ kind: "none", threshold: 0.65 }, probs2, 2))).toEqual([0, 0, 1, 1]);
    // a tie goes to the first class
    expect(Array.from(decide({ kind: "temperature", t: 1 }, probs3, 3))).toEqual([0, 2, 0]);
  });

  it("describes itself for display", () => {
    expect(describeCalibration(states[1].state)).toBe("platt (out-of-fold log loss: none 0.431, platt 0.412)");
    const tuned: CalibrationState = { kind: "none", threshold: 0.25, report: { logLoss: { none: 0.3 }, threshold: { metric: "f1", atDefault: 0.4, atTuned: 0.55 } } };
    expect(describeCalibration(tuned)).toBe("none (out-of-fold log loss: none 0.300); threshold 0.250: f1 0.400 -> 0.550");
    expect(describeCalibration({ kind: "none" })).toBe("none");
  });
});
