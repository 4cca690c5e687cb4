import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { score } from "../../automl/estimation/metrics";
import type { Params } from "../../automl/space/suggest";
import { categoricalColumns } from "../../data/categorical-columns";
import { inferColumnTypes } from "../../data/infer-types";
import { encodeLabel } from "../../data/label";
import { parseCsvFile } from "../../data/parse-csv";
import { fitTransform, transform } from "../../data/preprocess";
import { fitSelection } from "../../data/selection/select";
import { makeSplit } from "../../data/split";
import type { FitContext, FitInput, Matrix, ModelFamily, Task } from "../../models/family";
import { forestFamily } from "../../models/forest";
import { gbdtFamily } from "../../models/gbdt";
import { categoricalData, multiclassData } from "../../models/gbdt/test-data";
import { binaryTask, dataset, regressionTask, split } from "../../models/shared/test-data";
import { pythonSource } from "../notebook/python-source";
import { hasPython, runPython } from "../notebook/testing/run-python";
import { PortableTrees, predictTrees } from "./trees-format";
import { portableTrees } from "./trees-export";

const CREDIT = path.resolve(__dirname, "../../../../shared/datasets/credit-g.csv");

let tmp = "";
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "portable-trees-"));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

function fitContext(epochs?: number): FitContext {
  return { seed: 42, metric: "logloss", deadline: Infinity, epochs, onEpoch: async () => "continue" };
}

/** NaN in 15% of column 1's cells (training and validation alike) */
function withMissing(input: FitInput): FitInput {
  const blank = (m: Matrix) => {
    for (let r = 0; r < m.rows; r += 7) m.data[r * m.cols + 1] = NaN;
  };
  blank(input.xTrain);
  blank(input.xVal);
  return input;
}

/** the matrix's rows, then rows of edge values in every column: NaN, ±Infinity, -1 and out-of-range and fractional codes */
function withEdgeRows(x: Matrix): Matrix {
  const edges = [NaN, Infinity, -Infinity, -1, 3.5, 25, 0];
  const data = new Float32Array((x.rows + edges.length) * x.cols);
  data.set(x.data.subarray(0, x.rows * x.cols));
  edges.forEach((v, i) => data.fill(v, (x.rows + i) * x.cols, (x.rows + i + 1) * x.cols));
  return { rows: x.rows + edges.length, cols: x.cols, data };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

const depthwise: Params = { learning_rate: 0.2, growth: "depthwise", max_depth: 4, max_rounds: 40, early_stopping_rounds: 10 };
const binaryMissing = () => withMissing(split(binaryTask, dataset(1200, 5, 3, (x, rng) => (x[0] + x[1] * x[2] + 0.3 * rng.normal() > 0 ? 1 : 0)), 900));
const regression = () => withMissing(split(regressionTask, dataset(1200, 5, 4, (x, rng) => 10 + 4 * (x[0] - x[1] + Math.sin(2 * x[2]) + 0.1 * rng.normal())), 900));

interface Case {
  name: string;
  family: ModelFamily;
  params: Params;
  input: () => FitInput;
}

const CASES: Case[] = [
  { name: "gbdt-binary-nan", family: gbdtFamily, params: depthwise, input: binaryMissing },
  { name: "gbdt-multiclass", family: gbdtFamily, params: { growth: "leafwise", max_leaves: 15, max_rounds: 30 }, input: multiclassData },
  { name: "gbdt-regression-nan", family: gbdtFamily, params: { ...depthwise, subsample: 0.8, colsample_bytree: 0.8 }, input: regression },
  { name: "gbdt-categorical", family: gbdtFamily, params: depthwise, input: categoricalData },
  { name: "forest-binary-nan", family: forestFamily, params: { n_estimators: 25 }, input: binaryMissing },
  { name: "forest-multiclass-et", family: forestFamily, params: { kind: "extra_trees", n_estimators: 25, min_samples_leaf: 3 }, input: multiclassData },
  { name: "forest-regression-nan", family: forestFamily, params: { n_estimators: 20, max_depth: 8, max_features: 0.5 }, input: regression },
];

interface Exported {
  name: string;
  task: Task;
  x: Matrix;
  studio: Float32Array;
  portable: PortableTrees;
}

describe("portable trees", () => {
  const exported: Exported[] = [];

  beforeAll(async () => {
    for (const c of CASES) {
      const input = c.input();
      const { model } = await c.family.fit(input, c.params, fitContext());
      const dir = path.join(tmp, c.name);
      await model.save(dir);
      // through JSON, as portable.json is read: null thresholds and all
      const portable = PortableTrees.parse(JSON.parse(JSON.stringify(await portableTrees(dir, input.task, c.family.name as "gbdt" | "forest"))));
      const x = withEdgeRows(input.xVal);
      exported.push({ name: c.name, task: input.task, x, studio: model.predict(x), portable });
      model.dispose();
    }
  });

  it("predictTrees equals the family's FittedModel.predict bit for bit, NaN and categorical splits included", () => {
    const categorical = exported.find((e) => e.name === "gbdt-categorical")!.portable;
    expect(categorical.trees.some((t) => t.catBits && t.catBits.length > 0)).toBe(true);
    expect(exported.find((e) => e.name === "gbdt-binary-nan")!.portable.trees.some((t) => t.feature.some((f, i) => f === 1 && t.missingLeft[i] === 1))).toBe(true);
    for (const e of exported) {
      const pred = predictTrees(e.portable, e.x, e.task);
      expect(pred.length, e.name).toBe(e.studio.length);
      expect(maxDiff(pred, e.studio), e.name).toBe(0);
    }
  });

  it("rejects a model for another task or input width", () => {
    const e = exported.find((c) => c.name === "gbdt-multiclass")!;
    expect(() => predictTrees(e.portable, e.x, binaryTask)).toThrow(/multiclass task, not binary/);
    expect(() => predictTrees(e.portable, { rows: 1, cols: 2, data: new Float32Array(2) }, e.task)).toThrow(/expected 6 columns/);
  });

  it.skipIf(!hasPython)("trees.py's predict_trees replays every model within 1e-5 of the studio", async () => {
    const cases = [];
    for (const e of exported) {
      await fs.writeFile(path.join(tmp, `${e.name}.json`), JSON.stringify(e.portable));
      await fs.writeFile(path.join(tmp, `${e.name}.x`), e.x.data);
      await fs.writeFile(path.join(tmp, `${e.name}.pred`), e.studio);
      cases.push({ name: e.name, rows: e.x.rows, cols: e.x.cols, task: e.task });
    }
    await fs.writeFile(path.join(tmp, "cases.json"), JSON.stringify(cases));
    const script = `${pythonSource("trees")}
import json
diffs = {}
for c in json.load(open("cases.json")):
    model = json.load(open(c["name"] + ".json"))
    X = np.fromfile(c["name"] + ".x", dtype="<f4").reshape(c["rows"], c["cols"])
    studio = np.fromfile(c["name"] + ".pred", dtype="<f4").astype(np.float64)
    pred = predict_trees(model, X, c["task"])
    assert pred.shape == ((c["rows"],) if c["task"]["type"] == "regression" else (c["rows"], len(c["task"]["classes"]))), pred.shape
    diffs[c["name"]] = float(np.max(np.abs(pred.reshape(-1) - studio)))
print(json.dumps(diffs))
`;
    const diffs = JSON.parse(await runPython(script, { cwd: tmp })) as Record<string, number>;
    expect(Object.keys(diffs).sort()).toEqual(CASES.map((c) => c.name).sort());
    for (const [name, d] of Object.entries(diffs)) expect(d, name).toBeLessThan(1e-5);
  });
});

/** rows `positions` of m */
function rowsOf(m: Matrix, positions: number[]): Matrix {
  const data = new Float32Array(positions.length * m.cols);
  positions.forEach((p, i) => data.set(m.data.subarray(p * m.cols, (p + 1) * m.cols), i * m.cols));
  return { rows: positions.length, cols: m.cols, data };
}

/** a candidate's data: the refit rows x, y (inner train/valid positions within them for early stopping) and the test rows */
interface CandidateData {
  task: Task;
  categorical: (number | null)[];
  x: Matrix;
  y: Float32Array;
  inner: { train: number[]; valid: number[] };
  test: { x: Matrix; y: Float32Array };
}

/**
 * credit-g as the studio prepares it: a stratified split with 25% held out for the test, the default preprocessing
 * fitted on the other 75% (the refit rows).
 */
async function creditG(): Promise<CandidateData> {
  const table = await parseCsvFile(CREDIT);
  const label = encodeLabel(table, "class", "binary");
  const task: Task = { type: "binary", classes: label.classes };
  const parts = makeSplit({ y: label.y, rows: label.rowsWithLabel, problemType: "binary", seed: 7, testFraction: 0.25, validFraction: 0.15 });
  const fitRows = [...parts.train, ...parts.valid].sort((a, b) => a - b);
  const { state, train } = fitTransform(table, inferColumnTypes(table), { label: "class", trainRows: fitRows });
  const y = Float32Array.from(fitRows, (r) => label.y[r]);
  const selection = fitSelection({ x: train, y, task, featureNames: state.featureNames, method: "none", seed: 0 });
  const valid = new Set(parts.valid);
  const inner = { train: [] as number[], valid: [] as number[] };
  fitRows.forEach((r, i) => (valid.has(r) ? inner.valid : inner.train).push(i));
  const test = { x: transform(state, table, parts.test), y: Float32Array.from(parts.test, (r) => label.y[r]) };
  return { task, categorical: categoricalColumns(state, selection), x: train, y, inner, test };
}

/** gbdt's synthetic categorical data (column 0: codes whose positive set no order separates); its validation rows as the test */
function categoricalCodes(): CandidateData {
  const d = categoricalData();
  const n = d.xTrain.rows;
  const cut = Math.round(n * 0.8);
  const inner = { train: Array.from({ length: cut }, (_, i) => i), valid: Array.from({ length: n - cut }, (_, i) => cut + i) };
  return { task: d.task, categorical: d.categorical, x: d.xTrain, y: d.yTrain, inner, test: { x: d.xVal, y: d.yVal } };
}

/**
 * The studio's way to a candidate (a fit with early stopping on the inner split, then a refit of that many epochs on
 * all the refit rows) and trees.py's retrain_trees of it with the same spec: both scored by AUC on the test rows.
 */
async function studioAndRetrain(name: string, family: ModelFamily, d: CandidateData) {
  const params = family.defaultParams(d.task);
  const input = (train: number[], valid: number[]): FitInput => ({
    task: d.task,
    categorical: d.categorical,
    xTrain: rowsOf(d.x, train),
    yTrain: Float32Array.from(train, (i) => d.y[i]),
    xVal: rowsOf(d.x, valid),
    yVal: Float32Array.from(valid, (i) => d.y[i]),
  });
  const search = await family.fit(input(d.inner.train, d.inner.valid), params, fitContext());
  search.model.dispose();
  const refit = await family.fit(input([...d.inner.train, ...d.inner.valid].sort((a, b) => a - b), []), params, fitContext(search.bestEpoch));
  const studioAuc = score("auc", d.task, d.test.y, refit.model.predict(d.test.x));
  const dir = path.join(tmp, name);
  await refit.model.save(dir);
  refit.model.dispose();
  const spec = { family: family.name, hyperparameters: params, epochs: refit.bestEpoch, model: await portableTrees(dir, d.task, family.name as "gbdt" | "forest") };
  await fs.writeFile(path.join(dir, "run.json"), JSON.stringify({ spec, task: d.task, rows: d.x.rows, cols: d.x.cols, testRows: d.test.x.rows }));
  await fs.writeFile(path.join(dir, "x.bin"), d.x.data);
  await fs.writeFile(path.join(dir, "y.bin"), d.y);
  await fs.writeFile(path.join(dir, "test.bin"), d.test.x.data);
  const script = `${pythonSource("trees")}
import json
run = json.load(open("run.json"))
X = np.fromfile("x.bin", dtype="<f4").reshape(run["rows"], run["cols"])
y = np.fromfile("y.bin", dtype="<f4").astype(np.int64)
model = retrain_trees(run["spec"], X, y, run["task"], 42)
test = np.fromfile("test.bin", dtype="<f4").reshape(run["testRows"], run["cols"])
categorical = getattr(model.estimator, "is_categorical_", None)
print(json.dumps({"pred": model.predict(test).tolist(), "categorical": None if categorical is None else categorical.tolist()}))
`;
  const out = JSON.parse(await runPython(script, { cwd: dir })) as { pred: number[][]; categorical: boolean[] | null };
  expect(out.pred.length).toBe(d.test.x.rows);
  expect(out.pred.every((row) => row.length === 2 && Math.abs(row[0] + row[1] - 1) < 1e-9)).toBe(true);
  const pythonAuc = score("auc", d.task, d.test.y, Float32Array.from(out.pred.flat()));
  console.log(`${name}: studio AUC ${studioAuc.toFixed(4)} (${refit.bestEpoch} epochs), scikit-learn ${pythonAuc.toFixed(4)}`);
  return { studioAuc, pythonAuc, categorical: out.categorical };
}

describe.skipIf(!hasPython)("trees.py's retrain_trees", () => {
  for (const family of [gbdtFamily, forestFamily]) {
    it(`credit-g, ${family.name} with its defaults: scikit-learn with the same settings lands within 0.02 AUC of the studio`, async () => {
      const r = await studioAndRetrain(`credit-g-${family.name}`, family, await creditG());
      expect(r.studioAuc).toBeGreaterThan(0.72);
      expect(Math.abs(r.pythonAuc - r.studioAuc)).toBeLessThan(0.02);
    });
  }

  it("gbdt on category codes: scikit-learn splits the same column on categories, within 0.02 AUC", async () => {
    const r = await studioAndRetrain("codes-gbdt", gbdtFamily, categoricalCodes());
    expect(r.categorical).toEqual([true, false, false, false]);
    expect(r.studioAuc).toBeGreaterThan(0.85);
    expect(Math.abs(r.pythonAuc - r.studioAuc)).toBeLessThan(0.02);
  });
});

if (!hasPython) console.warn("trees.test.ts: the Python replay and retrain checks are skipped: /usr/bin/python3 is not installed");
