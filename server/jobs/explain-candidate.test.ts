import { describe, expect, it } from "vitest";
import { score } from "../automl/estimation/metrics";
import { createRng } from "../automl/rng";
import type { Metric } from "../contracts/dataset";
import { CandidateExplanation } from "../contracts/explanation";
import type { InferredType } from "../data/infer-types";
import type { SelectionMethod } from "../data/selection/select";
import type { Table } from "../data/table";
import type { FitContext, Task } from "../models/family";
import { linearFamily } from "../models/linear";
import { prepareFold, validationFolds, type FoldData } from "./candidate-data";
import { explainCandidate } from "./explain-candidate";
import type { RunData } from "./run-data";

/**
 * A table with one informative column (signal), two noise columns (noise, and a categorical shade) and the label,
 * through the real data stages (prepareFold) and the real linear family.
 */
function runData(task: Task, rows = 1200): RunData {
  const rng = createRng(42);
  const signal = Float64Array.from({ length: rows }, () => rng.normal());
  const noise = Float64Array.from({ length: rows }, () => rng.normal());
  const shade = Int32Array.from({ length: rows }, () => rng.int(0, 3));
  const y = Float32Array.from(signal, (s) => {
    const z = 2 * s + 0.5 * rng.normal();
    if (task.type === "regression") return 3 * s + 10 + 0.3 * rng.normal();
    if (task.type === "binary") return z > 0 ? 1 : 0;
    return z < -0.7 ? 0 : z < 0.7 ? 1 : 2;
  });
  const table: Table = {
    rowCount: rows,
    columns: [
      { name: "noise", kind: "number", values: noise },
      { name: "signal", kind: "number", values: signal },
      { name: "shade", kind: "string", categories: ["w", "x", "y", "z"], codes: shade },
      { name: "label", kind: "number", values: Float64Array.from(y) },
    ],
  };
  const types: InferredType[] = [
    { name: "noise", type: "numeric", reason: "" },
    { name: "signal", type: "numeric", reason: "" },
    { name: "shade", type: "categorical", reason: "" },
    { name: "label", type: task.type === "regression" ? "numeric" : "categorical", reason: "" },
  ];
  const all = Array.from({ length: rows }, (_, i) => i);
  const split = { seed: 1, train: all.filter((i) => i % 4 < 2), valid: all.filter((i) => i % 4 === 2), test: all.filter((i) => i % 4 === 3) };
  return { task, table, types, label: "label", y, split };
}

const fitCtx = (metric: Metric): FitContext => ({ seed: 3, metric, deadline: Infinity, onEpoch: async () => "continue" });

async function candidate(task: Task, metric: Metric, featureSelection: SelectionMethod = "none") {
  const data = runData(task);
  const stages: FoldData = prepareFold(data, validationFolds(data)[0], { preprocessing: { imputation: "median", encoding: "onehot", scaling: "standard" }, featureSelection }, 9);
  const input = { task, xTrain: stages.x.train, yTrain: stages.y.train, xVal: stages.x.valid, yVal: stages.y.valid };
  const { model } = await linearFamily.fit(input, linearFamily.defaultParams(task), fitCtx(metric));
  return { model, stages };
}

const binary: Task = { type: "binary", classes: ["no", "yes"] };
const multiclass: Task = { type: "multiclass", classes: ["low", "mid", "high"] };
const regression: Task = { type: "regression", classes: [] };

describe("explainCandidate", () => {
  it("binary: the informative column comes first, noise is near 0; confusion matrix and curves agree with the metrics", async () => {
    const { model, stages } = await candidate(binary, "auc");
    const e = explainCandidate({ model, stages, task: binary, metric: "auc", seed: 5 });
    expect(CandidateExplanation.parse(JSON.parse(JSON.stringify(e)))).toEqual(e);
    expect(e).toMatchObject({ version: 1, task: "binary", metric: "auc", greaterIsBetter: true, validationRows: 300, positiveClass: "yes", residuals: null });
    expect(e.importance).toMatchObject({ rowsUsed: 300, repeats: 5, note: null });
    expect(e.importance.features.map((f) => f.name).sort()).toEqual(["noise", "shade", "signal"]);
    const [top, ...rest] = e.importance.features;
    expect(top.name).toBe("signal");
    expect(top.mean).toBeGreaterThan(0.3);
    for (const f of rest) expect(Math.abs(f.mean)).toBeLessThan(0.02);

    const pred = model.predict(stages.x.valid);
    const auc = score("auc", binary, stages.y.valid, pred);
    expect(e.importance.baseline).toBeCloseTo(auc, 10);
    expect(e.roc!.auc).toBeCloseTo(auc, 10);
    expect(e.pr!.averagePrecision).toBeCloseTo(score("pr_auc", binary, stages.y.valid, pred), 10);
    expect(e.roc!.points.length).toBeGreaterThan(2);
    expect(e.roc!.points.length).toBeLessThanOrEqual(200);

    const { labels, counts } = e.confusion!;
    expect(labels).toEqual(["no", "yes"]);
    expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(300);
    const accuracy = (counts[0][0] + counts[1][1]) / 300;
    expect(accuracy).toBeCloseTo(score("accuracy", binary, stages.y.valid, pred), 10);
    counts.forEach((row, t) => expect(row.reduce((a, b) => a + b, 0)).toBe(stages.y.valid.filter((v) => v === t).length));

    // deterministic for a seed
    expect(explainCandidate({ model, stages, task: binary, metric: "auc", seed: 5 })).toEqual(e);
  });

  it("multiclass under a lower-is-better metric (logloss): importance is still positive for the signal; a 3 x 3 confusion matrix, no curves", async () => {
    const { model, stages } = await candidate(multiclass, "logloss");
    const e = explainCandidate({ model, stages, task: multiclass, metric: "logloss", seed: 5, repeats: 3, maxRows: 200 });
    expect(e).toMatchObject({ greaterIsBetter: false, roc: null, pr: null, positiveClass: null, residuals: null });
    expect(e.importance).toMatchObject({ rowsUsed: 200, repeats: 3 });
    expect(e.importance.features[0].name).toBe("signal");
    expect(e.importance.features[0].mean).toBeGreaterThan(0.3);
    expect(e.confusion!.labels).toEqual(["low", "mid", "high"]);
    expect(e.confusion!.counts).toHaveLength(3);
    expect(e.confusion!.counts.flat().reduce((a, b) => a + b, 0)).toBe(300);
  });

  it("regression: residuals with their summary; importance in rmse", async () => {
    const { model, stages } = await candidate(regression, "rmse");
    const e = explainCandidate({ model, stages, task: regression, metric: "rmse", seed: 5 });
    expect(e).toMatchObject({ task: "regression", confusion: null, roc: null, pr: null });
    expect(e.importance.features[0].name).toBe("signal");
    expect(e.importance.features[0].mean).toBeGreaterThan(1);
    for (const f of e.importance.features.slice(1)) expect(Math.abs(f.mean)).toBeLessThan(0.05);
    const r = e.residuals!;
    expect(r.points).toHaveLength(300);
    expect(r.rmse).toBeCloseTo(score("rmse", regression, stages.y.valid, model.predict(stages.x.valid)), 5);
    expect(r.rmse!).toBeLessThan(0.5);
    expect(Math.abs(r.meanResidual!)).toBeLessThan(0.1);
    expect(r.bins).toHaveLength(10);
  });

  it("follows feature selection: only the kept columns' sources are ranked", async () => {
    const { model, stages } = await candidate(binary, "auc", "l1");
    expect(stages.selection.kept.length).toBeLessThan(stages.selection.features.length);
    const e = explainCandidate({ model, stages, task: binary, metric: "auc", seed: 5 });
    expect(e.importance.features[0].name).toBe("signal");
    const kept = new Set(stages.selection.keptNames.map((n) => n.split(/[=_]/)[0]));
    expect(new Set(e.importance.features.map((f) => f.name))).toEqual(kept);
  });
});
