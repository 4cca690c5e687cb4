import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { score } from "../../automl/estimation/metrics";
import type { Params, Suggest } from "../../automl/space/suggest";
import type { FittedModel } from "../family";
import { gbdtFamily } from "./index";
import { SMALL_VALIDATION_ROWS, stoppingMetric } from "../shared/early-stopping";
import type { FittedGbdt } from "./model";
import { bits, ctx, fitter, suiteTempDir } from "../shared/fit-harness";
import { binaryTask, dataset, regressionTask, split } from "../shared/test-data";
import { binaryData, multiclassData, regressionData } from "./test-data";

const tmp = suiteTempDir("gbdt-test-");

const small: Params = { learning_rate: 0.1, growth: "depthwise", max_depth: 4, max_rounds: 200, early_stopping_rounds: 20 };

const fit = fitter<FittedGbdt>(gbdtFamily);


describe("gbdt family: accuracy", () => {
  it("binary: finds the interaction (validation AUC > 0.9), reporting every round", async () => {
    // validation rows enough for early stopping to watch the AUC itself (SMALL_VALIDATION_ROWS)
    const input = binaryData(5000);
    const { reports, ctx: c } = ctx("auc");
    const res = await fit(input, gbdtFamily.defaultParams(binaryTask), c);
    const auc = score("auc", input.task, input.yVal, res.model.predict(input.xVal));
    expect(auc).toBeGreaterThan(0.9);
    expect(reports.map((r) => r.epoch)).toEqual(Array.from({ length: res.epochs }, (_, i) => i + 1));
    expect(reports.every((r) => r.trainMetric !== null && r.valMetric !== null && Number.isFinite(r.valLoss) && r.seconds >= 0)).toBe(true);
    // the model kept is the best round's: its validation AUC is the one reported then
    expect(auc).toBeCloseTo(reports[res.bestEpoch - 1].valMetric!, 6);
    expect(reports[res.bestEpoch - 1].valMetric).toBe(Math.max(...reports.map((r) => r.valMetric!)));
  });

  it("multiclass: accuracy > 0.85, probabilities summing to 1", async () => {
    const input = multiclassData();
    const res = await fit(input, small, ctx("accuracy").ctx);
    const pred = res.model.predict(input.xVal);
    expect(score("accuracy", input.task, input.yVal, pred)).toBeGreaterThan(0.85);
    for (let r = 0; r < input.yVal.length; r++) expect(pred[3 * r] + pred[3 * r + 1] + pred[3 * r + 2]).toBeCloseTo(1, 5);
    expect(res.model.trees.length).toBe(3 * res.bestEpoch); // a tree per class and round
  });

  it("regression: R² > 0.85 on a nonlinear target, both growth policies", async () => {
    const input = regressionData();
    for (const params of [small, { ...small, growth: "leafwise", max_leaves: 15, max_depth: undefined }]) {
      const res = await fit(input, JSON.parse(JSON.stringify(params)) as Params, ctx("rmse").ctx);
      const pred = res.model.predict(input.xVal);
      let mean = 0;
      for (const y of input.yVal) mean += y / input.yVal.length;
      let ssRes = 0;
      let ssTot = 0;
      input.yVal.forEach((y, i) => {
        ssRes += (y - pred[i]) ** 2;
        ssTot += (y - mean) ** 2;
      });
      expect(1 - ssRes / ssTot).toBeGreaterThan(0.85);
    }
  });
});

describe("gbdt family: missing values", () => {
  /** y depends on x0 only through x0 > 0; x0 is missing in 30% of rows, where y is `missingLabel` */
  const missingData = (missingLabel: number) =>
    split(
      binaryTask,
      dataset(2000, 3, 11, (x, rng) => {
        if (rng.float() < 0.3) {
          x[0] = NaN;
          return missingLabel;
        }
        return x[0] > 0 ? 1 : 0;
      }),
      1600,
    );

  for (const missingLabel of [0, 1]) {
    it(`learns where missing values go (they behave like label ${missingLabel})`, async () => {
      const input = missingData(missingLabel);
      // stumps: one split must separate the labels, which only the learned default direction can do
      const res = await fit(input, { ...small, max_depth: 1 }, ctx("logloss").ctx);
      const first = res.model.trees[0];
      expect(first.feature[0]).toBe(0);
      expect(Math.abs(first.threshold[0])).toBeLessThan(0.25);
      expect(first.missingLeft[0]).toBe(missingLabel === 0 ? 1 : 0);
      const rows = (v: number) => ({ rows: 1, cols: 3, data: Float32Array.of(v, 0, 0) });
      const pNaN = res.model.predict(rows(NaN))[1];
      expect(missingLabel ? pNaN : 1 - pNaN).toBeGreaterThan(0.95);
      // values still split on their own threshold
      expect(res.model.predict(rows(2))[1]).toBeGreaterThan(0.95);
      expect(res.model.predict(rows(-2))[1]).toBeLessThan(0.05);
      // and the saved model sends them the same way
      const dir = path.join(tmp(), `missing-${missingLabel}`);
      await res.model.save(dir);
      const loaded = await gbdtFamily.load(dir, binaryTask);
      expect(bits(loaded.predict(input.xVal))).toBe(bits(res.model.predict(input.xVal)));
    });
  }
});

describe("gbdt family: training loop", () => {
  it("same seed gives bit-identical models; another seed, with sampling, a different one", async () => {
    const input = binaryData(1500);
    const params = { ...small, subsample: 0.7, colsample_bytree: 0.6 };
    const run = async (seed: number) => (await fit(input, params, { ...ctx("auc").ctx, seed })).model.predict(input.xVal);
    const a = await run(1);
    expect(bits(await run(1))).toBe(bits(a));
    expect(bits(await run(2))).not.toBe(bits(a));
  });

  it("stops early on noise labels, keeping the best round's trees", async () => {
    const input = split(binaryTask, dataset(1500, 5, 7, (_x, rng) => (rng.float() < 0.5 ? 1 : 0)), 1000);
    const { reports, ctx: c } = ctx("logloss");
    const res = await fit(input, { ...small, max_rounds: 500, early_stopping_rounds: 15 }, c);
    expect(res.reason).toBe("early stopping");
    expect(res.epochs).toBeLessThan(500);
    expect(res.epochs).toBe(res.bestEpoch + 15);
    expect(res.model.rounds).toBe(res.bestEpoch);
    const best = Math.min(...reports.map((r) => r.valMetric!));
    expect(reports[res.bestEpoch - 1].valMetric).toBe(best);
    expect(score("logloss", input.task, input.yVal, res.model.predict(input.xVal))).toBeCloseTo(best, 6);
  });

  it("atEpoch gives the model after any round trained, past the best one too: the model an r-round fit keeps, bit for bit", async () => {
    const input = split(binaryTask, dataset(1500, 5, 7, (_x, rng) => (rng.float() < 0.5 ? 1 : 0)), 1000);
    const params = { ...small, subsample: 0.8, colsample_bytree: 0.7, max_rounds: 500, early_stopping_rounds: 15 };
    const res = await fit(input, params, ctx("logloss").ctx);
    expect(res.epochs).toBe(res.bestEpoch + 15);
    for (const round of [1, res.bestEpoch, res.epochs]) {
      const fixed = await fit(input, params, ctx("logloss", { epochs: round }).ctx);
      expect(bits(res.atEpoch!(round).predict(input.xVal)), `round ${round}`).toBe(bits(fixed.model.predict(input.xVal)));
    }
    expect(() => res.atEpoch!(res.epochs + 1)).toThrow(`gbdt: trained ${res.epochs} rounds, so there is no model after round ${res.epochs + 1}`);
  });

  it("watches the validation loss rather than AUC or accuracy on fewer than SMALL_VALIDATION_ROWS validation rows", async () => {
    expect([stoppingMetric(binaryTask, "auc", 999), stoppingMetric(binaryTask, "auc", 1000), stoppingMetric(binaryTask, "logloss", 10)]).toEqual([null, "auc", "logloss"]);
    expect(stoppingMetric(regressionTask, "rmse", 10)).toBe("rmse");
    const input = binaryData(1500);
    const { reports, ctx: c } = ctx("auc");
    const res = await fit(input, { ...small, learning_rate: 0.3, early_stopping_rounds: 10 }, c);
    expect(input.yVal.length).toBeLessThan(SMALL_VALIDATION_ROWS);
    expect(res.reason).toBe("early stopping");
    expect(reports[res.bestEpoch - 1].valLoss).toBe(Math.min(...reports.map((r) => r.valLoss)));
    // the metric is still reported every round, for the learning curves
    expect(reports.every((r) => r.valMetric !== null)).toBe(true);
  });

  it("watches the validation loss where the metric does not apply to the task", async () => {
    const input = split(binaryTask, dataset(1200, 5, 8, (_x, rng) => (rng.float() < 0.5 ? 1 : 0)), 800);
    const { reports, ctx: c } = ctx("rmse");
    const res = await fit(input, { ...small, early_stopping_rounds: 10 }, c);
    expect(reports.every((r) => r.valMetric === null && r.trainMetric === null)).toBe(true);
    expect(res.reason).toBe("early stopping");
    expect(reports[res.bestEpoch - 1].valLoss).toBe(Math.min(...reports.map((r) => r.valLoss)));
  });

  it("ctx.epochs trains exactly that many rounds, with an empty validation set", async () => {
    const input = regressionData();
    const empty = { ...input, xVal: { rows: 0, cols: input.xVal.cols, data: new Float32Array(0) }, yVal: new Float32Array(0) };
    const { reports, ctx: c } = ctx("r2", { epochs: 7 });
    const res = await fit(empty, small, c);
    expect([res.epochs, res.bestEpoch, res.reason, res.model.rounds]).toEqual([7, 7, "max epochs", 7]);
    expect(reports).toHaveLength(7);
    expect(reports.every((r) => Number.isNaN(r.valLoss) && r.valMetric === null && r.trainMetric !== null)).toBe(true);
    // the training loss (squared error of the standardised target) falls every round
    for (let i = 1; i < 7; i++) expect(reports[i].trainLoss).toBeLessThan(reports[i - 1].trainLoss);
  });

  it("a past deadline ends training after the first round; onEpoch 'stop' after the round it says so", async () => {
    const input = binaryData(1000);
    const late = await fit(input, small, ctx("auc", { deadline: Date.now() - 1 }).ctx);
    expect([late.epochs, late.bestEpoch, late.reason, late.model.rounds]).toEqual([1, 1, "deadline", 1]);
    const stopped = await fit(input, small, ctx("auc", { stopAt: 3 }).ctx);
    expect([stopped.epochs, stopped.reason]).toEqual([3, "stopped"]);
    expect(stopped.model.rounds).toBe(stopped.bestEpoch);
  });

  it("sample weights: all ones is the same model as none; weighting a class raises its probability", async () => {
    const input = binaryData(1500);
    const none = await fit(input, { ...small, subsample: 0.8 }, ctx("auc").ctx);
    const ones = await fit({ ...input, sampleWeight: new Float32Array(input.yTrain.length).fill(1) }, { ...small, subsample: 0.8 }, ctx("auc").ctx);
    expect(bits(ones.model.predict(input.xVal))).toBe(bits(none.model.predict(input.xVal)));

    const heavy = Float32Array.from(input.yTrain, (y) => (y === 1 ? 5 : 1));
    const weighted = await fit({ ...input, sampleWeight: heavy }, small, ctx("auc", { epochs: 30 }).ctx);
    const plain = await fit(input, small, ctx("auc", { epochs: 30 }).ctx);
    const meanPositive = (m: FittedModel) => {
      const p = m.predict(input.xVal);
      let s = 0;
      for (let r = 0; r < input.yVal.length; r++) s += p[2 * r + 1] / input.yVal.length;
      return s;
    };
    expect(meanPositive(weighted.model)).toBeGreaterThan(meanPositive(plain.model) + 0.1);
    await expect(fit({ ...input, sampleWeight: new Float32Array(3) }, small, ctx("auc").ctx)).rejects.toThrow(/sample weights/);
  });

  it("rejects class codes outside the task", async () => {
    const input = binaryData(200);
    const bad = { ...input, yTrain: Float32Array.from(input.yTrain, (y, i) => (i === 5 ? 2 : y)) };
    await expect(fit(bad, small, ctx("auc").ctx)).rejects.toThrow(/class code/);
  });
});

describe("gbdt family: persistence and space", () => {
  it("save → load predicts exactly the same, with the same node count", async () => {
    for (const [name, input] of [["multiclass", multiclassData()], ["regression", regressionData()]] as const) {
      const res = await fit(input, { ...small, max_rounds: 30 }, ctx(name === "regression" ? "rmse" : "logloss").ctx);
      const dir = path.join(tmp(), name, "nested");
      await res.model.save(dir);
      const loaded = await gbdtFamily.load(dir, { type: input.task.type, classes: [] });
      expect(bits(loaded.predict(input.xVal))).toBe(bits(res.model.predict(input.xVal)));
      expect(loaded.paramCount()).toBe(res.model.paramCount());
      expect(res.model.paramCount()).toBe(res.model.trees.reduce((n, t) => n + t.leaves() * 2 - 1, 0));
      await expect(gbdtFamily.load(dir, name === "regression" ? binaryTask : regressionTask)).rejects.toThrow(/saved model is for/);
    }
  });

  it("rejects a file whose trees are not trees", async () => {
    const res = await fit(binaryData(300), small, ctx("auc", { epochs: 2 }).ctx);
    const dir = path.join(tmp(), "corrupt");
    await res.model.save(dir);
    const file = JSON.parse(await fs.readFile(path.join(dir, "model.json"), "utf8"));
    file.trees[0].left[0] = 0; // a cycle back to the root
    await fs.writeFile(path.join(dir, "model.json"), JSON.stringify(file));
    await expect(gbdtFamily.load(dir, binaryTask)).rejects.toThrow(/children out of order/);
    // node arrays are checked element by element, in one loop each
    file.trees[0].left[0] = "1";
    await fs.writeFile(path.join(dir, "model.json"), JSON.stringify(file));
    await expect(gbdtFamily.load(dir, binaryTask)).rejects.toThrow(/expected an array of node indices/);
    file.trees[0].left[0] = 1;
    file.trees[0].value[0] = null;
    await fs.writeFile(path.join(dir, "model.json"), JSON.stringify(file));
    await expect(gbdtFamily.load(dir, binaryTask)).rejects.toThrow(/expected an array of numbers/);
  });

  it("asks max_depth depth-wise and max_leaves leaf-wise; every proposal and the defaults parse", async () => {
    const asked = (growth: string) => {
      const names: string[] = [];
      const suggest: Suggest = {
        int: (name, low) => (names.push(name), low),
        float: (name, low) => (names.push(name), low),
        choice: (name, choices) => (names.push(name), (name === "growth" ? growth : choices[0]) as never),
        bool: (name) => (names.push(name), false),
        fixed: (name, value) => (names.push(name), value),
      };
      return { params: gbdtFamily.defineSpace(suggest, binaryTask), names };
    };
    const depthwise = asked("depthwise");
    expect(depthwise.names).toContain("max_depth");
    expect(depthwise.names).not.toContain("max_leaves");
    const leafwise = asked("leafwise");
    expect(leafwise.names).toContain("max_leaves");
    expect(leafwise.names).not.toContain("max_depth");
    expect(leafwise.params).toMatchObject({ max_bins: 255, max_rounds: 2000, early_stopping_rounds: 50, min_split_gain: 0 });
    // the smallest proposals are stumps (boosting a nearly additive model, as on telco-churn), and they train
    expect([depthwise.params.max_depth, leafwise.params.max_leaves]).toEqual([1, 2]);
    for (const p of [depthwise.params, leafwise.params, gbdtFamily.defaultParams(binaryTask)]) {
      const res = await fit(binaryData(300), p, ctx("auc", { epochs: 2 }).ctx);
      expect(res.epochs).toBe(2);
      if (p !== depthwise.params && p !== leafwise.params) continue;
      expect(res.model.trees.map((t) => t.leaves())).toEqual([2, 2]);
    }
    await expect(fit(binaryData(300), { ...small, typo: 1 }, ctx("auc").ctx)).rejects.toThrow();
  });
});
