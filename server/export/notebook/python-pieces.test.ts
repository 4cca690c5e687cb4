import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyCalibration, type CalibrationState, decide } from "../../automl/calibration/calibration-state";
import { fitIsotonic } from "../../automl/calibration/isotonic";
import { greaterIsBetter, METRICS_BY_TASK, score } from "../../automl/estimation/metrics";
import { createRng } from "../../automl/rng";
import type { Params } from "../../automl/space/suggest";
import { Metric } from "../../contracts/dataset";
import { sampleWeights } from "../../data/class-weights";
import { inferColumnTypes } from "../../data/infer-types";
import { encodeLabel } from "../../data/label";
import { parseCsvFile } from "../../data/parse-csv";
import { fitTransform, transform } from "../../data/preprocess";
import { makeSplit } from "../../data/split";
import { stackingFeatures, weightedAverage } from "../../models/ensemble/combine";
import type { FitInput, Matrix, Task } from "../../models/family";
import { linearFamily } from "../../models/linear";
import { portableLinear } from "../portable/linear-export";
import { pythonSource, type PythonModule } from "./python-source";
import { hasPython, runPython } from "./testing/run-python";

/**
 * The notebooks' Python pieces against the studio's TypeScript on the same inputs: linear replay and retraining,
 * calibration, ensemble combination and metrics. Each case runs the modules, pasted together as a notebook does,
 * with a driver that calls one function per entry of calls.json and prints the results.
 */

const CREDIT = "/work/shared/datasets/credit-g.csv";
const DRIVER = `
import json, sys
out = []
for call in json.load(open("calls.json")):
    result = globals()[call["fn"]](*call["args"])
    if "predict" in call:
        result = result.predict(np.asarray(call["predict"], dtype=np.float32))
    out.append(result if isinstance(result, (dict, bool)) else np.asarray(result, dtype=np.float64).ravel().tolist())
print(json.dumps(out))
`;

interface Call {
  fn: string;
  args: unknown[];
  predict?: number[][];
}

let dir = "";
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "python-pieces-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function python<T = number[]>(modules: PythonModule[], calls: Call[]): Promise<T[]> {
  await fs.writeFile(path.join(dir, "calls.json"), JSON.stringify(calls));
  const source = [...modules.map(pythonSource), DRIVER].join("\n\n");
  return JSON.parse(await runPython(source, { cwd: dir })) as T[];
}

const rowsOf = (m: Matrix) => Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
const pyTask = (t: Task) => ({ type: t.type, classes: t.classes });
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

const binary: Task = { type: "binary", classes: ["bad", "good"] };
const multiclass: Task = { type: "multiclass", classes: ["a", "b", "c"] };
const regression: Task = { type: "regression", classes: [] };
const ctx = { seed: 1, metric: "logloss" as const, deadline: Infinity, onEpoch: async () => "continue" as const };

/** rows x 6 normal features and a noisy linear target; the first `train` rows train, the rest validate */
function synthetic(task: Task, rows: number, train: number, seed: number): FitInput {
  const rng = createRng(seed);
  const cols = 6;
  const x = Float32Array.from({ length: rows * cols }, () => rng.normal());
  const score = (r: number, c: number) => x.subarray(r * cols, (r + 1) * cols).reduce((s, v, j) => s + v * Math.cos(j + 2 * c), 0) + 0.7 * rng.normal();
  const y = Float32Array.from({ length: rows }, (_, r) => {
    if (task.type === "regression") return 30 + 8 * score(r, 0);
    if (task.type === "binary") return score(r, 0) > 0.8 ? 1 : 0;
    const s = [0, 1, 2].map((c) => score(r, c));
    return s.indexOf(Math.max(...s));
  });
  const part = (from: number, to: number): Matrix => ({ rows: to - from, cols, data: x.subarray(from * cols, to * cols) });
  return { task, xTrain: part(0, train), yTrain: y.subarray(0, train), xVal: part(train, rows), yVal: y.subarray(train) };
}

describe.skipIf(!hasPython)("notebook Python pieces against the studio (needs /usr/bin/python3 with numpy)", () => {
  it("predict_linear replays the portable model within 1e-5 (binary, multiclass, regression)", async () => {
    const fits = await Promise.all(
      [binary, multiclass, regression].map(async (task, i) => {
        const fit = await linearFamily.fit(synthetic(task, 900, 600, 7 + i), { penalty: "elasticnet", alpha: 3e-3, l1_ratio: 0.5 }, ctx);
        const modelDir = path.join(dir, `replay-${task.type}`);
        await fit.model.save(modelDir);
        return { task, model: fit.model, portable: await portableLinear(modelDir, task, "linear"), x: synthetic(task, 400, 0, 50 + i).xVal };
      }),
    );
    const got = await python(["linear"], fits.map((f) => ({ fn: "predict_linear", args: [f.portable, rowsOf(f.x), pyTask(f.task)] })));
    fits.forEach((f, i) => expect(maxDiff(got[i], f.model.predict(f.x)), f.task.type).toBeLessThan(1e-5));
  });

  it("retrain_linear runs the studio's solver: the same model after the same iterations (weights, penalties, tasks)", async () => {
    const cases: { task: Task; params: Params; epochs: number; weighted: boolean }[] = [
      { task: binary, params: { penalty: "l2", alpha: 1e-4 }, epochs: 40, weighted: true },
      { task: binary, params: { penalty: "l1", alpha: 0.01 }, epochs: 150, weighted: false },
      { task: multiclass, params: { penalty: "elasticnet", alpha: 1e-3, l1_ratio: 0.3 }, epochs: 80, weighted: true },
      { task: regression, params: { penalty: "l2", alpha: 1e-4 }, epochs: 30, weighted: false },
      { task: regression, params: { penalty: "elasticnet", alpha: 0.02, l1_ratio: 0.7 }, epochs: 200, weighted: false },
    ];
    const runs = await Promise.all(
      cases.map(async (c, i) => {
        const data = synthetic(c.task, 1000, 800, 20 + i);
        const weights = c.weighted ? sampleWeights(data.yTrain, c.task, "balanced") : undefined;
        const fit = await linearFamily.fit({ ...data, sampleWeight: weights }, c.params, { ...ctx, epochs: c.epochs });
        const spec = { family: "linear", hyperparameters: c.params, epochs: c.epochs, model: null };
        const call = { fn: "retrain_linear", args: [spec, rowsOf(data.xTrain), Array.from(data.yTrain), pyTask(c.task), 1, weights ? Array.from(weights) : null], predict: rowsOf(data.xVal) };
        return { want: fit.model.predict(data.xVal), call };
      }),
    );
    const got = await python(["linear"], runs.map((r) => r.call));
    runs.forEach((r, i) => expect(maxDiff(got[i], r.want), JSON.stringify(cases[i])).toBeLessThan(1e-5));
  });

  it("retrains credit-g's default linear model in Python within 0.02 AUC on a held-out 25%", async () => {
    const table = await parseCsvFile(CREDIT);
    const { y, classes, rowsWithLabel } = encodeLabel(table, "class", "binary");
    const split = makeSplit({ y, rows: rowsWithLabel, problemType: "binary", seed: 7, testFraction: 0.25 });
    const { state, train } = fitTransform(table, inferColumnTypes(table), { label: "class", trainRows: split.train });
    const pick = (r: number[]) => Float32Array.from(r, (i) => y[i]);
    const [xVal, xTest] = [split.valid, split.test].map((r) => transform(state, table, r));
    const yTest = pick(split.test);
    const task: Task = { type: "binary", classes };
    const params = linearFamily.defaultParams(task);
    const fit = await linearFamily.fit({ task, xTrain: train, yTrain: pick(split.train), xVal, yVal: pick(split.valid) }, params, { ...ctx, metric: "auc" });
    const studio = score("auc", task, yTest, fit.model.predict(xTest));
    // the archived model is the best iteration's: retraining runs that many
    const spec = { family: "linear", hyperparameters: params, epochs: fit.bestEpoch, model: null };
    await fs.writeFile(path.join(dir, "credit.json"), JSON.stringify({ spec, x: rowsOf(train), y: Array.from(pick(split.train)), xTest: rowsOf(xTest), yTest: Array.from(yTest), task, studio }));
    const driver = `
import json
c = json.load(open("credit.json"))
model = retrain_linear(c["spec"], np.asarray(c["x"], dtype=np.float32), np.asarray(c["y"]), c["task"], 1)
auc = score("auc", np.asarray(c["yTest"]), model.predict(np.asarray(c["xTest"], dtype=np.float32)), c["task"])
print(json.dumps({"auc": auc, "ok": within_tolerance("auc", c["studio"], auc)}))
`;
    const out = JSON.parse(await runPython([pythonSource("linear"), pythonSource("metrics"), driver].join("\n\n"), { cwd: dir }));
    expect(studio).toBeGreaterThan(0.7);
    expect(out.ok).toBe(true);
    expect(Math.abs(out.auc - studio)).toBeLessThan(1e-6);
  });

  it("apply_calibration and decide equal the studio's for every calibrator kind", async () => {
    const rng = createRng(4);
    const scores = Float64Array.from({ length: 300 }, () => Math.fround(rng.float()));
    const iso = fitIsotonic(scores, Array.from(scores, (s) => (rng.float() < s ? 1 : 0)));
    // edges, exact breakpoints, a tie with the threshold, and random rows
    const p1 = Float32Array.from([0, 1, 0.35, 0.5, 1e-9, 1 - 1e-7, iso.x[0] - 0.01, iso.x[3], iso.x[iso.x.length - 1] + 0.001, ...Array.from({ length: 200 }, () => rng.float())]);
    const binaryProbs = new Float32Array(p1.length * 2);
    p1.forEach((p, i) => binaryProbs.set([1 - p, p], 2 * i));
    const multiProbs = Float32Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? 0 : rng.float()));
    for (let r = 0; r < 200; r++) {
      const row = multiProbs.subarray(3 * r, 3 * r + 3);
      const s = row.reduce((a, b) => a + b, 0);
      row.forEach((v, c) => (row[c] = s > 0 ? v / s : 1 / 3));
    }
    const states: [CalibrationState | null, Float32Array, number][] = [
      [null, binaryProbs, 2],
      [{ kind: "none", threshold: 0.35 }, binaryProbs, 2],
      [{ kind: "platt", a: 1.7, b: -0.4, threshold: 0.6 }, binaryProbs, 2],
      [{ kind: "isotonic", x: iso.x, y: iso.y, threshold: 0.35 }, binaryProbs, 2],
      [{ kind: "temperature", t: 1.8 }, multiProbs, 3],
      [{ kind: "temperature", t: 0.45 }, multiProbs, 3],
      [null, multiProbs, 3],
    ];
    const calls = states.flatMap(([state, probs, k]) => {
      const task = k === 2 ? binary : multiclass;
      const calibrated = state ? applyCalibration(state, probs, k) : probs;
      const rows = Array.from({ length: probs.length / k }, (_, r) => Array.from(probs.subarray(r * k, (r + 1) * k)));
      const calRows = Array.from({ length: probs.length / k }, (_, r) => Array.from(calibrated.subarray(r * k, (r + 1) * k)));
      return [
        { fn: "apply_calibration", args: [state, rows, pyTask(task)] },
        { fn: "decide", args: [state, calRows, pyTask(task)] },
      ];
    });
    const got = await python(["calibration"], calls);
    states.forEach(([state, probs, k], i) => {
      const calibrated = state ? applyCalibration(state, probs, k) : probs;
      expect(maxDiff(got[2 * i], calibrated), `${state?.kind} apply`).toBe(0);
      expect(got[2 * i + 1], `${state?.kind} decide`).toEqual(Array.from(decide(state ?? { kind: "none" }, calibrated, k)));
    });
  });

  it("weighted_average and stacking_features equal combine.ts bit for bit", async () => {
    const rng = createRng(8);
    const cases: [Task, number][] = [
      [binary, 2],
      [multiclass, 3],
      [regression, 1],
    ];
    const members = cases.map(([task, k]) =>
      [0, 1, 2].map(() => {
        const p = Float32Array.from({ length: 150 * k }, () => (task.type === "regression" ? 100 * rng.normal() : rng.float()));
        if (task.type !== "regression") p.set(k === 2 ? [1, 0, 1e-8, 1 - 1e-8] : [0, 1e-9, 1]);
        return p;
      }),
    );
    const weights = [0.5, 0.3, 0.2];
    const width = (k: number) => (k === 1 ? 1 : k);
    const asRows = (p: Float32Array, k: number) => (k === 1 ? Array.from(p) : Array.from({ length: p.length / k }, (_, r) => Array.from(p.subarray(r * k, (r + 1) * k))));
    const calls = cases.flatMap(([task, k], i) => [
      { fn: "weighted_average", args: [members[i].map((p) => asRows(p, width(k))), weights] },
      { fn: "stacking_features", args: [members[i].map((p) => asRows(p, width(k))), pyTask(task)] },
    ]);
    const got = await python(["ensemble"], calls);
    cases.forEach(([task], i) => {
      expect(maxDiff(got[2 * i], weightedAverage(members[i], weights)), `${task.type} average`).toBe(0);
      expect(maxDiff(got[2 * i + 1], stackingFeatures(members[i], task).data), `${task.type} stacking`).toBe(0);
    });
  });

  it("score() equals metrics.ts for every metric (ties, thresholds); directions and retrain tolerances", async () => {
    const rng = createRng(12);
    const n = 500;
    // probabilities on a coarse grid, so that many scores tie
    const grid = () => Math.round(rng.float() * 20) / 20;
    const yBin = Float32Array.from({ length: n }, () => (rng.float() < 0.3 ? 1 : 0));
    const pBin = new Float32Array(2 * n);
    yBin.forEach((y, i) => {
      const p = i % 2 ? grid() : Math.min(1, Math.max(0, 0.3 * y + 0.7 * rng.float()));
      pBin.set([1 - p, p], 2 * i);
    });
    const yMulti = Float32Array.from({ length: n }, () => rng.int(0, 2));
    const pMulti = Float32Array.from({ length: 3 * n }, (_, i) => (i % 7 === 0 ? 0 : grid()));
    const yReg = Float32Array.from({ length: n }, () => 1000 + 50 * rng.normal());
    const pReg = Float32Array.from(yReg, (v) => v + 20 * rng.normal());
    const sets: [Task, Float32Array, Float32Array, number, number | undefined][] = [
      [binary, yBin, pBin, 2, undefined],
      [binary, yBin, pBin, 2, 0.35],
      [multiclass, yMulti, pMulti, 3, undefined],
      [regression, yReg, pReg, 1, undefined],
    ];
    const expected: number[] = [];
    const calls: Call[] = [];
    for (const [task, y, p, k, threshold] of sets) {
      const preds = k === 1 ? Array.from(p) : Array.from({ length: n }, (_, r) => Array.from(p.subarray(r * k, (r + 1) * k)));
      for (const metric of METRICS_BY_TASK[task.type]) {
        expected.push(score(metric, task, y, p, { threshold }));
        calls.push({ fn: "score", args: [metric, Array.from(y), preds, pyTask(task), threshold ?? null] });
      }
    }
    const tolerance: [Metric, number, number, boolean][] = [
      ["auc", 0.8, 0.815, true],
      ["auc", 0.8, 0.779, false],
      ["logloss", 0.45, 0.469, true],
      ["accuracy", 0.75, 0.725, false],
      ["rmse", 10, 10.19, true],
      ["rmse", 10, 9.79, false],
      ["mae", 200, 203.9, true],
    ];
    tolerance.forEach(([metric, studio, replayed]) => calls.push({ fn: "within_tolerance", args: [metric, studio, replayed] }));
    const got = await python<number[] | boolean>(["metrics"], calls);
    expected.forEach((want, i) => {
      const value = (got[i] as number[])[0];
      expect(Math.abs(value - want) / Math.max(Math.abs(want), 1e-300), `${JSON.stringify(calls[i].args[0])} on call ${i}`).toBeLessThan(1e-9);
    });
    tolerance.forEach(([metric, , , ok], i) => expect(got[expected.length + i], metric).toBe(ok));
    const directions = JSON.parse(await runPython(`${pythonSource("metrics")}\nimport json\nprint(json.dumps(METRIC_DIRECTION))`));
    expect(directions).toEqual(Object.fromEntries(Metric.options.map((m) => [m, greaterIsBetter(m) ? "max" : "min"])));
  });
});
