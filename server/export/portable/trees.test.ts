import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { score } from "../../automl/estimation/metrics";
import { createRng, deriveSeed } from "../../automl/rng";
import type { Params } from "../../automl/space/suggest";
import { categoricalColumns } from "../../data/categorical-columns";
import { sampleWeights } from "../../data/class-weights";
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
    const script = `${pythonSource("rng")}
${pythonSource("trees")}
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

/** the data of a retrain check: the training rows (a refit's), their weights and categorical columns, and rows to predict */
interface RetrainData {
  task: Task;
  categorical?: (number | null)[];
  x: Matrix;
  y: Float32Array;
  sampleWeight?: Float32Array;
  test: Matrix;
}

const noRows = (cols: number): Matrix => ({ rows: 0, cols, data: new Float32Array(0) });

/**
 * The studio's fit of `family` for exactly `epochs` rounds / trees (FitContext.epochs, as a refit) with `seed`, and
 * trees.py's retrain_trees of the same spec, rows and seed: the portable model each ends with, and both predictions.
 */
async function studioAndRetrain(name: string, family: ModelFamily, params: Params, d: RetrainData, epochs: number, seed: number) {
  const fit = await family.fit(
    { task: d.task, xTrain: d.x, yTrain: d.y, xVal: noRows(d.x.cols), yVal: new Float32Array(0), sampleWeight: d.sampleWeight, categorical: d.categorical },
    params,
    { ...fitContext(epochs), seed },
  );
  const dir = path.join(tmp, `retrain-${name}`);
  await fit.model.save(dir);
  const studio = fit.model.predict(d.test);
  fit.model.dispose();
  const portable = await portableTrees(dir, d.task, family.name as "gbdt" | "forest");
  const spec = { family: family.name, hyperparameters: params, epochs, model: portable, categorical: d.categorical ?? null };
  await fs.writeFile(path.join(dir, "run.json"), JSON.stringify({ spec, task: d.task, rows: d.x.rows, cols: d.x.cols, testRows: d.test.rows, seed, weighted: !!d.sampleWeight }));
  await fs.writeFile(path.join(dir, "x.bin"), d.x.data);
  await fs.writeFile(path.join(dir, "y.bin"), d.y);
  await fs.writeFile(path.join(dir, "w.bin"), d.sampleWeight ?? new Float32Array(0));
  await fs.writeFile(path.join(dir, "test.bin"), d.test.data);
  const script = `${pythonSource("rng")}
${pythonSource("trees")}
import json, time
run = json.load(open("run.json"))
X = np.fromfile("x.bin", dtype="<f4").reshape(run["rows"], run["cols"])
y = np.fromfile("y.bin", dtype="<f4")
w = np.fromfile("w.bin", dtype="<f4") if run["weighted"] else None
started = time.perf_counter()
model = retrain_trees(run["spec"], X, y, run["task"], run["seed"], w)
seconds = time.perf_counter() - started
test = np.fromfile("test.bin", dtype="<f4").reshape(run["testRows"], run["cols"])
print(json.dumps({"pred": model.predict(test).reshape(-1).tolist(), "portable": model.portable, "seconds": seconds}))
`;
  const out = JSON.parse(await runPython(script, { cwd: dir })) as { pred: number[]; portable: unknown; seconds: number };
  return {
    studio,
    pred: Float32Array.from(out.pred),
    // both through JSON, as portable.json is read
    portable: PortableTrees.parse(JSON.parse(JSON.stringify(portable))),
    retrained: PortableTrees.parse(out.portable),
    seconds: out.seconds,
  };
}

/** a FitInput's training rows, with `test` rows to predict (its validation rows and the edge rows) */
const retrainData = (input: FitInput, sampleWeight?: Float32Array): RetrainData => ({
  task: input.task,
  categorical: input.categorical,
  x: input.xTrain,
  y: input.yTrain,
  sampleWeight,
  test: withEdgeRows(input.xVal),
});

/** about 20% positives with NaN in column 1, and balanced class weights, which then differ from 1 */
function weighted(): RetrainData {
  const input = withMissing(split(binaryTask, dataset(1200, 5, 5, (x, rng) => (x[0] + 0.5 * x[1] + 0.3 * rng.normal() > 1 ? 1 : 0)), 900));
  return retrainData(input, sampleWeights(input.yTrain, input.task, "balanced"));
}

/**
 * Regression where column 4 is column 0 rounded to quarters: a split between two quarters parts the rows alike on
 * either column, and which one the studio keeps depends on how its sums were rounded (fine bins or coarse ones).
 */
const coarseCopy = () =>
  retrainData(
    split(
      regressionTask,
      dataset(1500, 5, 6, (x, rng) => {
        x[4] = Math.round(x[0] * 4) / 4;
        return 3 * x[0] + Math.sin(3 * x[1]) + 0.5 * x[2] * x[3] + 0.2 * rng.normal();
      }),
      1200,
    ),
  );

interface RetrainCase {
  name: string;
  family: ModelFamily;
  params: Params;
  epochs: number;
  data: () => RetrainData;
}

/**
 * Few bins (max_bins) make nodes with more rows than their columns' bins, where the studio sums a histogram in two
 * halves. A forest whose max_features covers every column grows level by level in trees.py (no node draws columns).
 */
const RETRAIN_CASES: RetrainCase[] = [
  { name: "gbdt-binary-nan", family: gbdtFamily, params: { ...depthwise, max_bins: 16 }, epochs: 25, data: () => retrainData(binaryMissing()) },
  { name: "gbdt-multiclass", family: gbdtFamily, params: { growth: "leafwise", max_leaves: 15 }, epochs: 20, data: () => retrainData(multiclassData()) },
  { name: "gbdt-regression-sampled", family: gbdtFamily, params: { ...depthwise, subsample: 0.8, colsample_bytree: 0.6, min_child_weight: 3, lambda: 0.5 }, epochs: 25, data: () => retrainData(regression()) },
  { name: "gbdt-categorical", family: gbdtFamily, params: { ...depthwise, subsample: 0.7 }, epochs: 20, data: () => retrainData(categoricalData()) },
  { name: "gbdt-balanced-weights", family: gbdtFamily, params: { growth: "leafwise", max_leaves: 20, max_depth: 5, subsample: 0.9, max_bins: 32 }, epochs: 25, data: weighted },
  { name: "forest-binary-nan", family: forestFamily, params: { max_bins: 32 }, epochs: 12, data: () => retrainData(binaryMissing()) },
  { name: "forest-multiclass-extra", family: forestFamily, params: { kind: "extra_trees", min_samples_leaf: 3 }, epochs: 12, data: () => retrainData(multiclassData()) },
  { name: "forest-regression-nan", family: forestFamily, params: { max_depth: 8, max_features: 0.5 }, epochs: 10, data: () => retrainData(regression()) },
  { name: "forest-extra-bootstrap", family: forestFamily, params: { kind: "extra_trees", bootstrap: true, max_features: "log2" }, epochs: 10, data: () => retrainData(binaryMissing()) },
  { name: "forest-balanced-weights", family: forestFamily, params: { min_samples_leaf: 2 }, epochs: 10, data: weighted },
  { name: "forest-regression-by-level", family: forestFamily, params: { max_bins: 16 }, epochs: 8, data: () => retrainData(regression()) },
  { name: "forest-rounding-ties", family: forestFamily, params: { max_bins: 64, max_features: 0.8 }, epochs: 6, data: coarseCopy },
  { name: "forest-rounding-ties-by-level", family: forestFamily, params: { max_bins: 64 }, epochs: 6, data: coarseCopy },
  { name: "forest-multiclass-by-level", family: forestFamily, params: { max_features: 1, min_samples_leaf: 2, max_bins: 24 }, epochs: 8, data: () => retrainData(multiclassData()) },
  { name: "forest-weights-by-level", family: forestFamily, params: { max_features: 1, max_depth: 10 }, epochs: 8, data: weighted },
];

describe.skipIf(!hasPython)("trees.py's retrain_trees", () => {
  it("draws the studio's random numbers and computes its exp and log to the bit", async () => {
    // spread over exp's range and beyond it (overflow to Infinity, underflow to 0)
    const values = new Float64Array(20_000).map((_, i) => (i % 2 ? 40 : 1500) * (((i * 2654435761) % 4294967296) / 4294967296 - 0.5));
    await fs.writeFile(path.join(tmp, "values.bin"), values);
    const script = `${pythonSource("rng")}
${pythonSource("trees")}
import json
x = np.fromfile("values.bin", dtype="<f8")
_js_exp(x).astype("<f8").tofile("exp.bin")
np.array([_js_log(abs(v) + 1e-300) for v in x.tolist()], dtype="<f8").tofile("log.bin")
print(json.dumps({
    "seeds": [derive_seed(42, "gbdt", "sampling"), derive_seed(7, "forest", "trees"), derive_seed(2**31 - 1, "train", 12, "refit")],
    "draws": StudioRng(derive_seed(42, "gbdt", "sampling")).uint32s(5).astype(int).tolist(),
}))
`;
    const out = JSON.parse(await runPython(script, { cwd: tmp })) as { seeds: number[]; draws: number[] };
    const rng = createRng(deriveSeed(42, "gbdt", "sampling"));
    expect(out.seeds).toEqual([deriveSeed(42, "gbdt", "sampling"), deriveSeed(7, "forest", "trees"), deriveSeed(2 ** 31 - 1, "train", 12, "refit")]);
    expect(out.draws).toEqual(Array.from({ length: 5 }, () => rng.uint32()));
    const read = async (name: string) => new Float64Array(new Uint8Array(await fs.readFile(path.join(tmp, name))).buffer);
    expect(Array.from(await read("exp.bin"))).toEqual(Array.from(values, Math.exp));
    expect(Array.from(await read("log.bin"))).toEqual(Array.from(values, (v) => Math.log(Math.abs(v) + 1e-300)));
  });

  for (const c of RETRAIN_CASES) {
    it(`${c.name}: rebuilds the studio's trees node for node, and predicts as the studio within 1e-5`, async () => {
      const r = await studioAndRetrain(c.name, c.family, c.params, c.data(), c.epochs, 42);
      if (c.name === "gbdt-categorical") expect(r.retrained.trees.some((t) => t.catBits && t.catBits.length > 0)).toBe(true);
      expect(r.retrained.trees.length).toBe(c.epochs * (c.family === gbdtFamily ? r.portable.outputs : 1));
      expect(r.retrained).toEqual(r.portable);
      expect(r.pred.length).toBe(r.studio.length);
      expect(maxDiff(r.pred, r.studio)).toBeLessThan(1e-5);
    });
  }

  it("credit-g, both families with their defaults as the studio searches and refits them: the same trees, the same test AUC", async () => {
    const d = await creditG();
    // the seeds train-trial.ts gives trial 3 of a run seeded 2024: the first fold's (manifest.trainingSeed) and the refit's
    const [search, refit] = [deriveSeed(2024, "train", 3), deriveSeed(2024, "train", 3, "refit")];
    for (const family of [gbdtFamily, forestFamily]) {
      const params = family.defaultParams(d.task);
      const inner = (rows: number[]) => ({ x: rowsOf(d.x, rows), y: Float32Array.from(rows, (i) => d.y[i]) });
      const [train, valid] = [inner(d.inner.train), inner(d.inner.valid)];
      const found = await family.fit({ task: d.task, categorical: d.categorical, xTrain: train.x, yTrain: train.y, xVal: valid.x, yVal: valid.y }, params, { ...fitContext(), seed: search });
      found.model.dispose();
      const r = await studioAndRetrain(`credit-g-${family.name}`, family, params, d, found.bestEpoch, refit);
      const studioAuc = score("auc", d.task, d.testY, r.studio);
      const pythonAuc = score("auc", d.task, d.testY, r.pred);
      console.log(`credit-g ${family.name}: studio test AUC ${studioAuc.toFixed(4)}, retrained ${pythonAuc.toFixed(4)}, gap ${Math.abs(pythonAuc - studioAuc)} (${found.bestEpoch} epochs, ${r.seconds.toFixed(1)} s in Python)`);
      expect(studioAuc).toBeGreaterThan(0.72);
      expect(Math.abs(pythonAuc - studioAuc)).toBeLessThan(0.02);
      expect(r.retrained).toEqual(r.portable);
    }
  });
});

/** rows `positions` of m */
function rowsOf(m: Matrix, positions: number[]): Matrix {
  const data = new Float32Array(positions.length * m.cols);
  positions.forEach((p, i) => data.set(m.data.subarray(p * m.cols, (p + 1) * m.cols), i * m.cols));
  return { rows: positions.length, cols: m.cols, data };
}

/**
 * credit-g as the studio prepares it: a stratified split with 25% held out for the test, the default preprocessing
 * fitted on the other 75% (the refit rows), and the inner training and validation rows early stopping uses.
 */
async function creditG(): Promise<RetrainData & { testY: Float32Array; inner: { train: number[]; valid: number[] } }> {
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
  const test = transform(state, table, parts.test);
  return { task, categorical: categoricalColumns(state, selection), x: train, y, test, testY: Float32Array.from(parts.test, (r) => label.y[r]), inner };
}

if (!hasPython) console.warn("trees.test.ts: the Python replay and retrain checks are skipped: /usr/bin/python3 is not installed");
