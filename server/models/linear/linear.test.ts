import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { score } from "../../automl/estimation/metrics";
import type { Suggest } from "../../automl/space/suggest";
import type { FitInput } from "../family";
import { fitLinear } from "./fit";
import { linearFamily } from "./index";
import type { FittedLinear } from "./model";
import { objectiveFor } from "./objective";
import { bits, ctx, fitter, suiteTempDir } from "../shared/fit-harness";
import { binaryTask, dataset, multiclassTask, regressionTask, split } from "../shared/test-data";
import { binaryData, multiclassData, regressionData, sparseData, TRUE_COEF, TRUE_INTERCEPT, withoutValidation } from "./test-data";

const tmp = suiteTempDir("linear-test-");

const fit = fitter<FittedLinear>(linearFamily);


function r2(y: Float32Array, pred: Float32Array): number {
  return score("r2", regressionTask, y, pred);
}

const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe("linear family: regression", () => {
  it("recovers the coefficients of a noisy linear target (within 0.05) with a tiny alpha; R² > 0.95", async () => {
    const input = regressionData();
    const { reports, ctx: c } = ctx("r2");
    const res = await fit(input, { penalty: "l2", alpha: 1e-6 }, c);
    const { coef, intercept } = res.model.coefficients();
    expect(coef).toHaveLength(1);
    coef[0].forEach((b, j) => expect(Math.abs(b - TRUE_COEF[j])).toBeLessThan(0.05));
    expect(Math.abs(intercept[0] - TRUE_INTERCEPT)).toBeLessThan(0.05);
    expect(r2(input.yVal, res.model.predict(input.xVal))).toBeGreaterThan(0.95);
    expect(reports.map((r) => r.epoch)).toEqual(Array.from({ length: res.epochs }, (_, i) => i + 1));
    expect(reports.every((r) => r.trainMetric !== null && r.valMetric !== null && Number.isFinite(r.valLoss) && r.seconds >= 0)).toBe(true);
    // the reported losses are the mean squared errors of the standardised target: noise 0.5 over a target sd of ~4
    const sd = Math.sqrt(TRUE_COEF.reduce((s, b) => s + b * b, 0) + 0.25);
    expect(reports[res.bestEpoch - 1].valLoss).toBeCloseTo(0.25 / sd ** 2, 2);
    expect(res.epochs).toBeLessThan(100);
    expect(res.model.paramCount()).toBe(TRUE_COEF.length + 1);
  });

  it("a noise-free target: fits it exactly and converges (rounding at the loss's floor does not stall the steps)", async () => {
    const input = withoutValidation(split(regressionTask, dataset(1000, 5, 3, (x) => x[0] - 2 * x[1] + 0.5 * x[4]), 1000));
    const res = await fit(input, { penalty: "l2", alpha: 0 }, ctx("rmse").ctx);
    expect(res.reason).toBe("converged");
    const coef = res.model.coefficients().coef[0];
    [1, -2, 0, 0, 0.5].forEach((b, j) => expect(coef[j]).toBeCloseTo(b, 6));
  });

  it("lasso: the 7 irrelevant coefficients of 10 are exactly 0, the 3 relevant ones not", async () => {
    const input = sparseData();
    const res = await fit(input, { penalty: "l1", alpha: 0.05 }, ctx("rmse").ctx);
    const coef = res.model.coefficients().coef[0];
    for (let j = 0; j < 3; j++) expect(Math.abs(coef[j])).toBeGreaterThan(0.5);
    for (let j = 3; j < 10; j++) expect(coef[j]).toBe(0);
    expect(res.model.paramCount()).toBe(4);
    // without a penalty every coefficient is (slightly) non-zero
    const plain = await fit(input, { penalty: "l2", alpha: 0 }, ctx("rmse").ctx);
    expect(plain.model.paramCount()).toBe(11);
  });

  it("elastic net: the solution meets the optimality (KKT) conditions of its penalised loss", async () => {
    const input = withoutValidation(sparseData());
    const alpha = 0.05;
    const l1 = 0.5;
    const res = await fit(input, { penalty: "elasticnet", alpha, l1_ratio: l1 }, ctx("rmse").ctx);
    expect(res.reason).toBe("converged");
    const { theta, scaler } = res.model;
    // the gradient of the mean half squared error of the standardised target
    const d = input.xTrain.cols;
    const n = input.xTrain.rows;
    const grad = new Float64Array(d + 1);
    for (let r = 0; r < n; r++) {
      let z = theta[d];
      for (let j = 0; j < d; j++) z += input.xTrain.data[r * d + j] * theta[j];
      const e = (z - (input.yTrain[r] - scaler!.mean) / scaler!.std) / n;
      for (let j = 0; j < d; j++) grad[j] += e * input.xTrain.data[r * d + j];
      grad[d] += e;
    }
    expect(Math.abs(grad[d])).toBeLessThan(1e-6); // the intercept is not penalised
    let zeros = 0;
    for (let j = 0; j < d; j++) {
      if (theta[j] === 0) {
        zeros++;
        expect(Math.abs(grad[j])).toBeLessThanOrEqual(alpha * l1 + 1e-6);
      } else {
        expect(grad[j] + alpha * (1 - l1) * theta[j] + alpha * l1 * Math.sign(theta[j])).toBeCloseTo(0, 5);
      }
    }
    expect(zeros).toBeGreaterThan(0);
  });

  it("ridge: the coefficient norm shrinks monotonically as alpha grows", async () => {
    const input = withoutValidation(regressionData(1500));
    const norms: number[] = [];
    for (const alpha of [1e-6, 1e-3, 1e-2, 0.1, 1, 10]) {
      const res = await fit(input, { penalty: "l2", alpha }, ctx("rmse").ctx);
      norms.push(norm(res.model.coefficients().coef[0]));
    }
    for (let i = 1; i < norms.length; i++) expect(norms[i]).toBeLessThan(norms[i - 1]);
    // ridge on standardised features shrinks by about 1 / (1 + alpha)
    expect(norms[4] / norms[0]).toBeCloseTo(0.5, 1);
  });
});

describe("linear family: classification", () => {
  it("binary: validation AUC > 0.9, probabilities in [0, 1] summing to 1, the iterate of least validation loss kept", async () => {
    const input = binaryData();
    const { reports, ctx: c } = ctx("auc");
    const res = await fit(input, linearFamily.defaultParams(binaryTask), c);
    const pred = res.model.predict(input.xVal);
    expect(pred).toHaveLength(2 * input.yVal.length);
    const auc = score("auc", binaryTask, input.yVal, pred);
    expect(auc).toBeGreaterThan(0.9);
    for (let r = 0; r < input.yVal.length; r++) {
      expect(pred[2 * r]).toBeGreaterThanOrEqual(0);
      expect(pred[2 * r + 1]).toBeLessThanOrEqual(1);
      expect(pred[2 * r] + pred[2 * r + 1]).toBeCloseTo(1, 6);
    }
    expect(auc).toBeCloseTo(reports[res.bestEpoch - 1].valMetric!, 10);
    // early stopping watches the validation loss, not the scale-free AUC: the kept iterate has calibrated probabilities
    expect(reports[res.bestEpoch - 1].valLoss).toBe(Math.min(...reports.map((r) => r.valLoss)));
    expect(res.bestEpoch).toBeGreaterThan(1);
    // the log-odds follow the generating boundary x0 - x1 + 0.5 x2
    const [w] = res.model.coefficients().coef;
    expect(w[0]).toBeGreaterThan(0);
    expect(w[1]).toBeLessThan(0);
    expect(w[2] / w[0]).toBeGreaterThan(0.3);
  });

  it("binary, on the log-loss: converges to well-calibrated probabilities", async () => {
    const input = binaryData();
    const { reports, ctx: c } = ctx("logloss");
    const res = await fit(input, linearFamily.defaultParams(binaryTask), c);
    const loss = score("logloss", binaryTask, input.yVal, res.model.predict(input.xVal));
    expect(loss).toBeLessThan(0.3);
    expect(loss).toBeCloseTo(reports[res.bestEpoch - 1].valMetric!, 6);
    // the reported loss is the log-loss too
    expect(reports[res.bestEpoch - 1].valLoss).toBeCloseTo(loss, 6);
  });

  it("multiclass (softmax): accuracy > 0.85, probabilities summing to 1, a weight vector per class", async () => {
    const input = multiclassData();
    const res = await fit(input, linearFamily.defaultParams(multiclassTask), ctx("accuracy").ctx);
    const pred = res.model.predict(input.xVal);
    expect(score("accuracy", multiclassTask, input.yVal, pred)).toBeGreaterThan(0.85);
    for (let r = 0; r < input.yVal.length; r++) expect(pred[3 * r] + pred[3 * r + 1] + pred[3 * r + 2]).toBeCloseTo(1, 5);
    expect(res.model.coefficients().coef).toHaveLength(3);
    expect(res.model.paramCount()).toBe(3 * 5 + 3);
  });
});

describe("linear family: training loop", () => {
  it("same seed, same data: bit-identical models (full batch; the seed only picks the training-metric sample)", async () => {
    const input = binaryData(1500);
    const run = async (seed: number) => (await fit(input, { penalty: "elasticnet", alpha: 1e-3, l1_ratio: 0.3 }, { ...ctx("auc").ctx, seed })).model.predict(input.xVal);
    const a = await run(1);
    expect(bits(await run(1))).toBe(bits(a));
    expect(bits(await run(2))).toBe(bits(a));
  });

  it("stops early on noise labels, keeping the best iteration's parameters", async () => {
    const input = split(binaryTask, dataset(600, 20, 7, (_x, rng) => (rng.float() < 0.5 ? 1 : 0)), 300);
    const { reports, ctx: c } = ctx("logloss");
    const res = await fit(input, { penalty: "l2", alpha: 1e-6, patience: 5 }, c);
    expect(res.reason).toBe("early stopping");
    expect(res.epochs).toBe(res.bestEpoch + 5);
    const best = Math.min(...reports.map((r) => r.valMetric!));
    expect(reports[res.bestEpoch - 1].valMetric).toBe(best);
    expect(score("logloss", binaryTask, input.yVal, res.model.predict(input.xVal))).toBeCloseTo(best, 6);
  });

  it("watches the validation loss where the metric does not apply to the task", async () => {
    const input = split(binaryTask, dataset(600, 20, 8, (_x, rng) => (rng.float() < 0.5 ? 1 : 0)), 300);
    const { reports, ctx: c } = ctx("rmse");
    const res = await fit(input, { penalty: "l2", alpha: 1e-6, patience: 5 }, c);
    expect(reports.every((r) => r.valMetric === null && r.trainMetric === null)).toBe(true);
    expect(res.reason).toBe("early stopping");
    expect(reports[res.bestEpoch - 1].valLoss).toBe(Math.min(...reports.map((r) => r.valLoss)));
  });

  it("converges: reason 'converged' once the objective stops changing; max_epochs caps otherwise", async () => {
    const input = regressionData();
    const done = await fit(input, linearFamily.defaultParams(regressionTask), ctx("rmse").ctx);
    expect(done.reason).toBe("converged");
    expect(done.epochs).toBeLessThan(50);
    const capped = await fit(input, { ...linearFamily.defaultParams(regressionTask), max_epochs: 4 }, ctx("rmse").ctx);
    expect([capped.epochs, capped.reason]).toEqual([4, "max epochs"]);
    expect(linearFamily.epochCap!(linearFamily.defaultParams(regressionTask))).toBe(1000);
    expect(linearFamily.epochCap!({ max_epochs: 30 })).toBe(30);
  });

  it("ctx.epochs trains exactly that many iterations, with an empty validation set, keeping the last", async () => {
    const input = withoutValidation(binaryData());
    const { reports, ctx: c } = ctx("auc", { epochs: 7 });
    const res = await fit(input, linearFamily.defaultParams(binaryTask), c);
    expect([res.epochs, res.bestEpoch, res.reason]).toEqual([7, 7, "max epochs"]);
    expect(reports).toHaveLength(7);
    expect(reports.every((r) => Number.isNaN(r.valLoss) && r.valMetric === null && r.trainMetric !== null)).toBe(true);
    expect(reports[6].trainLoss).toBeLessThan(reports[0].trainLoss);
    // far past convergence it still trains exactly the count asked for
    const long = await fit(withoutValidation(regressionData()), linearFamily.defaultParams(regressionTask), ctx("rmse", { epochs: 150 }).ctx);
    expect([long.epochs, long.bestEpoch, long.reason]).toEqual([150, 150, "max epochs"]);
    // the model kept is the last iteration's: a 7-iteration refit from scratch gives the same one
    const again = await fit(input, linearFamily.defaultParams(binaryTask), ctx("auc", { epochs: 7 }).ctx);
    expect(Array.from(again.model.theta)).toEqual(Array.from(res.model.theta));
    await expect(fit(input, {}, ctx("auc", { epochs: 0 }).ctx)).rejects.toThrow(/epochs must be a positive integer/);
  });

  it("a past deadline ends training after the first iteration; onEpoch 'stop' after the iteration it says so", async () => {
    const input = binaryData(1000);
    const late = await fit(input, {}, ctx("auc", { deadline: Date.now() - 1 }).ctx);
    expect([late.epochs, late.bestEpoch, late.reason]).toEqual([1, 1, "deadline"]);
    const stopped = await fit(input, {}, ctx("logloss", { stopAt: 3 }).ctx);
    expect([stopped.epochs, stopped.reason]).toEqual([3, "stopped"]);
    expect(stopped.bestEpoch).toBeLessThanOrEqual(3);
  });

  it("sample weights: all ones is the same model as none; integer weights equal repeated rows; weighting a class raises its probability", async () => {
    const input = binaryData(1500);
    const params = { penalty: "elasticnet", alpha: 1e-3, l1_ratio: 0.5 };
    const none = await fit(input, params, ctx("auc").ctx);
    const ones = await fit({ ...input, sampleWeight: new Float32Array(input.yTrain.length).fill(1) }, params, ctx("auc").ctx);
    expect(bits(ones.model.predict(input.xVal))).toBe(bits(none.model.predict(input.xVal)));
    expect(ones.epochs).toBe(none.epochs);

    // weight 2 on the first 300 rows is the same loss as those rows twice
    const twice = Float32Array.from(input.yTrain, (_y, i) => (i < 300 ? 2 : 1));
    const cols = input.xTrain.cols;
    const repeated: FitInput = {
      ...input,
      xTrain: { rows: input.xTrain.rows + 300, cols, data: Float32Array.from([...input.xTrain.data, ...input.xTrain.data.subarray(0, 300 * cols)]) },
      yTrain: Float32Array.from([...input.yTrain, ...input.yTrain.subarray(0, 300)]),
    };
    const w = await fit(withoutValidation({ ...input, sampleWeight: twice }), { penalty: "l2", alpha: 1e-3 }, ctx("auc").ctx);
    const rep = await fit(withoutValidation(repeated), { penalty: "l2", alpha: 1e-3 }, ctx("auc").ctx);
    w.model.theta.forEach((v, i) => expect(v).toBeCloseTo(rep.model.theta[i], 5));

    const heavy = Float32Array.from(input.yTrain, (y) => (y === 1 ? 5 : 1));
    const weighted = await fit({ ...input, sampleWeight: heavy }, {}, ctx("logloss", { epochs: 30 }).ctx);
    const plain = await fit(input, {}, ctx("logloss", { epochs: 30 }).ctx);
    const meanPositive = (m: FittedLinear) => {
      const p = m.predict(input.xVal);
      let s = 0;
      for (let r = 0; r < input.yVal.length; r++) s += p[2 * r + 1] / input.yVal.length;
      return s;
    };
    expect(meanPositive(weighted.model)).toBeGreaterThan(meanPositive(plain.model) + 0.1);
    await expect(fit({ ...input, sampleWeight: new Float32Array(3) }, {}, ctx("auc").ctx)).rejects.toThrow(/3 sample weights for 1200 training rows/);
    await expect(fit({ ...input, sampleWeight: new Float32Array(1200) }, {}, ctx("auc").ctx)).rejects.toThrow(/sample weights sum to 0/);
  });

  it("rejects bad inputs with clear messages", async () => {
    const input = binaryData(200);
    const badCode = { ...input, yTrain: Float32Array.from(input.yTrain, (y, i) => (i === 5 ? 2 : y)) };
    await expect(fit(badCode, {}, ctx("auc").ctx)).rejects.toThrow(/target 2 at row 5 is not a class code below 2/);
    const nan = { ...input, xTrain: { ...input.xTrain, data: Float32Array.from(input.xTrain.data, (v, i) => (i === 13 ? NaN : v)) } };
    await expect(fit(nan, {}, ctx("auc").ctx)).rejects.toThrow(/training value NaN at row 2, column 1 is not finite/);
    await expect(fit({ ...input, yTrain: input.yTrain.subarray(1) }, {}, ctx("auc").ctx)).rejects.toThrow(/159 targets for 160 training rows/);
    const narrow = { ...input, xVal: { rows: 40, cols: 5, data: new Float32Array(200) } };
    await expect(fit(narrow, {}, ctx("auc").ctx)).rejects.toThrow(/differ in columns/);
    const short = { ...input, xTrain: { ...input.xTrain, data: input.xTrain.data.subarray(1) } };
    await expect(fit(short, {}, ctx("auc").ctx)).rejects.toThrow(/holds 959 values, not 160 x 6/);
    await expect(fit({ ...input, xTrain: { rows: 0, cols: 6, data: new Float32Array(0) }, yTrain: new Float32Array(0) }, {}, ctx("auc").ctx)).rejects.toThrow(/no training rows/);
    const reg = regressionData(100);
    await expect(fit({ ...reg, yVal: Float32Array.from(reg.yVal, (y, i) => (i ? y : Infinity)) }, {}, ctx("rmse").ctx)).rejects.toThrow(/target Infinity at row 0 is not a finite number/);
    await expect(fit(input, { penalty: "l2", l1_ratio: 0.5 }, ctx("auc").ctx)).rejects.toThrow(/l1_ratio applies only to penalty elasticnet/);
    await expect(fit(input, { alpha: -1 }, ctx("auc").ctx)).rejects.toThrow();
    await expect(fit(input, { typo: 1 }, ctx("auc").ctx)).rejects.toThrow();
    const res = await fit(input, {}, ctx("auc", { epochs: 2 }).ctx);
    expect(() => res.model.predict({ rows: 1, cols: 3, data: new Float32Array(3) })).toThrow(/expected 6 columns, got 3/);
  });
});

describe("linear family: persistence and space", () => {
  it("save → load predicts exactly the same, with the same parameter count", async () => {
    const cases = [
      ["binary", binaryData(800), "auc"],
      ["multiclass", multiclassData(), "logloss"],
      ["regression", regressionData(), "rmse"],
    ] as const;
    for (const [name, input, metric] of cases) {
      const res = await fit(input, { penalty: "elasticnet", alpha: 0.01, l1_ratio: 0.7 }, ctx(metric).ctx);
      const dir = path.join(tmp(), name, "nested");
      await res.model.save(dir);
      const loaded = await linearFamily.load(dir, { type: input.task.type, classes: [] });
      expect(bits(loaded.predict(input.xVal))).toBe(bits(res.model.predict(input.xVal)));
      expect(loaded.paramCount()).toBe(res.model.paramCount());
      await expect(linearFamily.load(dir, name === "regression" ? binaryTask : regressionTask)).rejects.toThrow(/saved model is for/);
      loaded.dispose();
    }
  });

  it("rejects files that do not hold a model of the task", async () => {
    const res = await fit(multiclassData(), {}, ctx("accuracy", { epochs: 2 }).ctx);
    const dir = path.join(tmp(), "corrupt");
    await res.model.save(dir);
    const file = path.join(dir, "model.json");
    const saved = JSON.parse(await fs.readFile(file, "utf8"));
    await expect(linearFamily.load(dir, { type: "multiclass", classes: ["a", "b", "c", "d"] })).rejects.toThrow(/3 coefficient vectors and 3 intercepts, the task needs 4/);
    await fs.writeFile(file, JSON.stringify({ ...saved, coef: [saved.coef[0], saved.coef[1], saved.coef[2].slice(1)] }));
    await expect(linearFamily.load(dir, multiclassTask)).rejects.toThrow(/coefficient vector 2 has 4 values, not 5/);
    await fs.writeFile(file, JSON.stringify({ ...saved, intercept: "none" }));
    await expect(linearFamily.load(dir, multiclassTask)).rejects.toThrow();
    await fs.writeFile(file, JSON.stringify({ ...saved, format: "automl-studio/gbdt@1" }));
    await expect(linearFamily.load(dir, multiclassTask)).rejects.toThrow();
  });

  it("asks l1_ratio for the elastic net only; every proposal and the defaults train", async () => {
    const asked = (penalty: string) => {
      const names: string[] = [];
      const suggest: Suggest = {
        int: (name, low) => (names.push(name), low),
        float: (name, low) => (names.push(name), low),
        choice: (name, choices) => (names.push(name), (name === "penalty" ? penalty : choices[0]) as never),
        bool: (name) => (names.push(name), false),
        fixed: (name, value) => (names.push(name), value),
      };
      return { params: linearFamily.defineSpace(suggest, binaryTask), names };
    };
    for (const penalty of ["l2", "l1"]) {
      const { names, params } = asked(penalty);
      expect(names).toEqual(["penalty", "alpha", "tol", "max_epochs", "patience"]);
      expect(params).toMatchObject({ penalty, alpha: 1e-6, tol: 1e-8, max_epochs: 1000, patience: 50 });
    }
    const elastic = asked("elasticnet");
    expect(elastic.names).toEqual(["penalty", "alpha", "l1_ratio", "tol", "max_epochs", "patience"]);
    expect(elastic.params.l1_ratio).toBe(0.05);
    expect(linearFamily.defaultParams(binaryTask)).toEqual({ penalty: "l2", alpha: 1e-4, tol: 1e-8, max_epochs: 1000, patience: 50 });
    expect([linearFamily.name, linearFamily.spaceVersion]).toEqual(["linear", "linear/1"]);
    for (const p of [asked("l2").params, asked("l1").params, elastic.params, linearFamily.defaultParams(binaryTask)]) {
      const res = await fit(binaryData(300), p, ctx("auc", { epochs: 2 }).ctx);
      expect(res.epochs).toBe(2);
    }
  });
});

describe("linear objectives", () => {
  it("gradients match finite differences of the losses", () => {
    const tasks = [binaryTask, multiclassTask, regressionTask];
    for (const task of tasks) {
      const obj = objectiveFor(task);
      const k = obj.outputs;
      const rows = 5;
      const z = Float64Array.from({ length: rows * k }, (_, i) => Math.sin(i * 1.7) * 2);
      const y = Float64Array.from({ length: rows }, (_, i) => (task.type === "regression" ? Math.cos(i) : i % (task.type === "binary" ? 2 : 3)));
      const w = Float32Array.from({ length: rows }, (_, i) => 0.5 + i);
      const resid = new Float64Array(rows * k);
      const loss = obj.gradient(z, y, w, 0.1, resid);
      expect(loss).toBeCloseTo(obj.loss(z, y, w, 0.1), 12);
      for (let i = 0; i < z.length; i++) {
        const h = 1e-6;
        const up = z.slice();
        up[i] += h;
        const down = z.slice();
        down[i] -= h;
        expect((obj.loss(up, y, w, 0.1) - obj.loss(down, y, w, 0.1)) / (2 * h)).toBeCloseTo(resid[i], 6);
      }
    }
  });

  it("losses stay finite for extreme scores", () => {
    const z = Float64Array.of(800, -800);
    const y = Float64Array.of(0, 1);
    const resid = new Float64Array(2);
    expect(objectiveFor(binaryTask).gradient(z, y, undefined, 0.5, resid)).toBeCloseTo(800, 6);
    expect(Array.from(resid)).toEqual([0.5, -0.5]);
    // a confident, right prediction's tiny loss keeps its precision
    expect(objectiveFor(binaryTask).loss(Float64Array.of(40), Float64Array.of(1), undefined, 1) / Math.exp(-40)).toBeCloseTo(1, 10);
    expect(objectiveFor(multiclassTask).loss(Float64Array.of(40, 0, 0), Float64Array.of(0), undefined, 1) / (2 * Math.exp(-40))).toBeCloseTo(1, 10);
    const out = new Float32Array(4);
    objectiveFor(binaryTask).transform(z, 2, out, null);
    expect(Array.from(out)).toEqual([0, 1, 1, 0]);
  });
});

describe("linear family: warm start", () => {
  it.each([
    ["regression", regressionData],
    ["multiclass", multiclassData],
  ] as const)("%s: a fit started at a fitted model's coefficients begins where that model ended", async (_name, data) => {
    const input = data();
    const metric = input.task.type === "regression" ? "rmse" : "logloss";
    const done = await fit(input, linearFamily.defaultParams(input.task), ctx(metric).ctx);
    const start = done.model.coefficients();
    const cold = await fitLinear(input, linearFamily.defaultParams(input.task), { ...ctx(metric).ctx, epochs: 1 });
    const warm = await fitLinear(input, linearFamily.defaultParams(input.task), { ...ctx(metric).ctx, epochs: 1 }, start);
    const loss = (m: { predict: FittedLinear["predict"] }) => score(metric, input.task, input.yVal, m.predict(input.xVal));
    expect(loss(warm.model)).toBeCloseTo(loss(done.model), 3);
    expect(loss(cold.model)).toBeGreaterThan(1.1 * loss(done.model));
    await expect(fitLinear(input, linearFamily.defaultParams(input.task), ctx(metric).ctx, { coef: [new Float64Array(2)], intercept: new Float64Array(1) })).rejects.toThrow(
      /a start needs \d output\(s\) of \d+ coefficients and an intercept/,
    );
  });
});
