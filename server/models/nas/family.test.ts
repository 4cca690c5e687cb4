import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { score } from "../../automl/estimation/metrics";
import { createRng } from "../../automl/rng";
import { fromUnit } from "../../automl/space/distributions";
import { RecordingSuggest } from "../../automl/space/recording-suggest";
import type { Params } from "../../automl/space/suggest";
import type { Metric } from "../../contracts/dataset";
import type { EpochReport, FitContext, FitInput, Matrix, Task } from "../family";
import { initBackend } from "../backend";
import { Rng } from "../tfjs-mlp/rng";
import { fitNasFrom, FittedNas, nasFamily, type NasFitResult, type ParentNetwork } from "./index";
import { toArchitecture, trainingConfig, type TrainingConfig } from "./space";
import { engineConfig } from "./fit";
import { parseTrainingConfig } from "./engine";

const binary: Task = { type: "binary", classes: ["neg", "pos"] };
const multiclass: Task = { type: "multiclass", classes: ["a", "b", "c"] };
const regression: Task = { type: "regression", classes: [] };
let tmp: string;

beforeAll(async () => {
  await initBackend();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "nas-family-test-"));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** `rows` rows of 6 standard normal features, the first `train` for training, labelled by `label` */
function problem(task: Task, seed: number, rows: number, train: number, label: (x: Float32Array, noise: number) => number): FitInput {
  const rng = new Rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const cols = 6;
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

// an interaction the network has to learn, with some label noise
const binaryData = () => problem(binary, 1, 1200, 900, (x, e) => (x[0] + x[1] * x[2] + 0.3 * e > 0 ? 1 : 0));
const multiclassData = () => problem(multiclass, 2, 1200, 900, (x) => (x[0] + 0.5 * x[1] > 0.6 ? 2 : x[0] - x[2] < -0.4 ? 0 : 1));
const regressionData = () => problem(regression, 3, 1200, 900, (x, e) => 100 + 40 * (x[0] - 0.5 * x[1] + Math.sin(2 * x[2]) + 0.1 * e));
// labels independent of the features: validation gets worse as the network memorises
const noiseData = () => problem(binary, 4, 600, 450, (_x, e) => (e > 0 ? 1 : 0));

const training = { optimizer: "adam", learning_rate: 1e-2, lr_schedule: "constant", batch_size: 64 };
const chain: Params = {
  nas_space: "chain", chain_depth: 2,
  chain_units_0: 32, chain_activation_0: "relu", chain_dropout_0: 0.1, chain_batch_norm_0: true, chain_l2_0: 1e-5,
  chain_units_1: 16, chain_activation_1: "elu", chain_dropout_1: 0, chain_batch_norm_1: false, chain_l2_1: 1e-5,
  ...training, patience: 5, max_epochs: 12,
};
// two blocks: concat branches with a projected residual, then an add of two branches
const complex: Params = {
  nas_space: "complex", complex_stem_units: 24, complex_batch_norm: false, complex_dropout: 0.1, complex_l2: 1e-5, complex_blocks: 2,
  complex_b0_branches: 2, complex_b0_merge: "concat", complex_b0_br0_units: 16, complex_b0_br0_activation: "relu",
  complex_b0_br1_units: 16, complex_b0_br1_activation: "tanh", complex_b0_residual: true,
  complex_b1_branches: 2, complex_b1_merge: "add", complex_b1_units: 16, complex_b1_br0_activation: "gelu", complex_b1_br1_activation: "selu",
  complex_b1_residual: false,
  ...training, lr_schedule: "cosine", patience: 5, max_epochs: 12,
};
// a two-block cell (gated, identity, dense ops) stacked twice, batch-normalised
const cell: Params = {
  nas_space: "cell", cell_width: 16, cell_blocks: 2, cell_stack: 2, cell_batch_norm: true, cell_dropout: 0.1, cell_l2: 1e-5,
  cell_b0_left: 1, cell_b0_left_op: "dense_relu", cell_b0_right: 0, cell_b0_right_op: "identity",
  cell_b1_left: 2, cell_b1_left_op: "gated", cell_b1_right: 1, cell_b1_right_op: "dense_tanh",
  ...training, optimizer: "rmsprop", lr_schedule: "step", learning_rate: 3e-3, patience: 5, max_epochs: 12,
};

interface Run {
  fit: NasFitResult;
  /** the epoch reports without their timings */
  reports: Omit<EpochReport, "seconds">[];
}

type RunOptions = Partial<FitContext> & { stopAt?: number; parent?: ParentNetwork };

async function run(input: FitInput, params: Params, metric: Metric, extra: RunOptions = {}): Promise<Run> {
  const reports: Omit<EpochReport, "seconds">[] = [];
  const { stopAt, parent, ...ctx } = extra;
  const fit = await fitNasFrom(
    input,
    params,
    {
      seed: 7,
      metric,
      deadline: Infinity,
      ...ctx,
      async onEpoch({ seconds, ...report }) {
        expect(seconds).toBeGreaterThan(0);
        reports.push(report);
        return report.epoch === stopAt ? "stop" : "continue";
      },
    },
    parent,
  );
  return { fit, reports };
}

/** fits, hands the model to `use`, and disposes it */
async function withFit<T>(r: Promise<Run>, use: (r: Run) => T | Promise<T>): Promise<T> {
  const done = await r;
  try {
    return await use(done);
  } finally {
    done.fit.model.dispose();
  }
}

const summary = (r: Run) => ({ epochs: r.fit.epochs, bestEpoch: r.fit.bestEpoch, reason: r.fit.reason });
const empty = (cols: number): Matrix => ({ rows: 0, cols, data: new Float32Array(0) });

describe("the family's space", () => {
  it("delegates to space.ts and records patience and the epoch cap as fixed values", () => {
    const rng = createRng(1);
    const s = new RecordingSuggest((name, dist) => (name === "nas_space" ? "cell" : fromUnit(dist, rng.float())));
    const params = nasFamily.defineSpace(s, binary);
    expect(params.nas_space).toBe("cell");
    expect(params).toMatchObject({ patience: 10, max_epochs: 100 });
    expect(s.distributions.patience).toEqual({ kind: "fixed", value: 10 });
    expect(toArchitecture(params, 6, { outputs: 1, head: "sigmoid" }).nodes[0].id).toBe("stem");
    expect(nasFamily.spaceVersion).toBe("nas/1");
  });

  it("has a lower-fidelity form: every width scaled (not below the space's 16), the epoch cap and patience too", () => {
    const low = nasFamily.lowerFidelity!({ ...complex, complex_stem_units: 64, complex_b1_units: 40 }, { width: 0.5, epochs: 0.25 });
    expect(low).toMatchObject({ complex_stem_units: 32, complex_b0_br0_units: 16, complex_b0_br1_units: 16, complex_b1_units: 20, max_epochs: 3, patience: 5 });
    expect(low.complex_l2).toBe(complex.complex_l2);
    expect(nasFamily.lowerFidelity!({ ...cell, cell_width: 100 }, { width: 0.5, epochs: 0.25 })).toMatchObject({ cell_width: 50, cell_blocks: 2, cell_stack: 2 });
    // the defaults leave the cap and patience to the loop: 100 and 10
    expect(nasFamily.lowerFidelity!(nasFamily.defaultParams(binary), { width: 0.5, epochs: 1 / 3 })).toMatchObject({ chain_units_0: 64, chain_units_1: 32, chain_depth: 2, max_epochs: 33, patience: 5 });
  });

  it("defaults to the MLP's default network, in the chain space's names", () => {
    const params = nasFamily.defaultParams(multiclass);
    const arch = toArchitecture(params, 9, { outputs: 3, head: "softmax" });
    const reg = { batchNorm: false, dropout: 0.1, l2: 1e-5 };
    expect(arch.nodes).toEqual([
      { id: "dense0", op: "dense", input: "input", units: 128, activation: "relu", ...reg },
      { id: "dense1", op: "dense", input: "dense0", units: 64, activation: "relu", ...reg },
    ]);
    expect(trainingConfig(params)).toEqual({ optimizer: "adam", learning_rate: 1e-3, lr_schedule: "constant", batch_size: 256 });
  });
});

describe("engineConfig", () => {
  it("maps the space's training names to the engine's, with the schedules in epochs", () => {
    const of = (t: Partial<TrainingConfig>) =>
      parseTrainingConfig(engineConfig({ optimizer: "adam", learning_rate: 0.01, lr_schedule: "constant", batch_size: 128, ...t }, 50));
    expect(of({})).toMatchObject({ optimizer: "adam", learningRate: 0.01, batchSize: 128, schedule: { type: "constant" } });
    expect(of({ optimizer: "sgd_momentum", lr_schedule: "cosine" })).toMatchObject({
      optimizer: "sgd",
      momentum: 0.9,
      schedule: { type: "cosine", epochs: 50 },
    });
    expect(of({ optimizer: "rmsprop", lr_schedule: "step" })).toMatchObject({ optimizer: "rmsprop", schedule: { type: "step", everyEpochs: 10, factor: 0.5 } });
  });
});

describe("learning, in each space", () => {
  it("binary (complex space): AUC > 0.9, rows x 2 probabilities, the best epoch's weights kept", async () => {
    const input = binaryData();
    await withFit(run(input, complex, "auc"), ({ fit, reports }) => {
      const pred = fit.model.predict(input.xVal);
      expect(pred.length).toBe(input.xVal.rows * 2);
      expect(pred[0] + pred[1]).toBeCloseTo(1, 6);
      const auc = score("auc", binary, input.yVal, pred);
      expect(auc).toBeGreaterThan(0.9);
      expect(reports.map((r) => r.epoch)).toEqual(Array.from({ length: fit.epochs }, (_, i) => i + 1));
      expect(reports.every((r) => Number.isFinite(r.trainLoss) && Number.isFinite(r.valLoss) && r.trainMetric !== null)).toBe(true);
      expect(reports.at(-1)!.trainLoss).toBeLessThan(reports[0].trainLoss);
      // what was reported for the best epoch is what the model predicts
      expect(auc).toBe(reports[fit.bestEpoch - 1].valMetric);
      expect(Math.max(...reports.map((r) => r.valMetric!))).toBe(auc);
      expect(fit.model.arch.nodes.map((n) => n.id)).toEqual(["stem", "b0.br0", "b0.br1", "b0.merge", "b0.proj", "b0.res", "b1.br0", "b1.br1", "b1.merge"]);
      // stem 6x24+24, branches 24x16+16 twice, projection 24x32+32, block 1 32x16+16 twice, head 16+1
      expect(fit.model.paramCount()).toBe(168 + 2 * 400 + 800 + 2 * 528 + 17);
      expect(fit.model.inherited).toEqual([]);
    });
  });

  it("multiclass (cell space, batch norm, gated units): accuracy > 0.85, rows x 3", async () => {
    const input = multiclassData();
    await withFit(run(input, cell, "accuracy"), ({ fit }) => {
      const pred = fit.model.predict(input.xVal);
      expect(pred.length).toBe(input.xVal.rows * 3);
      expect(score("accuracy", multiclass, input.yVal, pred)).toBeGreaterThan(0.85);
      expect(fit.model.arch.nodes.filter((n) => n.op === "gated").map((n) => n.id)).toEqual(["cell0.b1.left", "cell1.b1.left"]);
    });
  });

  it("regression (chain space): R² > 0.85, predictions and reported RMSE in target units", async () => {
    const input = regressionData();
    await withFit(run(input, chain, "rmse"), ({ fit, reports }) => {
      const pred = fit.model.predict(input.xVal);
      expect(pred.length).toBe(input.xVal.rows);
      expect(score("r2", regression, input.yVal, pred)).toBeGreaterThan(0.85);
      expect(score("rmse", regression, input.yVal, pred)).toBeCloseTo(reports[fit.bestEpoch - 1].valMetric!, 3);
      expect(fit.model.diagram()).toMatchObject({ space: "chain", parameterCount: 6 * 32 + 2 * 32 + 32 * 16 + 16 + 17 });
    });
  });
});

describe("stopping", () => {
  it("stops early when validation stops improving, keeping the best epoch's weights", async () => {
    const input = noiseData();
    await withFit(run(input, { ...chain, patience: 2, max_epochs: 30 }, "logloss"), ({ fit, reports }) => {
      expect(fit.reason).toBe("early stopping");
      expect(fit.epochs).toBe(fit.bestEpoch + 2);
      const valLoss = reports.map((r) => r.valLoss);
      expect(Math.min(...valLoss)).toBe(valLoss[fit.bestEpoch - 1]);
      expect(score("logloss", binary, input.yVal, fit.model.predict(input.xVal))).toBeCloseTo(valLoss[fit.bestEpoch - 1], 6);
      expect(valLoss.at(-1)).toBeGreaterThan(valLoss[fit.bestEpoch - 1]);
    });
  });

  it("a deadline already past ends training after the first epoch", async () => {
    const input = binaryData();
    await withFit(run(input, chain, "auc", { deadline: Date.now() - 1 }), ({ fit, reports }) => {
      expect(summary({ fit, reports })).toEqual({ epochs: 1, bestEpoch: 1, reason: "deadline" });
      expect(reports).toHaveLength(1);
      expect(fit.model.predict(input.xVal).every(Number.isFinite)).toBe(true);
    });
  });

  it('stops when onEpoch says "stop"', async () => {
    await withFit(run(binaryData(), chain, "auc", { stopAt: 2 }), (r) => {
      expect(summary(r)).toMatchObject({ epochs: 2, reason: "stopped" });
    });
  });

  it("a fixed-epoch refit trains exactly N epochs with an empty validation set and keeps the final weights", async () => {
    const d = binaryData();
    const input: FitInput = { ...d, xVal: empty(d.xTrain.cols), yVal: new Float32Array(0) };
    // patience 1 and max_epochs 2 would end a normal fit sooner
    await withFit(run(input, { ...chain, patience: 1, max_epochs: 2 }, "auc", { epochs: 4 }), ({ fit, reports }) => {
      expect(summary({ fit, reports })).toEqual({ epochs: 4, bestEpoch: 4, reason: "max epochs" });
      expect(reports.map((r) => [r.epoch, r.valLoss, r.valMetric])).toEqual([1, 2, 3, 4].map((e) => [e, NaN, null]));
      expect(score("auc", binary, d.yVal, fit.model.predict(d.xVal))).toBeGreaterThan(0.85);
    });
  });

  it("rejects bad inputs clearly", async () => {
    const input = binaryData();
    await expect(run(input, chain, "auc", { epochs: 0 })).rejects.toThrow("nas: epochs must be a positive integer, got 0");
    await expect(run({ ...input, sampleWeight: new Float32Array(3) }, chain, "auc")).rejects.toThrow("nas: 3 sample weights for 900 training rows");
    await expect(run(input, { ...chain, chain_depth: 3 }, "auc")).rejects.toThrow(/chain_units_2/);
  });
});

describe("sample weights", () => {
  it("all-ones weights train exactly as no weights; weighting one class up shifts predictions towards it", async () => {
    const input = binaryData();
    const params = { ...chain, max_epochs: 2 };
    const predict = (sampleWeight?: Float32Array) => withFit(run({ ...input, sampleWeight }, params, "auc"), ({ fit }) => fit.model.predict(input.xVal));
    const plain = await predict();
    expect(await predict(new Float32Array(input.xTrain.rows).fill(1))).toEqual(plain);
    const positivesUp = await predict(input.yTrain.map((y) => (y === 1 ? 5 : 1)));
    const meanPositive = (p: Float32Array) => p.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0) / (p.length / 2);
    expect(meanPositive(positivesUp)).toBeGreaterThan(meanPositive(plain) + 0.1);
  });
});

describe("persistence", () => {
  it.each([
    ["regression, chain with batch norm and a target scaler", regressionData, chain, regression, "rmse" as Metric],
    ["multiclass, stacked cells with gated units", multiclassData, cell, multiclass, "logloss" as Metric],
  ])("save then load predicts exactly the same (%s)", async (name, data, params, task, metric) => {
    const input = data();
    const dir = path.join(tmp, name.split(",")[0]);
    const { fit } = await run(input, { ...params, max_epochs: 2 }, metric);
    await fit.model.save(dir);
    const loaded = (await nasFamily.load(dir, task)) as FittedNas;
    try {
      expect((await fs.readdir(dir)).sort()).toEqual(["family.json", "model.json", "weights.bin"]);
      expect(loaded.predict(input.xVal)).toEqual(fit.model.predict(input.xVal));
      expect(loaded.paramCount()).toBe(fit.model.paramCount());
      expect(loaded.arch).toEqual(fit.model.arch);
      expect(loaded.diagram()).toEqual(fit.model.diagram());
      const family = JSON.parse(await fs.readFile(path.join(dir, "family.json"), "utf8"));
      expect(family).toMatchObject({
        format: "automl-studio/tfjs-nas@1",
        task: { type: task.type },
        space: params.nas_space,
        params: { nas_space: params.nas_space },
      });
      if (task.type === "regression") expect(family.scaler.std).toBeGreaterThan(10);
      await expect(nasFamily.load(dir, binary)).rejects.toThrow(`nas: the saved model is for a ${task.type} task, not binary`);
    } finally {
      fit.model.dispose();
      loaded.dispose();
    }
  });
});

describe("pause and resume", () => {
  it("paused at 2 and 4 then resumed is bit-identical to uninterrupted training (cell: dropout, batch norm, step schedule)", async () => {
    const input = multiclassData();
    const params = { ...cell, max_epochs: 6 };
    const before = tf.memory().numTensors;
    const whole = await withFit(run(input, params, "accuracy"), (r) => ({ ...r, pred: r.fit.model.predict(input.xVal) }));
    expect(whole.fit.epochs).toBeGreaterThan(4);

    const first = await withFit(run(input, params, "accuracy", { pauseAt: 2 }), (r) => r);
    expect(summary(first)).toMatchObject({ epochs: 2, reason: "paused" });
    // as the blob store gives it back: a Node Buffer that is a view at an offset into a larger pool
    const stored = Buffer.concat([Buffer.alloc(3), Buffer.from(first.fit.checkpoint!), Buffer.alloc(16)]).subarray(3, 3 + first.fit.checkpoint!.length);
    const second = await withFit(run(input, params, "accuracy", { pauseAt: 4, resume: stored }), (r) => r);
    expect(summary(second)).toMatchObject({ epochs: 4, reason: "paused" });
    const last = await withFit(run(input, params, "accuracy", { resume: second.fit.checkpoint }), (r) => ({ ...r, pred: r.fit.model.predict(input.xVal) }));
    expect(last.fit.checkpoint).toBeUndefined();

    expect(summary(last)).toEqual(summary(whole));
    expect(last.pred).toEqual(whole.pred);
    expect([...first.reports, ...second.reports, ...last.reports]).toEqual(whole.reports);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("a finished checkpoint trains no further; a mismatched one is refused, saying why", async () => {
    const input = noiseData();
    const params = { ...chain, patience: 2, max_epochs: 30 };
    const done = await withFit(run(input, params, "logloss", { pauseAt: 100 }), (r) => ({ ...r, pred: r.fit.model.predict(input.xVal) }));
    expect(done.fit.reason).toBe("early stopping");
    const again = await withFit(run(input, params, "logloss", { resume: done.fit.checkpoint }), (r) => ({ ...r, pred: r.fit.model.predict(input.xVal) }));
    expect(again.reports).toEqual([]);
    expect(summary(again)).toEqual(summary(done));
    expect(again.pred).toEqual(done.pred);

    const resume = done.fit.checkpoint!;
    await expect(run(input, { ...params, chain_units_1: 24 }, "logloss", { resume })).rejects.toThrow(
      /^nas: checkpoint does not match this network: node 1 is .*"units":16.* in the checkpoint, .*"units":24.* in this fit$/,
    );
    await expect(run(input, params, "logloss", { resume, seed: 8 })).rejects.toThrow("nas: checkpoint was made with seed 7, this fit has seed 8");
    const fewer = { ...input, xTrain: { ...input.xTrain, rows: 400, data: input.xTrain.data.subarray(0, 400 * 6) }, yTrain: input.yTrain.subarray(0, 400) };
    await expect(run(fewer, params, "logloss", { resume })).rejects.toThrow("nas: checkpoint was made on 450 training rows, this fit has 400");
    await expect(run(input, params, "logloss", { resume: new Uint8Array(16) })).rejects.toThrow("nas: not a NAS checkpoint");
  });
});

describe("weight inheritance", () => {
  it("a child starts from its parent's weights where layers match by name and shape, and says which", async () => {
    const input = binaryData();
    const params = { ...chain, max_epochs: 3 };
    const parent = await withFit(run(input, params, "auc"), ({ fit }) => ({ arch: fit.model.arch, weights: fit.model.weights() }));

    // the same network with another dropout: every layer is inherited
    const child = { ...params, chain_dropout_0: 0.2, max_epochs: 1 };
    const scratch = await withFit(run(input, child, "auc"), (r) => r.reports[0]);
    const inheriting = await withFit(run(input, child, "auc", { parent }), (r) => {
      expect(r.fit.model.inherited).toEqual(["dense0", "dense0.bn", "dense1", "head"]);
      return r.reports[0];
    });
    expect(inheriting.trainLoss).toBeLessThan(scratch.trainLoss - 0.05);
    expect(inheriting.valLoss).toBeLessThan(scratch.valLoss);

    // a wider second layer: the parent's is widened function-preservingly first, so every layer fits; a narrower
    // first layer lets only the head fit (the second layer reads fewer units); a resumed fit keeps saying so
    const wider = { ...params, chain_units_1: 24 };
    await withFit(run(input, wider, "auc", { parent, pauseAt: 1 }), (r) => expect(r.fit.model.inherited).toEqual(["dense0", "dense0.bn", "dense1", "head"]));
    const narrower = { ...params, chain_units_0: 24 };
    const paused = await withFit(run(input, narrower, "auc", { parent, pauseAt: 1 }), (r) => r);
    expect(paused.fit.model.inherited).toEqual(["head"]);
    await withFit(run(input, narrower, "auc", { resume: paused.fit.checkpoint }), ({ fit }) => {
      expect(fit.model.inherited).toEqual(["head"]);
    });
  });

  it("through the family: a saved and reloaded parent (as the studio keeps it) gives its weights; other models are refused", async () => {
    const input = binaryData();
    const params = { ...chain, max_epochs: 3 };
    const dir = path.join(tmp, "parent");
    await withFit(run(input, params, "auc"), ({ fit }) => fit.model.save(dir));
    const parent = await nasFamily.load(dir, binary);
    const ctx = { seed: 7, metric: "auc" as const, deadline: Infinity, onEpoch: async () => "continue" as const };
    try {
      const child = await nasFamily.fit(input, { ...params, max_epochs: 1 }, { ...ctx, inheritFrom: parent });
      expect(child.inherited).toEqual({ layers: ["dense0", "dense0.bn", "dense1", "head"], of: 4 });
      child.model.dispose();
      const notNas = { predict: () => new Float32Array(0), paramCount: () => 0, save: async () => {}, dispose: () => {} };
      await expect(nasFamily.fit(input, params, { ...ctx, inheritFrom: notNas })).rejects.toThrow("nas: a network can only inherit the weights of another searched network");
    } finally {
      parent.dispose();
    }
  });
});
