import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import { applyTemperature, fitTemperature } from "./temperature";

const K = 4;

/** rows drawn from softmax(logits), reported as softmax(scale * logits): calibrated at scale 1 */
function sample(n: number, seed: number, scale: number) {
  const rng = createRng(seed);
  const probs = new Float32Array(n * K);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const logits = Array.from({ length: K }, () => rng.normal(0, 1.5));
    const truth = softmax(logits);
    let u = rng.float();
    y[i] = K - 1;
    for (let c = 0; c < K; c++) {
      u -= truth[c];
      if (u < 0) {
        y[i] = c;
        break;
      }
    }
    probs.set(softmax(logits.map((l) => l * scale)), i * K);
  }
  return { probs, y };
}

function softmax(z: number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function logLoss(probs: Float32Array, y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s -= Math.log(probs[i * K + y[i]]);
  return s / y.length;
}

describe("temperature scaling", () => {
  it("recovers T = 2 when a calibrated model's logits were doubled", () => {
    const { probs, y } = sample(4000, 3, 2);
    const t = fitTemperature(probs, K, y);
    expect(t).toBeGreaterThan(1.8);
    expect(t).toBeLessThan(2.2);
    const calibrated = applyTemperature(t, probs, K);
    expect(logLoss(calibrated, y)).toBeLessThan(logLoss(probs, y) * 0.9);
  });

  it("finds T = 1 on calibrated probabilities and T < 1 on under-confident ones", () => {
    const calibrated = sample(4000, 4, 1);
    expect(fitTemperature(calibrated.probs, K, calibrated.y)).toBeCloseTo(1, 1);
    const soft = sample(4000, 5, 0.5);
    expect(fitTemperature(soft.probs, K, soft.y)).toBeCloseTo(0.5, 1);
  });

  it("re-normalises rows and keeps each row's argmax", () => {
    const probs = Float32Array.from([0.7, 0.2, 0.1, 0.25, 0.25, 0.5]);
    const out = applyTemperature(2, probs, 3);
    // softmax(log p / 2) is sqrt(p) normalised
    const root = [0.7, 0.2, 0.1].map(Math.sqrt);
    const sum = root.reduce((a, b) => a + b, 0);
    expect(out[0]).toBeCloseTo(root[0] / sum, 6);
    expect(out[3] + out[4] + out[5]).toBeCloseTo(1, 6);
    expect(out[5]).toBeGreaterThan(out[3]);
    expect(() => fitTemperature(probs, 3, [0])).toThrow(/expected 3/);
  });
});
