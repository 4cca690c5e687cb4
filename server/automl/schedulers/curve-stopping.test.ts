import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import type { Direction } from "../space/trial-record";
import { createCurveStopping, curveStoppingOptionsSchema, type CurveVerdict } from "./curve-stopping";

const T = 40;

/** the curve f at epochs 1..T plus seeded Gaussian noise */
function noisy(f: (x: number) => number, sd: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: T }, (_, i) => f(i + 1) + sd * rng.normal());
}

/** the rule applied after every epoch until it stops the trial: its verdict then (or after the last epoch) */
function trainWithRule(rule: ReturnType<typeof createCurveStopping>, curve: readonly number[], incumbent: number | null, direction: Direction = "maximize") {
  const metric = direction === "maximize" ? "AUC" : "log loss";
  let verdict: CurveVerdict | null = null;
  for (let epoch = 1; epoch <= curve.length; epoch++) {
    verdict = rule({ values: curve.slice(0, epoch), maxEpochs: curve.length, incumbent, direction, metric });
    if (verdict.decision === "stop") return { epoch, verdict };
  }
  return { epoch: curve.length, verdict: verdict! };
}

describe("curve stopping", () => {
  it("defaults to judging from epoch 5 at a 5% chance, and rejects unknown or invalid options", () => {
    expect(curveStoppingOptionsSchema.parse({})).toEqual({ minEpochs: 5, threshold: 0.05 });
    expect(() => createCurveStopping({ minEpochs: 2 })).toThrow();
    expect(() => createCurveStopping({ threshold: 1 })).toThrow();
    expect(() => createCurveStopping({ patience: 3 })).toThrow();
  });

  it("stops a clearly worse curve early, with the numbers in its reason", () => {
    // saturates near 0.72 while the best finished trial reached 0.764
    const curve = noisy((x) => 0.72 - 0.2 * x ** -1, 0.003, 1);
    const { epoch, verdict } = trainWithRule(createCurveStopping(), curve, 0.764);
    expect(verdict.decision).toBe("stop");
    expect(epoch).toBe(6);
    expect(verdict.probability).toBeLessThan(0.05);
    expect(verdict.predicted!.mean).toBeGreaterThan(0.7);
    expect(verdict.predicted!.mean).toBeLessThan(0.74);
    // measured: "stopped at epoch 6: predicted final AUC 0.724 ± 0.022, 4% chance to beat the best 0.764"
    expect(verdict.reason).toMatch(/^stopped at epoch 6: predicted final AUC 0\.7\d\d ± 0\.0\d\d, (<1|\d)% chance to beat the best 0\.764$/);
    expect(verdict.reason).toContain(verdict.predicted!.mean.toFixed(3));
  });

  it("lets a promising curve run to the end, a slow starter included", () => {
    const rule = createCurveStopping();
    const fast = noisy((x) => 0.8 - 0.3 * Math.exp(-0.2 * x), 0.003, 2);
    expect(trainWithRule(rule, fast, 0.764)).toMatchObject({ epoch: T, verdict: { decision: "continue" } });
    // below the incumbent until epoch 12, still climbing steeply when judged, ends at 0.82
    const slow = noisy((x) => 0.82 - 0.4 / (1 + (x / 8) ** 2), 0.003, 3);
    expect(slow.findIndex((v) => v > 0.764)).toBeGreaterThan(10);
    expect(trainWithRule(rule, slow, 0.764)).toMatchObject({ epoch: T, verdict: { decision: "continue" } });
  });

  it("continues with no incumbent, below the minimum epochs, and after the last epoch", () => {
    const rule = createCurveStopping({ minEpochs: 6 });
    const bad = noisy(() => 0.5, 0.003, 4);
    const at = (epochs: number, incumbent: number | null) => rule({ values: bad.slice(0, epochs), maxEpochs: 20, incumbent, direction: "maximize" });
    expect(at(10, null)).toEqual({ decision: "continue", probability: null, predicted: null, reason: "epoch 10: no finished trial to compare with" });
    expect(at(5, 0.9)).toEqual({ decision: "continue", probability: null, predicted: null, reason: "epoch 5: judged from epoch 6" });
    expect(at(20, 0.9)).toMatchObject({ decision: "continue", reason: "trained all 20 epochs" });
    expect(at(6, 0.9)).toMatchObject({ decision: "stop", probability: 0 });
  });

  it("judges a minimised metric the other way round", () => {
    const rule = createCurveStopping();
    // a log loss levelling off near 0.45 against a best of 0.38: stopped; one heading for 0.30: kept
    const worse = noisy((x) => 0.45 + 0.5 * x ** -0.9, 0.003, 5);
    const { epoch, verdict } = trainWithRule(rule, worse, 0.38, "minimize");
    expect(verdict.decision).toBe("stop");
    expect(epoch).toBeLessThanOrEqual(6);
    // measured: "stopped at epoch 6: predicted final log loss 0.465 ± 0.049, 4% chance to beat the best 0.380"
    expect(verdict.reason).toMatch(/^stopped at epoch [56]: predicted final log loss 0\.4\d\d ± 0\.0\d\d, \d% chance to beat the best 0\.380$/);
    const better = noisy((x) => 0.3 + 0.5 * x ** -0.9, 0.003, 5);
    expect(trainWithRule(rule, better, 0.38, "minimize").verdict.decision).toBe("continue");
  });

  it("counts a trial that already beats the incumbent as certain to beat it", () => {
    const values = [0.6, 0.7, 0.75, 0.77, 0.78];
    const verdict = createCurveStopping()({ values, maxEpochs: 30, incumbent: 0.775, direction: "maximize" });
    expect(verdict).toMatchObject({ decision: "continue", probability: 1 });
    expect(verdict.reason).toMatch(/^epoch 5: predicted final score 0\.\d{3} ± 0\.\d{3}, 100% chance to beat the best 0\.775$/);
  });

  it("on 20 simulated runs, stops most clearly worse runs early and never the best", () => {
    // runs of three shapes (power law, exponential, sigmoidal: a slow starter), asymptotes 0.70-0.90, noise 0.004,
    // trained one after another; the incumbent is the best score of the runs finished so far, stopped ones included
    const rng = createRng(11);
    const runs = Array.from({ length: 20 }, () => {
      const c = 0.7 + 0.2 * rng.float();
      const a = 0.15 + 0.2 * rng.float();
      const shape = rng.int(0, 2);
      const alpha = 0.4 + rng.float();
      const rate = 0.08 + 0.3 * rng.float();
      const half = 2 + 8 * rng.float();
      const f = (x: number) => (shape === 0 ? c - a * x ** -alpha : shape === 1 ? c - a * Math.exp(-rate * x) : c - a / (1 + (x / half) ** 2));
      return Array.from({ length: T }, (_, i) => f(i + 1) + 0.004 * rng.normal());
    });
    const rule = createCurveStopping();
    let incumbent: number | null = null;
    const outcomes = runs.map((curve) => {
      const { epoch, verdict } = trainWithRule(rule, curve, incumbent);
      const reached = Math.max(...curve.slice(0, epoch));
      incumbent = incumbent === null ? reached : Math.max(incumbent, reached);
      return { stopped: verdict.decision === "stop", epoch, reached, full: Math.max(...curve) };
    });
    const best = Math.max(...outcomes.map((o) => o.full));
    const bestRun = outcomes.find((o) => o.full === best)!;
    expect(bestRun.stopped).toBe(false);
    expect(incumbent).toBe(best);
    // every run that could be compared (not the first) and ends more than 0.02 below the best
    const worse = outcomes.slice(1).filter((o) => o.full < best - 0.02);
    const stopped = worse.filter((o) => o.stopped);
    expect(worse.length).toBeGreaterThanOrEqual(12);
    expect(stopped.length / worse.length).toBeGreaterThanOrEqual(0.75); // measured 17 of 17, 13 of them by epoch 10
    // no stopped run would have come within 0.005 of the best
    for (const o of outcomes.filter((o) => o.stopped)) expect(o.full).toBeLessThan(best - 0.005);
    const epochs = outcomes.reduce((acc, o) => acc + o.epoch, 0);
    expect(epochs / (20 * T)).toBeLessThan(0.5); // measured 0.31 of the epochs
  });
});
