import { argmaxRows, greaterIsBetter, score } from "../automl/estimation/metrics";
import { confusionMatrix, prCurve, rocCurve } from "../automl/explain/curves";
import { featureGroups } from "../automl/explain/feature-groups";
import { permutationImportance } from "../automl/explain/permutation-importance";
import { residualSummary } from "../automl/explain/residuals";
import { deriveSeed } from "../automl/rng";
import type { Metric } from "../contracts/dataset";
import { CandidateExplanation } from "../contracts/explanation";
import type { FittedModel, Task } from "../models/family";
import type { FoldData } from "./candidate-data";

export interface ExplainCandidateInput {
  /** the candidate's model fitted on `stages`' training rows */
  model: FittedModel;
  /** the first validation fold: its fitted preprocessing and selection, and its validation matrix and truth */
  stages: FoldData;
  task: Task;
  /** the run's metric: importance is the drop of this score */
  metric: Metric;
  /** the run's seed (or the trial's): the row sample and the shuffles derive from it */
  seed: number;
  /** permutation repeats per source column (default 5) and the most validation rows used for importance (default 2000) */
  repeats?: number;
  maxRows?: number;
}

/**
 * The explanation of one candidate on its validation rows: permutation importance per source column, and the
 * confusion matrix and ROC/PR curves (classification) or the residuals (regression). Pure computation on the fold's
 * matrices (no I/O); deterministic for a given model, fold and seed. The result is checked against the contract.
 */
export function explainCandidate(input: ExplainCandidateInput): CandidateExplanation {
  const { model, stages, task, metric } = input;
  const x = stages.x.valid;
  const y = stages.y.valid;
  const higher = greaterIsBetter(metric);
  const predict = (m: typeof x) => model.predict(m);

  let note: string | null = null;
  let importance = { baseline: null as number | null, rowsUsed: 0, repeats: input.repeats ?? 5, features: [] as { name: string; mean: number; std: number }[] };
  if (x.rows === 0) {
    note = "There are no validation rows to measure importance on.";
  } else {
    const groups = featureGroups(stages.preprocessing, stages.selection);
    const result = permutationImportance({
      predict,
      partialPredictor: model.partialPredictor?.bind(model),
      x,
      y,
      groups,
      scoreOf: (pred, truth) => score(metric, task, truth, pred),
      greaterIsBetter: higher,
      repeats: input.repeats,
      maxRows: input.maxRows,
      seed: deriveSeed(input.seed, "explain", "permutation-importance"),
    });
    const finite = result.importance.filter((f) => Number.isFinite(f.mean) && Number.isFinite(f.std));
    if (!Number.isFinite(result.baseline)) {
      note = `The ${metric} is undefined on these validation rows (e.g. only one class present), so importance cannot be measured.`;
    } else if (finite.length < result.importance.length) {
      note = `Left out ${result.importance.length - finite.length} column(s) whose shuffled ${metric} is undefined.`;
    }
    importance = {
      baseline: finiteOrNull(result.baseline),
      rowsUsed: result.rowsUsed,
      repeats: result.repeats,
      features: Number.isFinite(result.baseline) ? finite : [],
    };
  }

  return explainPredictions({ task, metric, seed: input.seed, y, pred: x.rows === 0 ? new Float32Array(0) : model.predict(x), importance: { ...importance, note } });
}

/**
 * The parts of an explanation that need only predictions and the truth: the confusion matrix and ROC/PR curves, or
 * the residuals. An ensemble's explanation is these, from its out-of-fold validation predictions, beside an
 * importance that `importance` says where to find.
 */
export function explainPredictions(input: { task: Task; metric: Metric; seed: number; y: Float32Array; pred: Float32Array; importance: CandidateExplanation["importance"] }): CandidateExplanation {
  const { task, metric, y, pred } = input;
  const rows = y.length;
  const explanation: CandidateExplanation = {
    version: 1,
    task: task.type,
    metric,
    greaterIsBetter: greaterIsBetter(metric),
    validationRows: rows,
    importance: input.importance,
    confusion: null,
    roc: null,
    pr: null,
    positiveClass: null,
    residuals: null,
  };
  if (rows === 0) return CandidateExplanation.parse(explanation);

  if (task.type === "regression") {
    const r = residualSummary(y, pred, { seed: deriveSeed(input.seed, "explain", "residuals") });
    const finitePoint = (p: { predicted: number; actual: number; residual: number }) => [p.predicted, p.actual, p.residual].every(Number.isFinite);
    explanation.residuals = {
      points: r.points.filter(finitePoint),
      meanResidual: finiteOrNull(r.meanResidual),
      rmse: finiteOrNull(r.rmse),
      bins: r.bins.filter((b) => [b.predictedLow, b.predictedHigh, b.meanResidual].every(Number.isFinite)),
    };
    return CandidateExplanation.parse(explanation);
  }

  const k = pred.length / rows;
  const predicted = argmaxRows(pred, k);
  const labels = Array.from({ length: k }, (_, c) => task.classes[c] ?? `class ${c}`);
  explanation.confusion = { labels, counts: confusionMatrix(y, predicted, k) };
  if (task.type === "binary") {
    const p1 = Float64Array.from({ length: rows }, (_, i) => pred[i * k + 1]);
    const roc = rocCurve(y, p1);
    const pr = prCurve(y, p1);
    explanation.roc = { points: roc.points.map(finiteThreshold), auc: finiteOrNull(roc.auc) };
    explanation.pr = { points: pr.points.map(finiteThreshold), averagePrecision: finiteOrNull(pr.averagePrecision) };
    explanation.positiveClass = labels[1];
  }
  return CandidateExplanation.parse(explanation);
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);
const finiteThreshold = <P extends { threshold: number | null }>(p: P): P => ({ ...p, threshold: p.threshold === null ? null : finiteOrNull(p.threshold) });
