import { describe, expect, it } from "vitest";
import { SCHEDULER_NAMES } from "../../contracts/run";
import { createRng } from "../rng";
import { createScheduler, schedulerNames, type ScheduledTrial, type Scheduler } from "./index";

interface SimTrial extends ScheduledTrial {
  quality: number;
  epochs: number;
}

/**
 * Drives a scheduler with `workers` simulated workers: each tick it asks for decisions, then one running trial
 * (the one chosen by `order`) finishes its rung. A trial's score after e epochs rises towards its quality, so
 * longer training ranks trials truthfully.
 */
function simulate(scheduler: Scheduler, opts: { maxTrials: number; workers: number; seed: number; pickLast?: boolean }) {
  const rng = createRng(opts.seed);
  const trials: (SimTrial & { target: number; final: boolean })[] = [];
  const score = (t: SimTrial, epochs: number) => t.quality * (1 - Math.exp(-epochs / 20));
  for (let step = 0; step < 10_000; step++) {
    const active = trials.filter((t) => t.status === "running").length;
    const decisions = scheduler.decide({ trials, maxTrials: opts.maxTrials, freeSlots: opts.workers - active, direction: "maximize" });
    for (const d of decisions) {
      if (d.kind === "start") trials.push({ number: trials.length, bracket: d.bracket, rung: 0, status: "running", rungScores: [], quality: createRng(opts.seed * 1000 + trials.length).float(), epochs: 0, target: d.epochs, final: d.final });
      else {
        const t = trials[d.number];
        expect(t.status, `decision on trial ${d.number}`).toBe("paused");
        if (d.kind === "prune") t.status = "pruned";
        else Object.assign(t, { status: "running", rung: d.rung, target: d.epochs, final: d.final });
      }
    }
    const running = trials.filter((t) => t.status === "running");
    if (running.length === 0) {
      if (decisions.length === 0) return trials;
      continue;
    }
    // workers finish in an order that depends on the seed: results must not
    const t = opts.pickLast ? running[running.length - 1] : running[Math.floor(rng.float() * running.length)];
    expect(t.target).toBeGreaterThan(t.epochs); // a promotion continues: it never trains epochs again
    t.epochs = t.target;
    t.rungScores = [...t.rungScores, score(t, t.epochs)];
    t.status = t.final ? "done" : "paused";
  }
  throw new Error("the scheduler never finished");
}

const summary = (trials: SimTrial[]) => trials.map((t) => `${t.number}:${t.bracket}/${t.rung}/${t.status}/${t.epochs}`);

describe("Hyperband", () => {
  const hyperband = createScheduler("hyperband")!;

  it("runs brackets of successive halving with eta 3 over 3 to 81 epochs", () => {
    expect(hyperband.describe()).toBe("Hyperband: eta 3, brackets of 27, 12, 6, 4 trials, rungs of 3, 9, 27, 81 epochs");
    const trials = simulate(hyperband, { maxTrials: 27 + 12, workers: 1, seed: 1 });
    expect(trials).toHaveLength(39);
    const first = trials.filter((t) => t.bracket === 0);
    // 27 trials at 3 epochs, the best 9 to 9, the best 3 to 27, the best one to 81
    expect([3, 9, 27, 81].map((e) => first.filter((t) => t.epochs >= e).length)).toEqual([27, 9, 3, 1]);
    const second = trials.filter((t) => t.bracket === 1);
    expect([9, 27, 81].map((e) => second.filter((t) => t.epochs >= e).length)).toEqual([12, 4, 1]);
    expect(trials.filter((t) => t.status === "done")).toHaveLength(2);
    expect(trials.every((t) => t.status === "done" || t.status === "pruned")).toBe(true);
    // the curves keep their order, so the best trial of each bracket is the one trained in full
    for (const b of [first, second]) expect(b.find((t) => t.status === "done")!.quality).toBe(Math.max(...b.map((t) => t.quality)));
    // pruned trials keep the score of the last rung they finished
    expect(trials.filter((t) => t.status === "pruned").every((t) => t.rungScores.length === (t.rung ?? 0) + 1)).toBe(true);
  });

  it("makes the same decisions with 1 or 4 workers, whatever order trials finish in", () => {
    const one = summary(simulate(hyperband, { maxTrials: 50, workers: 1, seed: 2 }));
    expect(summary(simulate(hyperband, { maxTrials: 50, workers: 4, seed: 2 }))).toEqual(one);
    expect(summary(simulate(hyperband, { maxTrials: 50, workers: 3, seed: 2, pickLast: true }))).toEqual(one);
  });

  it("cuts the last bracket to the trial budget and still trains one trial in full", () => {
    const trials = simulate(hyperband, { maxTrials: 5, workers: 2, seed: 3 });
    expect(trials).toHaveLength(5);
    expect([3, 9, 27, 81].map((e) => trials.filter((t) => t.epochs >= e).length)).toEqual([5, 1, 1, 1]);
  });

  it("gives each rung its epochs, the last rung in full", () => {
    expect([0, 1, 2, 3].map((r) => hyperband.budget(0, r))).toEqual([3, 9, 27, 81].map((epochs, r) => ({ epochs, final: r === 3 })));
    expect([0, 1].map((r) => hyperband.budget(2, r))).toEqual([{ epochs: 27, final: false }, { epochs: 81, final: true }]);
    expect(hyperband.budget(3, 0)).toEqual({ epochs: 81, final: true });
    expect(hyperband.budget(4, 0)).toEqual({ epochs: 3, final: false }); // the brackets repeat
  });

  it("puts each bracket in one batch of the study", () => {
    expect([0, 26, 27, 38, 39, 44, 45, 48, 49].map((n) => hyperband.batchStart(n))).toEqual([0, 0, 27, 27, 39, 39, 45, 45, 49]);
  });

  it("takes its options and says what is wrong with bad ones", () => {
    expect(createScheduler("hyperband", { eta: 2, minEpochs: 1, maxEpochs: 8 })!.describe()).toBe("Hyperband: eta 2, brackets of 8, 6, 4, 4 trials, rungs of 1, 2, 4, 8 epochs");
    expect(() => createScheduler("hyperband", { eta: 1 })).toThrow(/invalid options for scheduler "hyperband": eta: .*2/);
    expect(() => createScheduler("hyperband", { minEpochs: 9, maxEpochs: 3 })).toThrow(/maxEpochs must be at least minEpochs/);
  });
});

describe("ASHA", () => {
  const asha = createScheduler("asha")!;

  it("promotes the best third of each rung without waiting, and ends with one trial trained in full", () => {
    const trials = simulate(asha, { maxTrials: 30, workers: 4, seed: 4 });
    expect(trials).toHaveLength(30);
    expect(trials.every((t) => t.status === "done" || t.status === "pruned")).toBe(true);
    expect(trials.filter((t) => t.status === "done").length).toBeGreaterThanOrEqual(1);
    // far fewer epochs than training all 30 for 81
    const epochs = trials.reduce((a, t) => a + t.epochs, 0);
    expect(epochs).toBeLessThan(30 * 81 * 0.25);
    // with curves that keep their order, the best trial is always in the best third of its rung, so it goes all the way
    expect(trials.find((t) => t.quality === Math.max(...trials.map((x) => x.quality)))!.epochs).toBe(81);
  });

  it("is deterministic with one worker, and asks the study not to batch", () => {
    expect(summary(simulate(asha, { maxTrials: 20, workers: 1, seed: 5 }))).toEqual(summary(simulate(asha, { maxTrials: 20, workers: 1, seed: 5 })));
    expect(asha.batchStart(7)).toBe("asynchronous");
  });

  it("finishes the best trial in full even when the budget is too small for a promotion by rank", () => {
    const trials = simulate(asha, { maxTrials: 2, workers: 1, seed: 6 });
    expect(trials.map((t) => t.status).sort()).toEqual(["done", "pruned"]);
    expect(trials.find((t) => t.status === "done")!.epochs).toBe(81);
  });
});

it("names the schedulers, none first, and refuses unknown ones with the list", () => {
  expect(schedulerNames()).toEqual([...SCHEDULER_NAMES]);
  expect(createScheduler("none")).toBeNull();
  expect(() => createScheduler("median")).toThrow('unknown scheduler "median"; available: none, asha, hyperband');
});
