import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../automl/rng";
import type { Params } from "../../automl/space/suggest";
import type { FitInput, Matrix, Task } from "../../models/family";
import { linearFamily } from "../../models/linear";
import { portableLinear } from "./linear-export";
import { PortableLinear, predictLinear } from "./linear-format";

/**
 * The portable linear model predicts what the family's FittedModel.predict does, bit for bit, for each task and
 * penalty; and the JSON it is written as reads back through its schema to the same predictions.
 */

let dir = "";
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "portable-linear-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const binary: Task = { type: "binary", classes: ["no", "yes"] };
const multiclass: Task = { type: "multiclass", classes: ["a", "b", "c", "d"] };
const regression: Task = { type: "regression", classes: [] };

/** rows x cols normal features (cols not a multiple of 4, so the dot products' tail is used) and a noisy linear target */
function data(task: Task, rows: number, cols: number, seed: number): { x: Matrix; y: Float32Array } {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: rows * cols }, () => rng.normal());
  const y = new Float32Array(rows);
  const k = task.type === "multiclass" ? task.classes.length : 1;
  for (let r = 0; r < rows; r++) {
    const score = (c: number) => x.subarray(r * cols, (r + 1) * cols).reduce((s, v, j) => s + v * Math.sin(1 + j + 3 * c), 0) + rng.normal();
    if (task.type === "regression") y[r] = 250 + 40 * score(0);
    else if (task.type === "binary") y[r] = score(0) > 0.5 ? 1 : 0;
    else y[r] = Array.from({ length: k }, (_, c) => score(c)).reduce((best, v, c, all) => (v > all[best] ? c : best), 0);
  }
  return { x: { rows, cols, data: x }, y };
}

function input(task: Task, seed: number): FitInput {
  const { x, y } = data(task, 600, 7, seed);
  const train = 450;
  return {
    task,
    xTrain: { rows: train, cols: x.cols, data: x.data.subarray(0, train * x.cols) },
    yTrain: y.subarray(0, train),
    xVal: { rows: x.rows - train, cols: x.cols, data: x.data.subarray(train * x.cols) },
    yVal: y.subarray(train),
  };
}

const ctx = { seed: 3, metric: "logloss" as const, deadline: Infinity, onEpoch: async () => "continue" as const };

const cases: [string, Task, Params][] = [
  ["binary, l2", binary, { penalty: "l2", alpha: 1e-4 }],
  ["binary, l1", binary, { penalty: "l1", alpha: 0.02 }],
  ["multiclass, elastic net", multiclass, { penalty: "elasticnet", alpha: 0.01, l1_ratio: 0.3 }],
  ["regression, l2", regression, { penalty: "l2", alpha: 1e-3 }],
  ["regression, l1", regression, { penalty: "l1", alpha: 0.05 }],
];

describe("portable linear model", () => {
  it.each(cases)("%s: predictLinear equals FittedModel.predict bit for bit, after a JSON round trip", async (name, task, params) => {
    const fit = await linearFamily.fit(input(task, 11), params, { ...ctx, metric: task.type === "regression" ? "rmse" : "logloss" });
    const modelDir = path.join(dir, name.replace(/\W+/g, "-"));
    await fit.model.save(modelDir);
    const portable = PortableLinear.parse(JSON.parse(JSON.stringify(await portableLinear(modelDir, task, "linear"))));
    expect(portable.link).toBe({ binary: "logistic", multiclass: "softmax", regression: "identity" }[task.type]);
    expect(portable.coef).toHaveLength(task.type === "multiclass" ? 4 : 1);
    expect(portable.target !== null).toBe(task.type === "regression");

    const fresh = data(task, 300, 7, 99).x;
    const want = fit.model.predict(fresh);
    const got = predictLinear(portable, fresh, task);
    expect(got.length).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThan(1e-6);
    expect(Array.from(got)).toEqual(Array.from(want));
    fit.model.dispose();
  });

  it("the regression target's scaler: coefficients in standard deviations of the target, prediction = score * std + mean", async () => {
    const fit = await linearFamily.fit(input(regression, 5), { penalty: "l2", alpha: 1e-3 }, { ...ctx, metric: "rmse" });
    const modelDir = path.join(dir, "scaler");
    await fit.model.save(modelDir);
    const portable = await portableLinear(modelDir, regression, "linear");
    expect(portable.target!.mean).toBeGreaterThan(200);
    expect(portable.target!.std).toBeGreaterThan(20);
    const zero: Matrix = { rows: 1, cols: 7, data: new Float32Array(7) };
    expect(predictLinear(portable, zero, regression)[0]).toBeCloseTo(portable.intercept[0] * portable.target!.std + portable.target!.mean, 3);
  });

  it("refuses a matrix of the wrong width and a model of another task", async () => {
    const fit = await linearFamily.fit(input(binary, 2), { penalty: "l2", alpha: 1e-4 }, ctx);
    const modelDir = path.join(dir, "refuse");
    await fit.model.save(modelDir);
    const portable = await portableLinear(modelDir, binary, "linear");
    expect(() => predictLinear(portable, { rows: 1, cols: 6, data: new Float32Array(6) }, binary)).toThrow(/expected 7 columns/);
    expect(() => predictLinear(portable, { rows: 1, cols: 7, data: new Float32Array(7) }, multiclass)).toThrow(/logistic model cannot predict a multiclass/);
  });
});
