import { expect, it } from "vitest";
import type { RunRecord, TrialRecord } from "./drive";
import { bestSoFar, checkGoals, secondsToReach, summariseDataset } from "./summary";

const trial = (number: number, status: TrialRecord["status"], valScore: number | null, seenAt: number): TrialRecord => ({
  number,
  status,
  valScore,
  testScore: valScore === null ? null : valScore - 0.01,
  trainSeconds: 1,
  reason: null,
  seenAt,
});

const run = (config: RunRecord["config"], trials: TrialRecord[], metric: RunRecord["metric"] = "auc"): RunRecord => ({
  dataset: "credit-g",
  config,
  estimation: "full",
  scheduler: "none",
  status: "completed",
  error: null,
  metric,
  bestTrialNumber: null,
  seconds: Math.max(0, ...trials.map((t) => t.seenAt)),
  trials,
});

it("counts only full-fidelity scores in the best-so-far curve, in the order the trials were seen", () => {
  const trials = [trial(1, "done", 0.7, 20), trial(0, "done", 0.6, 10), trial(2, "pruned", 0.9, 25), trial(3, "stopped", 0.8, 30), trial(4, "failed", null, 35)];
  expect(bestSoFar(trials, "max").map((p) => [p.trial, p.seconds])).toEqual([[0, 10], [1, 20], [3, 30]]);
  expect(bestSoFar(trials, "min").map((p) => p.trial)).toEqual([0]);
});

it("reaches a target at the first point at least as good as it, ties included", () => {
  const curve = bestSoFar([trial(0, "done", 0.6, 10), trial(1, "done", 0.8, 20)], "max");
  expect(secondsToReach(curve, 0.8, "max")).toBe(20);
  expect(secondsToReach(curve, 0.5, "max")).toBe(10);
  expect(secondsToReach(curve, 0.81, "max")).toBeNull();
  expect(secondsToReach(bestSoFar([trial(0, "done", 0.3, 5)], "min"), 0.3, "min")).toBe(5);
});

it("measures every configuration against the time full training found its best", () => {
  const full = run("full", [trial(0, "done", 0.7, 10), trial(1, "done", 0.8, 40)]);
  const curve = run("curve", [trial(0, "done", 0.7, 8), trial(1, "pruned", 0.9, 9), trial(2, "done", 0.8, 16)]);
  const hyperband = run("hyperband", [trial(0, "pruned", 0.9, 1), trial(1, "done", 0.75, 12)]);
  const [f, c, h] = summariseDataset([full, curve, hyperband]);
  expect(f).toMatchObject({ secondsToReference: 40, ratio: 1, counts: { done: 2, pruned: 0, other: 0 } });
  expect(c).toMatchObject({ secondsToReference: 16, ratio: 0.4, best: { trial: 2, valScore: 0.8 }, counts: { done: 2, pruned: 1, other: 0 } });
  expect(h).toMatchObject({ secondsToReference: null, ratio: null });
});

it("judges a goal only once enough datasets are measured", () => {
  const summary = (dataset: RunRecord["dataset"], ratio: number | null) => ({ ...summariseDataset([run("full", [])])[0], dataset, config: "curve" as const, ratio });
  expect(checkGoals([summary("credit-g", 0.4)], 3)[0].pass).toBeNull();
  expect(checkGoals([summary("credit-g", 0.4), summary("shuttle", 0.3)], 3)[0].pass).toBe(true);
  expect(checkGoals([summary("credit-g", 0.6), summary("shuttle", null)], 3)[0].pass).toBe(false);
  expect(checkGoals([summary("credit-g", 0.6)], 3)).toHaveLength(1);
});
