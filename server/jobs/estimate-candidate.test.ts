import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { FitContext, FitInput, FitResult, FittedModel, ModelFamily, Task } from "../models/family";
import { estimateCandidate, type EstimateHooks } from "./estimate-candidate";
import type { RunData } from "./run-data";

const task: Task = { type: "regression", classes: [] };

/** 900 non-test rows of one numeric column: a holdout split of 600 training and 300 validation rows */
function runData(): RunData {
  const rows = 1000;
  const x = Float64Array.from({ length: rows }, (_, i) => (i % 17) / 17);
  const all = Array.from({ length: rows }, (_, i) => i);
  return {
    task,
    table: {
      rowCount: rows,
      columns: [
        { name: "x", kind: "number", values: x },
        { name: "label", kind: "number", values: x.map((v) => 2 * v) },
      ],
    },
    types: [
      { name: "x", type: "numeric", reason: "" },
      { name: "label", type: "numeric", reason: "" },
    ],
    label: "label",
    y: Float32Array.from(x, (v) => 2 * v),
    split: { seed: 1, train: all.filter((i) => i % 10 < 6), valid: all.filter((i) => i % 10 >= 6 && i % 10 < 9), test: all.filter((i) => i % 10 === 9) },
  };
}

/** a family whose fits train 10 epochs of 3 ms per training row's hundred, and predict 0; it records the rows of each fit */
function pacedFamily(fits: number[]): ModelFamily {
  const model: FittedModel = { predict: (x) => new Float32Array(x.rows), paramCount: () => 1, save: async () => {}, dispose: () => {} };
  return {
    name: "paced",
    spaceVersion: "paced/1",
    defineSpace: () => ({}),
    defaultParams: () => ({}),
    async fit(input: FitInput, _params, ctx: FitContext): Promise<FitResult> {
      fits.push(input.xTrain.rows);
      const epochs = ctx.epochs ?? 10;
      for (let epoch = 1; epoch <= epochs; epoch++) {
        await sleep((3 * input.xTrain.rows) / 100);
        await ctx.onEpoch({ epoch, trainLoss: 1, valLoss: 1, trainMetric: null, valMetric: null, seconds: 0 });
      }
      return { model, epochs, bestEpoch: epochs, reason: "max epochs" };
    },
    load: async () => model,
  };
}

function hooks(deadline: number, finalModel: EstimateHooks["finalModel"] = "bag"): EstimateHooks {
  return { metric: "rmse", deadline, finalModel, seedFor: () => 1, onEpoch: async () => "continue", onModel: async () => {}, onModelEnd: async () => {} };
}

const params = { stages: { preprocessing: { imputation: "median", encoding: "onehot", scaling: "standard" }, featureSelection: "none" }, classWeight: "none", family: {} } as const;

describe("estimateCandidate's refit", () => {
  it("refits on every non-test row when the deadline allows", async () => {
    const fits: number[] = [];
    const e = await estimateCandidate(runData(), pacedFamily(fits), params, 1, hooks(Date.now() + 60_000));
    expect(fits).toEqual([600, 900]);
    expect(e.refit).toEqual({ rows: 900, epochs: 10 });
    expect(e.refitSkipped).toBeUndefined();
  });

  it("does not start a refit that the folds' pace says would end past the deadline, and keeps the validated model", async () => {
    const fits: number[] = [];
    // the fold takes about 10 x 18 ms; the refit, on 1.5 times the rows, about 270 ms more than the deadline leaves
    const e = await estimateCandidate(runData(), pacedFamily(fits), params, 1, hooks(Date.now() + 300));
    expect(fits).toEqual([600]);
    expect(e.refit).toBeNull();
    expect(e.complete).toBe(true);
    expect(e.refitSkipped!.seconds).toBeGreaterThan(0.2);
    expect(e.fittedOn).toMatch(/^the training split \(600 rows\), early stopping on its validation rows; not refit on all non-test rows: its refit would take about \d+ s, past the deadline$/);
  });
});

describe("estimateCandidate's bag", () => {
  /** the run data with 5 cross-validation folds over its 900 non-test rows */
  function crossValidated(): RunData {
    const data = runData();
    const nonTest = [...data.split.train, ...data.split.valid].sort((a, b) => a - b);
    const folds = [0, 1, 2, 3, 4].map((f) => nonTest.filter((_, i) => i % 5 === f));
    return { ...data, split: { ...data.split, train: nonTest, valid: [], folds } };
  }

  it("cross-validated, keeps every fold's model with its data stages and refits nothing", async () => {
    const data = crossValidated();
    const fits: number[] = [];
    const e = await estimateCandidate(data, pacedFamily(fits), params, 1, hooks(Date.now() + 60_000));
    expect(fits).toEqual([720, 720, 720, 720, 720]);
    expect(e.refit).toBeNull();
    expect(e.kept).toHaveLength(5);
    expect(e.kept.map((k) => k.stages.y.valid.length)).toEqual([180, 180, 180, 180, 180]);
    expect(e.bag).toEqual([0, 1, 2, 3, 4].map((index) => ({ index, epochs: 10, bestEpoch: 10 })));
    expect(e.valRows).toEqual(data.split.folds!.flat());
    expect(e.fittedOn).toMatch(/^the 5 fold models, each fitted on its fold's training rows/);
  });

  /**
   * a family whose fits are best at their own epoch (fold i's: epoch i + 2), stop one epoch later, and can go back to
   * any epoch: the model after epoch e predicts e. Their validation loss, pooled with each fold held at its last value
   * after it stopped, is lowest at epochs 5 and 6 (sums 4).
   */
  function rewindingFamily(fits: { rows: number; epochs?: number }[]): ModelFamily {
    const after = (epoch: number): FittedModel => ({ predict: (x) => new Float32Array(x.rows).fill(epoch), paramCount: () => 1, save: async () => {}, dispose: () => {} });
    return {
      name: "rewinding",
      spaceVersion: "rewinding/1",
      defineSpace: () => ({}),
      defaultParams: () => ({}),
      async fit(input: FitInput, _params, ctx: FitContext): Promise<FitResult> {
        fits.push({ rows: input.xTrain.rows, epochs: ctx.epochs });
        if (ctx.epochs) return { model: after(ctx.epochs), epochs: ctx.epochs, bestEpoch: ctx.epochs, reason: "max epochs" };
        const own = fits.length + 1;
        for (let epoch = 1; epoch <= own + 1; epoch++) await ctx.onEpoch({ epoch, trainLoss: 1, valLoss: Math.abs(epoch - own), trainMetric: null, valMetric: null, seconds: 0 });
        return { model: after(own), epochs: own + 1, bestEpoch: own, reason: "early stopping", atEpoch: after };
      },
      load: async () => after(0),
    };
  }

  it("cuts every fold model back to the best epoch of the folds' pooled validation loss, and scores them there", async () => {
    const fits: { rows: number }[] = [];
    const e = await estimateCandidate(crossValidated(), rewindingFamily(fits), params, 1, hooks(Date.now() + 60_000));
    expect(e.folds.map((f) => f.bestEpoch)).toEqual([2, 3, 4, 5, 6]);
    expect(e.commonRound).toBe(5);
    expect(e.bestEpoch).toBe(5);
    // the folds that stopped before epoch 5 keep their last epoch
    expect(e.bag).toEqual([3, 4, 5, 6, 7].map((epochs, index) => ({ index, epochs, bestEpoch: Math.min(epochs, 5) })));
    expect([...new Set(e.valPred)]).toEqual([3, 4, 5]);
    expect(e.kept.map((k) => k.model.predict({ rows: 1, cols: 1, data: new Float32Array(1) })[0])).toEqual([3, 4, 5, 5, 5]);
    // a refit trains the common round's epochs
    const refits: { rows: number; epochs?: number }[] = [];
    const refit = await estimateCandidate(crossValidated(), rewindingFamily(refits), params, 1, hooks(Date.now() + 60_000, "refit"));
    expect(refits.at(-1)).toEqual({ rows: 900, epochs: 5 });
    expect(refit.refit).toEqual({ rows: 900, epochs: 5 });
  });

  it("leaves a holdout split's model, and a family that cannot go back, at their own early stopping", async () => {
    const holdout = await estimateCandidate(runData(), rewindingFamily([]), params, 1, hooks(Date.now() + 60_000));
    expect([holdout.commonRound, holdout.folds[0].bestEpoch]).toEqual([null, 2]);
    const paced = await estimateCandidate(crossValidated(), pacedFamily([]), params, 1, hooks(Date.now() + 60_000));
    expect(paced.commonRound).toBeNull();
  });

  it("cross-validated with finalModel refit, keeps one model refit on every non-test row", async () => {
    const fits: number[] = [];
    const e = await estimateCandidate(crossValidated(), pacedFamily(fits), params, 1, hooks(Date.now() + 60_000, "refit"));
    expect(fits).toEqual([720, 720, 720, 720, 720, 900]);
    expect(e.bag).toBeNull();
    expect(e.kept).toHaveLength(1);
    expect(e.refit).toEqual({ rows: 900, epochs: 10 });
    expect(e.fittedOn).toMatch(/^all 900 non-test rows \(training \+ validation\), for the 10 epochs the 5 folds found on average/);
  });
});
