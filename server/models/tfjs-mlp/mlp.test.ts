import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Params, Suggest } from "../../automl/space/suggest";
import { score } from "../../automl/estimation/metrics";
import type { Metric } from "../../contracts/dataset";
import type { EpochReport, FitInput, FittedModel, Matrix, Task } from "../family";
import { initBackend } from "../backend";
import { getFamily } from "../registry";
import { mlpFamily } from "./index";
import { Rng } from "./rng";
import { sampleWeights } from "../../data/class-weights";
import { SMALL_VALIDATION_ROWS } from "../shared/early-stopping";

const binary: Task = { type: "binary", classes: ["neg", "pos"] };
const multiclass: Task = { type: "multiclass", classes: ["a", "b", "c"] };
const regression: Task = { type: "regression", classes: [] };
let tmp: string;

beforeAll(async () => {
  await initBackend();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "mlp-test-"));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** rows x cols standard normal features, and a label from `label(row)` */
function dataset(rows: number, cols: number, seed: number, label: (x: Float32Array, rng: Rng) => number): { x: Matrix; y: Float32Array } {
  const rng = new Rng(seed);
  const data = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const row = data.subarray(i * cols, (i + 1) * cols);
    for (let j = 0; j < cols; j++) row[j] = normal(rng);
    y[i] = label(row, rng);
  }
  return { x: { rows, cols, data }, y };
}

function split(task: Task, d: { x: Matrix; y: Float32Array }, trainRows: number): FitInput {
  const c = d.x.cols;
  return {
    task,
    xTrain: { rows: trainRows, cols: c, data: d.x.data.subarray(0, trainRows * c) },
    yTrain: d.y.subarray(0, trainRows),
    xVal: { rows: d.x.rows - trainRows, cols: c, data: d.x.data.subarray(trainRows * c) },
    yVal: d.y.subarray(trainRows),
  };
}

// two Gaussian blobs with some overlap, plus an XOR-ish interaction the network has to learn
const binaryData = () =>
  split(binary, dataset(3000, 8, 1, (x, rng) => (x[0] + x[1] * x[2] + 0.3 * normal(rng) > 0 ? 1 : 0)), 2400);
const regressionData = () =>
  split(regression, dataset(3000, 6, 2, (x, rng) => 100 + 40 * (x[0] - 0.5 * x[1] + Math.sin(2 * x[2]) + 0.1 * normal(rng))), 2400);
const multiclassData = () =>
  split(multiclass, dataset(2400, 6, 3, (x) => (x[0] + 0.5 * x[1] > 0.6 ? 2 : x[0] - x[2] < -0.4 ? 0 : 1)), 1800);

const base: Params = {
  depth: 2, units_0: 64, units_1: 32, activation: "relu", dropout: 0, learning_rate: 3e-3,
  batch_size: 64, weight_decay: 1e-5, batch_norm: false, patience: 8, max_epochs: 40,
};

function ctx(metric: Metric, seed = 42, extra: { deadline?: number; epochs?: number; onEpoch?: (r: EpochReport) => "continue" | "stop" } = {}) {
  const reports: EpochReport[] = [];
  return {
    reports,
    ctx: {
      seed,
      metric,
      deadline: extra.deadline ?? Infinity,
      epochs: extra.epochs,
      async onEpoch(r: EpochReport) {
        reports.push(r);
        return extra.onEpoch?.(r) ?? "continue";
      },
    },
  };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("learning", () => {
  it("binary: AUC > 0.95, rows x 2 probabilities, one report per epoch, best weights restored", async () => {
    const input = binaryData();
    const { reports, ctx: c } = ctx("auc");
    const fit = await mlpFamily.fit(input, { ...base, activation: "gelu", dropout: 0.1 }, c);
    try {
      const pred = fit.model.predict(input.xVal);
      expect(pred.length).toBe(input.xVal.rows * 2);
      expect(pred[0] + pred[1]).toBeCloseTo(1, 5);
      const auc = score("auc", binary, input.yVal, pred);
      expect(auc).toBeGreaterThan(0.95);
      expect(reports.map((r) => r.epoch)).toEqual(Array.from({ length: fit.epochs }, (_, i) => i + 1));
      for (const r of reports) {
        expect(Number.isFinite(r.trainLoss) && Number.isFinite(r.valLoss) && r.seconds > 0).toBe(true);
        expect(r.valMetric).not.toBeNull();
        expect(r.trainMetric).not.toBeNull();
      }
      expect(reports.at(-1)!.trainLoss).toBeLessThan(reports[0].trainLoss);
      // the model kept is the best epoch's; on 600 validation rows (fewer than SMALL_VALIDATION_ROWS) best by the
      // validation loss, not by the AUC, which is still reported every epoch
      expect(input.yVal.length).toBeLessThan(SMALL_VALIDATION_ROWS);
      expect(auc).toBeCloseTo(reports[fit.bestEpoch - 1].valMetric!, 6);
      expect(Math.min(...reports.map((r) => r.valLoss))).toBe(reports[fit.bestEpoch - 1].valLoss);
      expect(fit.model.paramCount()).toBe(8 * 64 + 64 + 64 * 32 + 32 + 32 + 1);
    } finally {
      fit.model.dispose();
    }
  });

  it("binary: early stopping watches the AUC itself on SMALL_VALIDATION_ROWS validation rows or more", async () => {
    const input = split(binary, dataset(1000 + SMALL_VALIDATION_ROWS, 8, 1, (x, rng) => (x[0] + x[1] * x[2] + 0.3 * normal(rng) > 0 ? 1 : 0)), 1000);
    const { reports, ctx: c } = ctx("auc");
    const fit = await mlpFamily.fit(input, { ...base, max_epochs: 15 }, c);
    try {
      expect(Math.max(...reports.map((r) => r.valMetric!))).toBe(reports[fit.bestEpoch - 1].valMetric);
      expect(score("auc", binary, input.yVal, fit.model.predict(input.xVal))).toBeCloseTo(reports[fit.bestEpoch - 1].valMetric!, 6);
    } finally {
      fit.model.dispose();
    }
  });

  it("regression: R² > 0.9, predictions and reported RMSE in target units", async () => {
    const input = regressionData();
    const { reports, ctx: c } = ctx("rmse");
    const fit = await mlpFamily.fit(input, { ...base, activation: "elu", batch_norm: true }, c);
    try {
      const pred = fit.model.predict(input.xVal);
      expect(pred.length).toBe(input.xVal.rows);
      expect(score("r2", regression, input.yVal, pred)).toBeGreaterThan(0.9);
      expect(score("rmse", regression, input.yVal, pred)).toBeCloseTo(reports[fit.bestEpoch - 1].valMetric!, 3);
    } finally {
      fit.model.dispose();
    }
  });

  it("multiclass: 3-class accuracy > 0.9", async () => {
    const input = multiclassData();
    const { ctx: c } = ctx("accuracy");
    const fit = await mlpFamily.fit(input, { ...base, activation: "tanh", batch_size: 32 }, c);
    try {
      const pred = fit.model.predict(input.xVal);
      expect(pred.length).toBe(input.xVal.rows * 3);
      expect(score("accuracy", multiclass, input.yVal, pred)).toBeGreaterThan(0.9);
    } finally {
      fit.model.dispose();
    }
  });
});

describe("sample weights", () => {
  // ~10% positives, heavily overlapping: unweighted, the model rarely predicts the positive class at 0.5
  const imbalanced = () => split(binary, dataset(3000, 6, 4, (x, rng) => (x[0] + 0.5 * x[1] + normal(rng) > 2 ? 1 : 0)), 2400);

  it("balanced class weights raise validation balanced accuracy over unweighted training (same seed)", async () => {
    const input = imbalanced();
    const positives = input.yTrain.reduce((a, b) => a + b, 0) / input.yTrain.length;
    expect(positives).toBeGreaterThan(0.05);
    expect(positives).toBeLessThan(0.2);
    const params = { ...base, max_epochs: 15 };
    const balancedAccuracy = async (fitInput: FitInput) => {
      const fit = await mlpFamily.fit(fitInput, params, ctx("auc", 5).ctx);
      try {
        return score("balanced_accuracy", binary, input.yVal, fit.model.predict(input.xVal));
      } finally {
        fit.model.dispose();
      }
    };
    const plain = await balancedAccuracy(input);
    const weighted = await balancedAccuracy({ ...input, sampleWeight: sampleWeights(input.yTrain, binary, "balanced") });
    // measured: 0.62 unweighted, 0.83 weighted
    expect(weighted).toBeGreaterThan(plain + 0.1);
  });

  it("all-ones weights train exactly as no weights", async () => {
    const input = multiclassData();
    const params = { ...base, max_epochs: 2 };
    const a = await mlpFamily.fit(input, params, ctx("accuracy", 3).ctx);
    const b = await mlpFamily.fit({ ...input, sampleWeight: new Float32Array(input.xTrain.rows).fill(1) }, params, ctx("accuracy", 3).ctx);
    try {
      expect(maxAbsDiff(a.model.predict(input.xVal), b.model.predict(input.xVal))).toBeLessThan(1e-5);
    } finally {
      a.model.dispose();
      b.model.dispose();
    }
  });

  it("rejects weights that do not match the rows, are negative or sum to 0", async () => {
    const input = binaryData();
    await expect(mlpFamily.fit({ ...input, sampleWeight: new Float32Array(3).fill(1) }, base, ctx("auc").ctx)).rejects.toThrow(/3 sample weights for 2400/);
    const w = new Float32Array(input.xTrain.rows).fill(1);
    w[7] = -1;
    await expect(mlpFamily.fit({ ...input, sampleWeight: w }, base, ctx("auc").ctx)).rejects.toThrow(/row 7/);
    await expect(mlpFamily.fit({ ...input, sampleWeight: w.fill(0) }, base, ctx("auc").ctx)).rejects.toThrow(/sum to 0/);
  });
});

describe("fixed-epoch refit", () => {
  it("trains exactly N epochs on all rows with an empty validation set, reporting every epoch", async () => {
    const d = binaryData();
    const input: FitInput = { ...d, xVal: { rows: 0, cols: d.xTrain.cols, data: new Float32Array(0) }, yVal: new Float32Array(0) };
    // patience 1 would stop a normal fit within a few epochs; max_epochs is ignored too
    const { reports, ctx: c } = ctx("auc", 2, { epochs: 6 });
    const fit = await mlpFamily.fit(input, { ...base, patience: 1, max_epochs: 3 }, c);
    try {
      expect(fit).toMatchObject({ epochs: 6, bestEpoch: 6, reason: "max epochs" });
      expect(reports.map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
      for (const r of reports) {
        expect(r.valLoss).toBeNaN();
        expect(r.valMetric).toBeNull();
        expect(Number.isFinite(r.trainLoss)).toBe(true);
      }
      expect(score("auc", binary, d.yVal, fit.model.predict(d.xVal))).toBeGreaterThan(0.9);
    } finally {
      fit.model.dispose();
    }
  });

  it("keeps the final weights, not the best validation epoch's", async () => {
    // labels independent of the features: validation loss is best early and worsens as the network memorises
    const input = split(binary, dataset(1200, 4, 9, (_x, rng) => (rng.next() < 0.5 ? 1 : 0)), 900);
    const { reports, ctx: c } = ctx("logloss", 1, { epochs: 12 });
    const fit = await mlpFamily.fit(input, base, c);
    try {
      const valLoss = reports.map((r) => r.valLoss);
      expect(Math.min(...valLoss)).toBeLessThan(valLoss[11] - 1e-4);
      expect(score("logloss", binary, input.yVal, fit.model.predict(input.xVal))).toBeCloseTo(valLoss[11], 5);
    } finally {
      fit.model.dispose();
    }
  });

  it("still ends at the deadline", async () => {
    const started = Date.now();
    const { reports, ctx: c } = ctx("auc", 1, { epochs: 10_000, deadline: started + 500 });
    const fit = await mlpFamily.fit(binaryData(), base, c);
    fit.model.dispose();
    expect(fit.reason).toBe("deadline");
    expect(fit.bestEpoch).toBe(fit.epochs);
    expect(reports).toHaveLength(fit.epochs);
  });

  it("rejects an epoch count that is not a positive integer", async () => {
    await expect(mlpFamily.fit(binaryData(), base, ctx("auc", 1, { epochs: 0 }).ctx)).rejects.toThrow(/positive integer/);
  });
});

describe("determinism and persistence", () => {
  const params = { ...base, activation: "selu", dropout: 0.2, batch_norm: true, max_epochs: 4 };

  it("two fits with the same seed give identical predictions; another seed does not", async () => {
    const input = binaryData();
    const models: FittedModel[] = [];
    try {
      for (const seed of [7, 7, 8]) models.push((await mlpFamily.fit(input, params, ctx("logloss", seed).ctx)).model);
      const [a, b, c] = models.map((m) => m.predict(input.xVal));
      expect(maxAbsDiff(a, b)).toBe(0);
      expect(maxAbsDiff(a, c)).toBeGreaterThan(0);
    } finally {
      models.forEach((m) => m.dispose());
    }
  });

  it("save then load predicts exactly the same (regression with target scaler and batch norm)", async () => {
    const input = regressionData();
    const fit = await mlpFamily.fit(input, params, ctx("rmse").ctx);
    const dir = path.join(tmp, "regression");
    await fit.model.save(dir);
    expect((await fs.readdir(dir)).sort()).toEqual(["family.json", "model.json", "weights.bin"]);
    const loaded = await getFamily("mlp").load(dir, regression);
    try {
      expect(maxAbsDiff(fit.model.predict(input.xVal), loaded.predict(input.xVal))).toBe(0);
      expect(loaded.paramCount()).toBe(fit.model.paramCount());
      const family = JSON.parse(await fs.readFile(path.join(dir, "family.json"), "utf8"));
      expect(family.scaler.std).toBeGreaterThan(1);
      expect(family.params.activation).toBe("selu");
    } finally {
      fit.model.dispose();
      loaded.dispose();
    }
  });

  it("save then load predicts exactly the same (multiclass)", async () => {
    const input = multiclassData();
    const fit = await mlpFamily.fit(input, { ...params, activation: "gelu", batch_norm: false }, ctx("logloss").ctx);
    const dir = path.join(tmp, "multiclass");
    await fit.model.save(dir);
    const loaded = await mlpFamily.load(dir, multiclass);
    try {
      expect(maxAbsDiff(fit.model.predict(input.xVal), loaded.predict(input.xVal))).toBe(0);
    } finally {
      fit.model.dispose();
      loaded.dispose();
    }
  });
});

it("leaves no tensors behind once the model is disposed (with and without sample weights)", async () => {
  const input = multiclassData();
  for (const sampleWeight of [undefined, sampleWeights(input.yTrain, multiclass, "balanced")]) {
    const before = tf.memory().numTensors;
    const fit = await mlpFamily.fit({ ...input, sampleWeight }, { ...base, batch_norm: true, dropout: 0.3, max_epochs: 2 }, ctx("accuracy").ctx);
    fit.model.predict(input.xVal);
    fit.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }
});

describe("stopping", () => {
  const slow = { ...base, max_epochs: 10_000, patience: 10_000 };

  it("respects the deadline and keeps a usable model", async () => {
    const input = binaryData();
    const started = Date.now();
    const { reports, ctx: c } = ctx("auc", 1, { deadline: started + 600 });
    const fit = await mlpFamily.fit(input, slow, c);
    try {
      expect(fit.reason).toBe("deadline");
      expect(Date.now() - started).toBeLessThan(600 + 1500);
      expect(fit.epochs).toBe(reports.length);
      expect(fit.bestEpoch).toBeGreaterThanOrEqual(1);
      expect(fit.model.predict(input.xVal).every(Number.isFinite)).toBe(true);
    } finally {
      fit.model.dispose();
    }
  });

  it('stops when onEpoch returns "stop"', async () => {
    const { reports, ctx: c } = ctx("auc", 1, { onEpoch: (r) => (r.epoch === 3 ? "stop" : "continue") });
    const fit = await mlpFamily.fit(binaryData(), slow, c);
    fit.model.dispose();
    expect(fit.reason).toBe("stopped");
    expect(fit.epochs).toBe(3);
    expect(reports).toHaveLength(3);
  });

  it("stops early when validation stops improving", async () => {
    // labels independent of the features: nothing to learn
    const input = split(binary, dataset(1200, 4, 9, (_x, rng) => (rng.next() < 0.5 ? 1 : 0)), 900);
    const fit = await mlpFamily.fit(input, { ...base, patience: 3, max_epochs: 200 }, ctx("logloss").ctx);
    fit.model.dispose();
    expect(fit.reason).toBe("early stopping");
    expect(fit.epochs).toBe(fit.bestEpoch + 3);
  });
});

describe("search space", () => {
  /** a Suggest that answers from a table (or the low end) and records what was asked */
  function recording(answers: Record<string, unknown>) {
    const asked: { name: string; kind: string; args: unknown[] }[] = [];
    const s: Suggest = {
      int: (name, low, high, opts) => (asked.push({ name, kind: "int", args: [low, high, opts] }), (answers[name] as number) ?? low),
      float: (name, low, high, opts) => (asked.push({ name, kind: "float", args: [low, high, opts] }), (answers[name] as number) ?? low),
      choice: (name, choices) => (asked.push({ name, kind: "choice", args: [choices] }), (answers[name] as never) ?? choices[0]),
      bool: (name) => (asked.push({ name, kind: "bool", args: [] }), (answers[name] as boolean) ?? false),
      fixed: (name, value) => (asked.push({ name, kind: "fixed", args: [value] }), value),
    };
    return { s, asked };
  }

  it("asks the width of a layer only when the network is that deep", () => {
    const { s, asked } = recording({ depth: 2 });
    const params = mlpFamily.defineSpace(s, binary);
    const names = asked.map((a) => a.name);
    expect(names).toContain("units_0");
    expect(names).toContain("units_1");
    expect(names).not.toContain("units_2");
    expect(asked.find((a) => a.name === "depth")!.args.slice(0, 2)).toEqual([1, 4]);
    expect(asked.find((a) => a.name === "units_0")!.args).toEqual([16, 512, { log: true }]);
    expect(asked.find((a) => a.name === "learning_rate")!.args).toEqual([1e-4, 3e-2, { log: true }]);
    expect(asked.find((a) => a.name === "batch_size")!.args).toEqual([[32, 64, 128, 256, 512]]);
    expect(params).toMatchObject({ depth: 2, units_0: 16, units_1: 16, activation: "relu" });
  });

  it("the registry knows mlp and rejects unknown names clearly", () => {
    expect(getFamily("mlp")).toBe(mlpFamily);
    expect(() => getFamily("nope")).toThrow(/unknown model family "nope".*mlp/);
  });
});
