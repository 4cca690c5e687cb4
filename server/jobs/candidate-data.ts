import { deriveSeed } from "../automl/rng";
import { fitTransform, transform, type PreprocessOptions, type PreprocessorState } from "../data/preprocess";
import { applySelection, fitSelection, type SelectionMethod, type SelectionState } from "../data/selection/select";
import type { FittedModel, Matrix } from "../models/family";
import { bagAverage } from "../models/ensemble/combine";
import type { RunData } from "./run-data";

/** The rows one model of a candidate is fitted on, and the rows it is scored on. */
export interface FoldRows {
  /** "holdout", "fold 2 of 5", or "refit" */
  name: string;
  train: number[];
  /** validation rows (none for a refit) */
  valid: number[];
}

/** A fold's matrices after the candidate's data stages, fitted on the fold's training rows only. */
export interface FoldData {
  preprocessing: PreprocessorState;
  selection: SelectionState;
  x: { train: Matrix; valid: Matrix };
  y: { train: Float32Array; valid: Float32Array };
}

/**
 * The folds a candidate is validated on: the validation split (holdout) or each cross-validation fold, whose
 * training rows are all the other non-test rows.
 */
export function validationFolds(data: RunData): FoldRows[] {
  const { split } = data;
  if (!split.folds) return [{ name: "holdout", train: split.train, valid: split.valid }];
  return split.folds.map((valid, i) => {
    const held = new Set(valid);
    return { name: `fold ${i + 1} of ${split.folds!.length}`, train: split.train.filter((r) => !held.has(r)), valid };
  });
}

/** Every non-test row: what the chosen candidate is refit on once validated. */
export function refitRows(data: RunData): FoldRows {
  const { split } = data;
  return { name: "refit", train: [...split.train, ...split.valid].sort((a, b) => a - b), valid: [] };
}

export interface DataStages {
  preprocessing: PreprocessOptions;
  featureSelection: SelectionMethod;
}

/** prepared folds per run data, newest last; bounded by bytes so large data can't pile up */
const caches = new WeakMap<RunData, Map<string, FoldData>>();
const CACHE_BYTES = 512 * 1024 * 1024;

/**
 * Fits the candidate's data stages (preprocessing, then feature selection) on the fold's training rows only — never on
 * rows the fold is scored on, which would leak their labels into the score — and applies them to the fold's rows.
 * The result depends on the run's seed, the rows and the stage choices alone, so it is shared by every trial of the
 * run that made the same choices (kept while it fits in the cache).
 */
export function prepareFold(data: RunData, fold: FoldRows, stages: DataStages, runSeed: number): FoldData {
  let cache = caches.get(data);
  if (!cache) caches.set(data, (cache = new Map()));
  const key = JSON.stringify([runSeed, fold.name, stages.preprocessing, stages.featureSelection]);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const { state, train } = fitTransform(data.table, data.types, {
    label: data.label,
    trainRows: fold.train,
    options: stages.preprocessing,
    target: { y: data.y, task: data.task },
    seed: deriveSeed(runSeed, "preprocess", fold.name),
  });
  const yTrain = pick(data.y, fold.train);
  const selection = fitSelection({
    x: train,
    y: yTrain,
    task: data.task,
    featureNames: state.featureNames,
    method: stages.featureSelection,
    seed: deriveSeed(runSeed, "feature-selection"),
  });
  const select = (x: Matrix) => (stages.featureSelection === "none" ? x : applySelection(selection, x));
  const prepared: FoldData = {
    preprocessing: state,
    selection,
    x: { train: select(train), valid: select(transform(state, data.table, fold.valid)) },
    y: { train: yTrain, valid: pick(data.y, fold.valid) },
  };
  remember(cache, key, prepared);
  return prepared;
}

/** A model a candidate deploys, and the data stages it was fitted with. */
export interface KeptModel {
  model: FittedModel;
  stages: FoldData;
}

/** A candidate's predictions of table rows: each kept model's through its own data stages, averaged (a bag's). */
export function predictRows(data: RunData, kept: readonly KeptModel[], rows: number[]): Float32Array {
  return bagAverage(kept.map((k) => k.model.predict(rowsMatrix(data, k.stages, rows).x)));
}

/** Any rows of the table through a fold's fitted data stages. */
export function rowsMatrix(data: RunData, fold: FoldData, rows: number[]): { x: Matrix; y: Float32Array } {
  const x = transform(fold.preprocessing, data.table, rows);
  return { x: fold.selection.method === "none" ? x : applySelection(fold.selection, x), y: pick(data.y, rows) };
}

/** The rows a candidate's prediction latency is timed on: test rows, or without a test split, training rows. */
export function timingRows(data: RunData): number[] {
  return (data.split.test.length > 0 ? data.split.test : data.split.train).slice(0, 1000);
}

function remember(cache: Map<string, FoldData>, key: string, value: FoldData): void {
  cache.set(key, value);
  const bytesOf = (v: FoldData) => v.x.train.data.byteLength + v.x.valid.data.byteLength;
  let bytes = 0;
  for (const v of cache.values()) bytes += bytesOf(v);
  // the oldest go first; the newest stays whatever its size
  for (const [k, v] of cache) {
    if (bytes <= CACHE_BYTES || k === key) break;
    bytes -= bytesOf(v);
    cache.delete(k);
  }
}

function pick(y: Float32Array, rows: number[]): Float32Array {
  return Float32Array.from(rows, (r) => y[r]);
}
