import { describe, expect, it } from "vitest";
import type { Task } from "../../models/family";
import { createRng } from "../rng";
import { score } from "../estimation/metrics";
import { chooseCalibration } from "./choose-calibration";

const binary: Task = { type: "binary", classes: ["no", "yes"] };
const multiclass: Task = { type: "multiclass", classes: ["a", "b", "c"] };
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** binary rows whose truth is sigmoid(z), reported as sigmoid(scale * z) */
function binaryRows(n: number, seed: number, scale: number) {
  const rng = createRng(seed);
  const y = new Float32Array(n);
  const probs = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const z = rng.normal(0, 1.5);
    y[i] = rng.float() < sigmoid(z) ? 1 : 0;
    const p = sigmoid(scale * z);
    probs[2 * i] = 1 - p;
    probs[2 * i + 1] = p;
  }
  return { y, probs };
}

/** three-class rows drawn from softmax(logits), reported as softmax(scale * logits) */
function multiclassRows(n: number, seed: number, scale: number) {
  const rng = createRng(seed);
  const y = new Float32Array(n);
  const probs = new Float32Array(3 * n);
  const softmax = (z: number[]) => {
    const e = z.map(Math.exp);
    const s = e[0] + e[1] + e[2];
    return e.map((v) => v / s);
  };
  for (let i = 0; i < n; i++) {
    const logits = [rng.normal(0, 1.5), rng.normal(0, 1.5), rng.normal(0, 1.5)];
    const truth = softmax(logits);
    const u = rng.float();
    y[i] = u < truth[0] ? 0 : u < truth[0] + truth[1] ? 1 : 2;
    probs.set(softmax(logits.map((l) => l * scale)), 3 * i);
  }
  return { y, probs };
}

describe("chooseCalibration", () => {
  it("keeps calibrated binary probabilities as they are, having tried platt and isotonic", () => {
    const { y, probs } = binaryRows(1000, 11, 1);
    const state = chooseCalibration(binary, y, probs, 1).state;
    expect(state.kind).toBe("none");
    expect(Object.keys(state.report!.logLoss).sort()).toEqual(["isotonic", "none", "platt"]);
    // out of fold, a calibrator cannot beat the truth by the margin
    expect(state.report!.logLoss.platt!).toBeGreaterThan(state.report!.logLoss.none! * 0.99);
  });

  it("calibrates clearly over-confident binary probabilities, refitted on all rows", () => {
    const { y, probs } = binaryRows(1000, 12, 4);
    const { state, outOfFold } = chooseCalibration(binary, y, probs, 1);
    expect(["platt", "isotonic"]).toContain(state.kind);
    const { none, platt } = state.report!.logLoss;
    expect(platt!).toBeLessThan(none! * 0.8);
    // the out-of-fold probabilities are the ones the chosen option's log loss was measured on
    expect(score("logloss", binary, y, outOfFold)).toBeCloseTo(state.report!.logLoss[state.kind]!, 10);
    if (state.kind === "platt") expect(state.a).toBeCloseTo(0.25, 1);
  });

  it("does not try isotonic on small validation sets", () => {
    const { y, probs } = binaryRows(150, 13, 4);
    const state = chooseCalibration(binary, y, probs, 1).state;
    expect(state.kind).toBe("platt");
    expect(Object.keys(state.report!.logLoss).sort()).toEqual(["none", "platt"]);
  });

  it("multiclass: none when calibrated, temperature near 3 when the logits were tripled", () => {
    const calibrated = multiclassRows(1500, 14, 1);
    expect(chooseCalibration(multiclass, calibrated.y, calibrated.probs, 2).state.kind).toBe("none");
    const sharp = multiclassRows(1500, 15, 3);
    const state = chooseCalibration(multiclass, sharp.y, sharp.probs, 2).state;
    expect(state.kind).toBe("temperature");
    if (state.kind === "temperature") expect(state.t).toBeGreaterThan(2.5);
    expect(state.report!.logLoss.temperature!).toBeLessThan(state.report!.logLoss.none!);
  });

  it("is deterministic in its seed, and declines without enough rows or classes", () => {
    const { y, probs } = binaryRows(400, 16, 2);
    expect(chooseCalibration(binary, y, probs, 5).state).toEqual(chooseCalibration(binary, y, probs, 5).state);
    expect(chooseCalibration(binary, y.subarray(0, 6), probs.subarray(0, 12), 5).state).toEqual({
      kind: "none",
      report: { logLoss: { none: expect.any(Number) } },
    });
    const oneClass = Float32Array.from({ length: 50 }, () => 1);
    expect(chooseCalibration(binary, oneClass, probs.subarray(0, 100), 5).state.kind).toBe("none");
    expect(() => chooseCalibration({ type: "regression", classes: [] }, y, y, 5).state).toThrow(/regression/);
  });
});
