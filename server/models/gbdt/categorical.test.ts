import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { score } from "../../automl/estimation/metrics";
import type { Params } from "../../automl/space/suggest";
import type { FitInput } from "../family";
import { BinEdges } from "./bins";
import { gbdtFamily } from "./index";
import type { FittedGbdt } from "./model";
import { bits, ctx, fitter, suiteTempDir } from "../shared/fit-harness";
import { binaryTask, multiclassTask } from "../shared/test-data";
import { binaryData, categoricalData, POSITIVE_CODES } from "./test-data";

const tmp = suiteTempDir("gbdt-categorical-");
const fit = fitter<FittedGbdt>(gbdtFamily);

const POSITIVE = POSITIVE_CODES;

const stumps: Params = { learning_rate: 0.5, growth: "depthwise", max_depth: 1, max_rounds: 3, early_stopping_rounds: 10 };
const auc = (input: FitInput, model: FittedGbdt) => score("auc", input.task, input.yVal, model.predict(input.xVal));
const one = (v: number) => ({ rows: 1, cols: 4, data: Float32Array.of(v, 0, 0, 0) });

describe("gbdt: categorical splits", () => {
  it("a stump splits the categories into their two groups, where thresholds on the codes cannot", async () => {
    const input = categoricalData();
    const { categorical, ...numeric } = input;
    const cat = await fit(input, stumps, ctx("auc").ctx);
    const num = await fit(numeric, stumps, ctx("auc").ctx);
    const [withCats, without] = [auc(input, cat.model), auc(input, num.model)];
    // 0.9/0.1 labels: the true probabilities score 0.878 on these rows
    expect(withCats).toBeGreaterThan(0.87);
    expect(without).toBeLessThan(0.75);
    expect(categorical).toEqual([20, null, null, null]);

    const root = cat.model.trees[0];
    expect(root.feature[0]).toBe(0);
    expect(root.threshold[0]).toBe(20); // a categorical split holds the category count
    const left = root.leftCategories(0)!;
    const positiveLeft = left.includes(POSITIVE[0]);
    expect(left).toEqual(positiveLeft ? POSITIVE : Array.from({ length: 20 }, (_, c) => c).filter((c) => !POSITIVE.includes(c)));
    // training chose the positive side for "no category"; NaN and codes the column does not have go the same way
    expect(root.missingLeft[0]).toBe(positiveLeft ? 1 : 0);
    const leafOf = (v: number) => root.leafOf(one(v).data, 0);
    for (let c = 0; c < 20; c++) expect(leafOf(c) === leafOf(-1)).toBe(POSITIVE.includes(c));
    const pMissing = cat.model.predict(one(-1))[1];
    for (const v of [NaN, 20, 37, 2.5]) expect(cat.model.predict(one(v))[1]).toBe(pMissing);
    expect(pMissing).toBeGreaterThan(cat.model.predict(one(0))[1] + 0.3);
    expect(num.model.trees.every((t) => t.catStart === undefined)).toBe(true);
  });

  it("both growth policies use them, in every class's trees", async () => {
    const input = categoricalData();
    for (const params of [
      { learning_rate: 0.5, growth: "depthwise", max_depth: 2, max_rounds: 2 },
      { learning_rate: 0.5, growth: "leafwise", max_leaves: 4, max_rounds: 2 },
    ] as Params[]) {
      const cat = await fit(input, params, ctx("auc").ctx);
      const num = await fit({ ...input, categorical: undefined }, params, ctx("auc").ctx);
      // two small trees: as good as the true probabilities (0.878 on these rows) with categories, far from it without
      expect(auc(input, cat.model)).toBeGreaterThan(0.87);
      expect(auc(input, cat.model)).toBeGreaterThan(auc(input, num.model) + 0.05);
      expect(cat.model.trees[0].leftCategories(0)).toEqual(POSITIVE);
    }
    // three classes: positive rows are class 2, the others class 0 or 1 by the parity of the code (-1: odd)
    const parity = (v: number) => Math.abs(v) % 2;
    const multi: FitInput = {
      ...input,
      task: multiclassTask,
      yTrain: input.yTrain.map((y, r) => (y === 1 ? 2 : parity(input.xTrain.data[r * 4]))),
      yVal: input.yVal.map((y, r) => (y === 1 ? 2 : parity(input.xVal.data[r * 4]))),
    };
    const res = await fit(multi, { learning_rate: 0.3, growth: "leafwise", max_leaves: 6, max_rounds: 10 }, ctx("accuracy").ctx);
    expect(res.model.trees.slice(0, 3).every((t) => t.leftCategories(0) !== null)).toBe(true);
  });

  it("more categories than bins: binned as a number instead", async () => {
    const input = categoricalData();
    const res = await fit(input, { ...stumps, max_bins: 16 }, ctx("auc").ctx);
    expect(res.model.trees.every((t) => t.catStart === undefined)).toBe(true);
    const edges = BinEdges.fit(input.xTrain, 16, 1, input.categorical);
    expect(edges.categories[0]).toBe(0);
    expect(() => BinEdges.fit(input.xTrain, 255, 1, [20])).toThrow(/categorical info for 1 features, got 4 columns/);
  });

  it("bins a categorical column by code; anything but a code is missing", () => {
    const x = { rows: 8, cols: 1, data: Float32Array.of(0, 4, 2, -1, NaN, 5, 1.5, 4) };
    const edges = BinEdges.fit(x, 255, 1, [5]);
    expect(Array.from(edges.upper[0])).toEqual([0.5, 1.5, 2.5, 3.5]);
    const b = edges.bin(x);
    expect(b.missingBin[0]).toBe(5);
    expect(Array.from(b.codes[0])).toEqual([0, 4, 2, 5, 5, 5, 5, 4]);
    expect(b.categories[0]).toBe(5);
    expect(edges.bin(x).splittable).toEqual(Int32Array.of(0));
  });

  it("save → load predicts bit for bit; the file is version 2, and version 1 files still load", async () => {
    const input = categoricalData();
    const res = await fit(input, { learning_rate: 0.3, growth: "leafwise", max_leaves: 6, max_rounds: 10 }, ctx("auc").ctx);
    const dir = path.join(tmp(), "categorical");
    await res.model.save(dir);
    const file = JSON.parse(await fs.readFile(path.join(dir, "model.json"), "utf8"));
    expect(file.format).toBe("automl-studio/gbdt@2");
    expect(file.trees[0].catBits.length).toBeGreaterThan(0);
    const loaded = (await gbdtFamily.load(dir, binaryTask)) as FittedGbdt;
    expect(bits(loaded.predict(input.xVal))).toBe(bits(res.model.predict(input.xVal)));
    expect(loaded.trees[0].leftCategories(0)).toEqual(res.model.trees[0].leftCategories(0));

    // a model saved before categorical splits: format 1, trees without catStart/catBits
    const old = binaryData(500);
    const plain = await fit(old, { ...stumps, max_depth: 3, max_rounds: 5 }, ctx("auc").ctx);
    const oldDir = path.join(tmp(), "version-1");
    await plain.model.save(oldDir);
    const v1 = JSON.parse(await fs.readFile(path.join(oldDir, "model.json"), "utf8"));
    expect(v1.trees.every((t: object) => !("catStart" in t) && !("catBits" in t))).toBe(true);
    v1.format = "automl-studio/gbdt@1";
    await fs.writeFile(path.join(oldDir, "model.json"), JSON.stringify(v1));
    const loadedV1 = await gbdtFamily.load(oldDir, binaryTask);
    expect(bits(loadedV1.predict(old.xVal))).toBe(bits(plain.model.predict(old.xVal)));

    // a categorical split's bitset must fit its category count
    file.trees[0].catBits.push(0);
    file.trees[0].catStart = file.trees[0].catStart.map((s: number, i: number) => (i > 0 && s > 0 ? s + 1 : s));
    await fs.writeFile(path.join(dir, "model.json"), JSON.stringify(file));
    await expect(gbdtFamily.load(dir, binaryTask)).rejects.toThrow(/words of categories/);
  });
});
