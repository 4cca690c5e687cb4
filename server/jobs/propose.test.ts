import { describe, expect, it } from "vitest";
import type { RunRow, TrialRow } from "../db/store";
import { batchStartOf, historyFreeTrials, proposesAsynchronously, proposeTrial } from "./propose";

const run = {
  id: "run-propose-test",
  problemType: "binary",
  metric: "auc",
  strategy: "tpe",
  scheduler: "none",
  estimation: "full",
  seed: 7,
  families: ["mlp", "gbdt", "linear", "forest"],
} as unknown as RunRow;

/** a stored trial of `params`, finished with `valScore` (null: still running) */
const trial = (number: number, family: string, params: TrialRow["params"], valScore: number | null) =>
  ({ id: `t${number}`, number, family, params, status: valScore === null ? "running" : "done", valScore, epochs: 10 }) as unknown as TrialRow;

/** proposes trials 0..count-1 in order, each seeing the earlier ones finished or not */
async function proposeAll(count: number, finished: (number: number) => boolean, of: RunRow = run) {
  const trials: TrialRow[] = [];
  for (let n = 0; n < count; n++) {
    const p = await proposeTrial(of, trials, n);
    if (!p) return { trials, stoppedAt: n };
    trials.push(trial(n, p.family, p.params, finished(n) ? 0.5 + n / 100 : null));
  }
  return { trials, stoppedAt: count };
}

describe("the opening batch of a TPE run", () => {
  it("spans TPE's random startup rounded up to whole batches, and only where batches of 4 would change nothing", () => {
    expect(historyFreeTrials(run)).toBe(12);
    expect(historyFreeTrials({ ...run, strategy: "random" })).toBe(Infinity);
    expect(historyFreeTrials({ ...run, strategy: "evolution" })).toBe(0);
    expect(historyFreeTrials({ ...run, estimation: "low" })).toBe(0);
    expect(historyFreeTrials({ ...run, estimation: "inherit" })).toBe(0);
    expect(historyFreeTrials({ ...run, scheduler: "hyperband" })).toBe(0);
    expect([0, 5, 11, 12, 15, 16].map((n) => batchStartOf(n, 12))).toEqual([0, 0, 0, 12, 12, 16]);
    expect([0, 5, 11, 12].map((n) => batchStartOf(n, 0))).toEqual([0, 4, 8, 12]);
  });

  it("proposes its first 12 trials without waiting for any result, exactly as batches of 4 would, then waits for all 12", async () => {
    // nothing finishes: the opening batch is proposed in full, trial 12 waits
    const waiting = await proposeAll(16, () => false);
    expect(waiting.stoppedAt).toBe(12);
    // the families' defaults first, in the run's order
    expect(waiting.trials.slice(0, 4).map((t) => t.family)).toEqual(["mlp", "gbdt", "linear", "forest"]);
    // every trial finishes at once: the proposals are the same, whatever was seen
    const done = await proposeAll(16, () => true);
    expect(done.stoppedAt).toBe(16);
    expect(done.trials.slice(0, 12).map((t) => t.params)).toEqual(waiting.trials.map((t) => t.params));
    // and they are those of batches of 4 (which lower-fidelity estimation keeps), trial 12's included
    const batchesOf4 = await proposeAll(16, () => true, { ...run, estimation: "low" } as RunRow);
    expect(done.trials.map((t) => t.params)).toEqual(batchesOf4.trials.map((t) => t.params));
  });

  it("opens by family priority in a run that spends seconds, as listed in one that spends trials", async () => {
    const opening = async (budget: Pick<RunRow, "maxTrials" | "budgetSeconds">) => (await proposeAll(7, () => false, { ...run, ...budget })).trials.map((t) => t.family);
    expect(await opening({ maxTrials: null, budgetSeconds: 60 })).toEqual(["gbdt", "forest", "gbdt", "forest", "gbdt", "linear", "mlp"]);
    expect(await opening({ maxTrials: 20, budgetSeconds: 60 })).toEqual(["mlp", "gbdt", "linear", "forest", "gbdt", "forest", "gbdt"]);
    expect(await opening({ maxTrials: 20, budgetSeconds: null })).toEqual(["mlp", "gbdt", "linear", "forest", "gbdt", "forest", "gbdt"]);
  });
});

describe("a run that spends seconds", () => {
  const timed = { ...run, maxTrials: null, budgetSeconds: 60 } as RunRow;

  it("proposes asynchronously only where batches bought determinism for nothing", () => {
    expect(proposesAsynchronously(timed)).toBe(true);
    expect(proposesAsynchronously({ ...timed, estimation: "curve" })).toBe(true);
    expect(proposesAsynchronously({ ...timed, maxTrials: 30 })).toBe(false);
    expect(proposesAsynchronously({ ...timed, maxTrials: 30, budgetSeconds: null })).toBe(false);
    expect(proposesAsynchronously({ ...timed, scheduler: "hyperband" })).toBe(false);
    expect(proposesAsynchronously({ ...timed, estimation: "low" })).toBe(false);
    expect(proposesAsynchronously({ ...timed, estimation: "inherit" })).toBe(false);
  });

  it("never waits for a result, and a proposal sees what finished before it", async () => {
    // nothing finishes: every trial is still proposed (a trial budget waits at 12, above)
    const waiting = await proposeAll(20, () => false, timed);
    expect(waiting.stoppedAt).toBe(20);
    // TPE's random startup (10 trials) is the same either way; after it, what finished steers TPE
    const done = await proposeAll(20, () => true, timed);
    expect(done.trials.slice(0, 10).map((t) => t.params)).toEqual(waiting.trials.slice(0, 10).map((t) => t.params));
    expect(done.trials.slice(10).map((t) => t.params)).not.toEqual(waiting.trials.slice(10).map((t) => t.params));
  });
});
