import { describe, expect, it } from "vitest";
import type { Params } from "../../automl/space/suggest";
import type { Metric } from "../../contracts/dataset";
import type { EpochReport, FitInput, FitResult } from "../family";
import { gbdtFamily } from "./index";
import type { FittedGbdt } from "./model";
import { bits } from "../shared/fit-harness";
import { binaryData, categoricalData, multiclassData, regressionData } from "./test-data";

interface Run {
  fit: FitResult & { model: FittedGbdt };
  /** the round reports without their timings */
  reports: Omit<EpochReport, "seconds">[];
  /** validation predictions, as bits */
  predictions: string;
}

interface Extra {
  pauseAt?: number;
  resume?: Uint8Array;
  stopAt?: number;
  seed?: number;
}

/** Fits with seed 9 (or extra.seed), recording the reports and the validation predictions. */
async function run(input: FitInput, params: Params, metric: Metric, extra: Extra = {}): Promise<Run> {
  const reports: Omit<EpochReport, "seconds">[] = [];
  const fit = (await gbdtFamily.fit(input, params, {
    seed: extra.seed ?? 9,
    metric,
    deadline: Infinity,
    pauseAt: extra.pauseAt,
    resume: extra.resume,
    async onEpoch({ seconds: _seconds, ...report }) {
      reports.push(report);
      return report.epoch === extra.stopAt ? "stop" : "continue";
    },
  })) as FitResult & { model: FittedGbdt };
  return { fit, reports, predictions: bits(fit.model.predict(input.xVal)) };
}

const summary = (r: Run) => ({ epochs: r.fit.epochs, bestEpoch: r.fit.bestEpoch, reason: r.fit.reason });
/** as a blob store gives bytes back: a Node Buffer that is a view at an offset into a larger pool */
const stored = (c: Uint8Array) => Buffer.concat([Buffer.alloc(3), Buffer.from(c), Buffer.alloc(40)]).subarray(3, 3 + c.length);

const sampled: Params = { learning_rate: 0.2, growth: "depthwise", max_depth: 4, subsample: 0.7, colsample_bytree: 0.6, max_rounds: 60, early_stopping_rounds: 8 };

describe.each([
  ["binary, row and column sampling", () => binaryData(1500), sampled, "auc" as Metric],
  // softmax keeps exps across rounds (refreshed every 10): the replay must rebuild them exactly
  ["multiclass, leaf-wise with sampling", multiclassData, { ...sampled, growth: "leafwise", max_leaves: 8, max_depth: undefined, max_rounds: 25 }, "logloss" as Metric],
  ["regression", regressionData, { ...sampled, subsample: 1, max_rounds: 30 }, "rmse" as Metric],
  ["categorical splits", categoricalData, { ...sampled, max_depth: 2, max_rounds: 20 }, "auc" as Metric],
])("gbdt pause/resume: %s", (_name, data, rawParams, metric) => {
  const params = JSON.parse(JSON.stringify(rawParams)) as Params;

  it("paused at 3 and 7 then resumed is bit-identical to uninterrupted training, and to pausing at 7 directly", async () => {
    const input = data();
    const whole = await run(input, params, metric);
    expect(whole.fit.epochs).toBeGreaterThan(10); // else the test would pause nothing (and not cross an exp refresh)
    expect(whole.fit.checkpoint).toBeUndefined();

    const first = await run(input, params, metric, { pauseAt: 3 });
    expect(summary(first)).toMatchObject({ epochs: 3, reason: "paused" });
    const second = await run(input, params, metric, { pauseAt: 7, resume: stored(first.fit.checkpoint!) });
    expect(summary(second)).toMatchObject({ epochs: 7, reason: "paused" });
    const last = await run(input, params, metric, { resume: stored(second.fit.checkpoint!) });
    expect(last.fit.checkpoint).toBeUndefined();

    expect(summary(last)).toEqual(summary(whole));
    expect(last.predictions).toBe(whole.predictions);
    expect(last.fit.model.trees.length).toBe(whole.fit.model.trees.length);
    expect([...first.reports, ...second.reports, ...last.reports]).toEqual(whole.reports);

    const direct = await run(input, params, metric, { pauseAt: 7 });
    expect(summary(second)).toEqual(summary(direct));
    expect(second.predictions).toBe(direct.predictions);
    expect(second.fit.checkpoint).toEqual(direct.fit.checkpoint);
    // the paused model holds the best rounds so far, for scoring the rung
    expect(direct.fit.model.rounds).toBe(direct.fit.bestEpoch);
    expect(direct.fit.bestEpoch).toBeLessThanOrEqual(7);
  });
});

describe("gbdt pause/resume at the edges", () => {
  const input = binaryData(1200);

  it("runs to the family's epochCap across a pause: max epochs, a finished checkpoint that trains no further", async () => {
    const params: Params = { ...sampled, max_rounds: 15, early_stopping_rounds: 100 };
    const cap = gbdtFamily.epochCap!(params);
    expect(cap).toBe(15);
    const whole = await run(input, params, "auc");
    expect(summary(whole)).toMatchObject({ epochs: cap, reason: "max epochs" });
    const paused = await run(input, params, "auc", { pauseAt: 7 });
    const resumed = await run(input, params, "auc", { resume: paused.fit.checkpoint, pauseAt: cap });
    expect(summary(resumed)).toEqual(summary(whole));
    expect(resumed.predictions).toBe(whole.predictions);
    expect(resumed.fit.checkpoint).toBeInstanceOf(Uint8Array);

    const again = await run(input, params, "auc", { resume: resumed.fit.checkpoint, pauseAt: 2 * cap });
    expect(again.reports).toEqual([]);
    expect(summary(again)).toEqual(summary(whole));
    expect(again.predictions).toBe(whole.predictions);
    expect(again.fit.checkpoint).toEqual(resumed.fit.checkpoint);
  });

  it("pauseAt at or below the checkpoint's round returns at once with the same checkpoint", async () => {
    const first = await run(input, sampled, "auc", { pauseAt: 5 });
    const again = await run(input, sampled, "auc", { resume: first.fit.checkpoint, pauseAt: 3 });
    expect(again.reports).toEqual([]);
    expect(summary(again)).toEqual(summary(first));
    expect(again.predictions).toBe(first.predictions);
    expect(again.fit.checkpoint).toEqual(first.fit.checkpoint);
  });

  it('onEpoch "stop" just before early stopping returns a checkpoint that carries the rounds without improvement', async () => {
    const whole = await run(input, sampled, "auc");
    expect(whole.fit.reason).toBe("early stopping");
    const stopped = await run(input, sampled, "auc", { pauseAt: 1000, stopAt: whole.fit.epochs - 1 });
    expect(summary(stopped)).toMatchObject({ epochs: whole.fit.epochs - 1, reason: "stopped" });
    const resumed = await run(input, sampled, "auc", { resume: stopped.fit.checkpoint });
    expect(resumed.reports).toHaveLength(1);
    expect(summary(resumed)).toEqual(summary(whole));
    expect(resumed.predictions).toBe(whole.predictions);
  });

  it("rejects a checkpoint of another seed, other hyperparameters, other data or another family, clearly", async () => {
    const { checkpoint } = (await run(input, sampled, "auc", { pauseAt: 2 })).fit;
    await expect(run(input, sampled, "auc", { resume: checkpoint, seed: 10 })).rejects.toThrow("gbdt: checkpoint was made with seed 9, this fit has seed 10");
    await expect(run(input, { ...sampled, max_depth: 5 }, "auc", { resume: checkpoint })).rejects.toThrow("gbdt: checkpoint was made with other hyperparameters");
    await expect(run(binaryData(1000), sampled, "auc", { resume: checkpoint })).rejects.toThrow(/checkpoint was made on 960 training rows/);
    await expect(run(input, sampled, "auc", { resume: new Uint8Array(16) })).rejects.toThrow("gbdt: not a gbdt checkpoint");
    await expect(run(input, sampled, "auc", { pauseAt: 0 })).rejects.toThrow("gbdt: pauseAt must be a positive integer, got 0");
  });
});
