import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Params } from "../../automl/space/suggest";
import type { Metric } from "../../contracts/dataset";
import type { EpochReport, FitInput, FitResult, Task } from "../family";
import { initBackend } from "../backend";
import { mlpFamily } from "./index";
import { Rng } from "./rng";

beforeAll(async () => {
  await initBackend();
});

const binary: Task = { type: "binary", classes: ["neg", "pos"] };
const regression: Task = { type: "regression", classes: [] };

/** 800 rows of 6 standard normal features (600 to train), labelled by `label` */
function problem(task: Task, seed: number, label: (x: Float32Array, noise: number) => number): FitInput {
  const rng = new Rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const rows = 800;
  const cols = 6;
  const train = 600;
  const data = new Float32Array(rows * cols).map(normal);
  const y = new Float32Array(rows).map((_, i) => label(data.subarray(i * cols, (i + 1) * cols), normal()));
  return {
    task,
    xTrain: { rows: train, cols, data: data.subarray(0, train * cols) },
    yTrain: y.subarray(0, train),
    xVal: { rows: rows - train, cols, data: data.subarray(train * cols) },
    yVal: y.subarray(train),
  };
}

const classification = () => problem(binary, 1, (x, e) => (x[0] + x[1] * x[2] + 0.5 * e > 0 ? 1 : 0));
const regressionProblem = () => problem(regression, 2, (x, e) => 50 + 20 * (x[0] - 0.5 * x[1] + Math.sin(2 * x[2]) + 0.3 * e));

// batch norm and dropout, so that the BN moving statistics and the rng (masks, shuffles) carry across a pause
const params: Params = {
  depth: 2, units_0: 32, units_1: 16, activation: "relu", dropout: 0.2, learning_rate: 1e-2,
  batch_size: 64, weight_decay: 1e-4, batch_norm: true, patience: 3, max_epochs: 16,
};

interface Run {
  fit: FitResult;
  /** the epoch reports without their timings */
  reports: Omit<EpochReport, "seconds">[];
  predictions: Float32Array;
}

/** Fits, records the reports and the validation predictions, and disposes the model. */
async function run(input: FitInput, metric: Metric, extra: { pauseAt?: number; resume?: Uint8Array; stopAt?: number; p?: Params } = {}): Promise<Run> {
  const reports: Omit<EpochReport, "seconds">[] = [];
  const fit = await mlpFamily.fit(input, extra.p ?? params, {
    seed: 11,
    metric,
    deadline: Infinity,
    pauseAt: extra.pauseAt,
    resume: extra.resume,
    async onEpoch({ seconds: _seconds, ...report }) {
      reports.push(report);
      return report.epoch === extra.stopAt ? "stop" : "continue";
    },
  });
  try {
    return { fit, reports, predictions: fit.model.predict(input.xVal) };
  } finally {
    fit.model.dispose();
  }
}

const summary = (r: Run) => ({ epochs: r.fit.epochs, bestEpoch: r.fit.bestEpoch, reason: r.fit.reason });

describe.each([
  ["classification", classification, "auc" as Metric],
  ["regression", regressionProblem, "rmse" as Metric],
])("%s: paused at 3 and 7 then resumed", (_name, data, metric) => {
  it("is bit-identical to uninterrupted training, and to pausing at 7 directly", async () => {
    const input = data();
    const before = tf.memory().numTensors;
    const whole = await run(input, metric);
    expect(whole.fit.epochs).toBeGreaterThan(7); // else the test would pause nothing
    expect(whole.fit.checkpoint).toBeUndefined();

    const first = await run(input, metric, { pauseAt: 3 });
    expect(summary(first)).toMatchObject({ epochs: 3, reason: "paused" });
    // as the blob store gives it back: a Node Buffer that is a view at an offset into a larger pool
    const stored = Buffer.concat([Buffer.alloc(5), Buffer.from(first.fit.checkpoint!), Buffer.alloc(64)]).subarray(5, 5 + first.fit.checkpoint!.length);
    const second = await run(input, metric, { pauseAt: 7, resume: stored });
    expect(summary(second)).toMatchObject({ epochs: 7, reason: "paused" });
    const last = await run(input, metric, { resume: second.fit.checkpoint });
    expect(last.fit.checkpoint).toBeUndefined();

    expect(summary(last)).toEqual(summary(whole));
    expect(last.predictions).toEqual(whole.predictions);
    expect([...first.reports, ...second.reports, ...last.reports]).toEqual(whole.reports);

    const direct = await run(input, metric, { pauseAt: 7 });
    expect(summary(second)).toEqual(summary(direct));
    expect(second.predictions).toEqual(direct.predictions);
    expect(second.fit.checkpoint).toEqual(direct.fit.checkpoint);
    // the paused model is the best so far, for scoring the rung
    expect(direct.fit.bestEpoch).toBe(bestEpoch(whole.reports.slice(0, 7), metric));

    expect(tf.memory().numTensors).toBe(before);
  });
});

/** the first epoch with the best watched value: RMSE's, or on these 200 validation rows the loss rather than AUC's (SMALL_VALIDATION_ROWS) */
function bestEpoch(reports: Omit<EpochReport, "seconds">[], metric: Metric): number {
  const watched = (r: Omit<EpochReport, "seconds">) => (metric === "auc" ? r.valLoss : r.valMetric!);
  return reports.reduce((a, b) => (watched(b) < watched(a) ? b : a)).epoch;
}

describe("checkpoints at the edges", () => {
  it("a fit that ends before pauseAt returns its reason and a finished checkpoint, which trains no further", async () => {
    const input = classification();
    const whole = await run(input, "auc", { pauseAt: 100 });
    expect(whole.fit.reason).not.toBe("paused");
    expect(whole.fit.checkpoint).toBeInstanceOf(Uint8Array);

    const again = await run(input, "auc", { resume: whole.fit.checkpoint });
    expect(again.reports).toEqual([]);
    expect(summary(again)).toEqual(summary(whole));
    expect(again.predictions).toEqual(whole.predictions);
    const paused = await run(input, "auc", { resume: whole.fit.checkpoint, pauseAt: 200 });
    expect(summary(paused)).toEqual(summary(whole));
    expect(paused.fit.checkpoint).toEqual(whole.fit.checkpoint);
  });

  it("pauseAt at or below the checkpoint's epoch returns at once with the same checkpoint", async () => {
    const input = classification();
    const first = await run(input, "auc", { pauseAt: 3 });
    const again = await run(input, "auc", { resume: first.fit.checkpoint, pauseAt: 2 });
    expect(again.reports).toEqual([]);
    expect(summary(again)).toEqual(summary(first));
    expect(again.predictions).toEqual(first.predictions);
    expect(again.fit.checkpoint).toEqual(first.fit.checkpoint);
  });

  it('onEpoch "stop" before pauseAt returns "stopped" with a checkpoint that resumes as if never stopped', async () => {
    const input = classification();
    const whole = await run(input, "auc");
    expect(whole.fit.reason).toBe("early stopping");
    // one epoch before early stopping, patience - 1 epochs have not improved: the checkpoint must carry that count
    const stopped = await run(input, "auc", { pauseAt: 100, stopAt: whole.fit.epochs - 1 });
    expect(summary(stopped)).toMatchObject({ epochs: whole.fit.epochs - 1, reason: "stopped" });
    const resumed = await run(input, "auc", { resume: stopped.fit.checkpoint });
    expect(summary(resumed)).toEqual(summary(whole));
    expect(resumed.predictions).toEqual(whole.predictions);
  });

  it("rejects a checkpoint of another network, another version or another seed, clearly", async () => {
    const input = classification();
    const { checkpoint } = (await run(input, "auc", { pauseAt: 1 })).fit;
    // 6x32 + BN 2x32 + 32x16 + BN 2x16 + head 16+1 in the checkpoint, against 6x24 + 2x24 + 24x16 + 2x16 + 16+1
    await expect(run(input, "auc", { resume: checkpoint, p: { ...params, units_0: 24 } })).rejects.toThrow(
      "mlp: checkpoint does not match this network: 817 parameters, expected 625",
    );
    const header = new TextDecoder().decode(checkpoint!.subarray(8, 200));
    const tampered = checkpoint!.slice();
    tampered[8 + header.indexOf('"version":1') + 10] = "7".charCodeAt(0);
    await expect(run(input, "auc", { resume: tampered })).rejects.toThrow("mlp: checkpoint version 7 is not supported (expected 1)");
    await expect(
      mlpFamily.fit(input, params, { seed: 12, metric: "auc", deadline: Infinity, resume: checkpoint, onEpoch: async () => "continue" }),
    ).rejects.toThrow("mlp: checkpoint was made with seed 11, this fit has seed 12");
    await expect(run(input, "auc", { resume: new Uint8Array(12) })).rejects.toThrow("mlp: not an MLP checkpoint");
  });
});

describe("Rng", () => {
  it("continues from a restored state exactly", () => {
    const a = new Rng(3);
    a.shuffle(new Uint32Array(50).map((_, i) => i));
    const b = new Rng(99);
    b.restore(a.state());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(Array.from({ length: 20 }, () => a.next()));
  });
});
