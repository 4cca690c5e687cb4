import type { ColumnType, ProblemType } from "../contracts/dataset";
import { CreateRunInput, DEFAULT_FAMILIES, DEFAULT_STRATEGY, type EstimationName, type RunDto, type SchedulerName } from "../contracts/run";
import type { StudioContext } from "../context";
import { DataError } from "../data/data-error";
import type { InferredType } from "../data/infer-types";
import type { Column, Table } from "../data/table";
import { mostLikelyDateFormat, parseDate, parseNumber } from "../data/values";
import { defaultMetric, detectProblemType, metricsFor, validateLabel } from "../data/problem-type";
import { loadTable } from "../data/table-store";
import type { ModelFamily } from "../models/family";
import { getFamily } from "../models/registry";
import { gridSizeAtLeast } from "../automl/strategies/grid";
import { candidateSpace } from "../jobs/candidate-space";
import { keys } from "../storage/keys";
import { toRunDto } from "./dto";
import { NotFoundError } from "./errors";
import { shortId } from "./ids";

/** the largest grid a run may search, as the grid strategy's default */
const GRID_MAX_POINTS = 10_000;

/**
 * Validates a run request against the dataset (the label must be able to train the task) and records the run
 * as queued. The worker process starts it; nothing trains here.
 */
export async function createRun(ctx: StudioContext, raw: unknown): Promise<RunDto> {
  const input = CreateRunInput.parse(raw);
  const dataset = await ctx.store.getDataset(input.datasetId);
  if (!dataset) throw new NotFoundError("The dataset");
  const { table, types } = await loadTable(await ctx.blobs.localPath(keys.datasetTable(dataset.id)));
  const index = table.columns.findIndex((c) => c.name === input.label);
  if (index < 0) {
    throw new DataError(`There is no column named "${input.label}" in ${dataset.name}. Pick the label from its columns.`);
  }
  if (table.columns.length < 2) throw new DataError("The dataset needs at least one column besides the label.");
  const columnTypes = checkColumnTypes(table, types, input.label, input.columnTypes ?? {});
  const problemType = input.problemType ?? detectProblemType(table.columns[index], columnTypes?.[input.label] ?? types[index].type);
  validateLabel(table, input.label, problemType);
  checkSplitColumns(table, types, columnTypes, input);
  const allowed = metricsFor(problemType);
  const metric = input.metric ?? defaultMetric(problemType);
  if (!allowed.includes(metric)) {
    throw new DataError(`The metric ${metric} does not apply to ${problemType} problems; choose one of ${allowed.join(", ")}.`);
  }
  const estimation = input.estimation ?? "full";
  const scheduler = input.scheduler ?? "none";
  const families = input.families ? [...new Set(input.families)].map(getFamily) : defaultFamilies(estimation, scheduler);
  if (input.strategy === "grid") checkGridFits(families, problemType, input.maxTrials);
  for (const family of families) {
    const problem = estimationProblem(family, estimation, scheduler);
    if (problem) throw new DataError(problem);
  }
  const run = await ctx.store.createRun({
    id: shortId(),
    datasetId: dataset.id,
    label: input.label,
    problemType,
    metric,
    strategy: input.strategy ?? DEFAULT_STRATEGY,
    scheduler,
    seed: input.seed ?? 0,
    maxTrials: input.maxTrials ?? null,
    budgetSeconds: input.budgetMinutes !== undefined ? Math.max(1, Math.round(input.budgetMinutes * 60)) : null,
    spaceVersion: families.map((f) => f.spaceVersion).join("+"),
    families: families.map((f) => f.name),
    estimation,
    testFraction: input.testFraction ?? 0.2,
    columnTypes,
    validation: input.validation ?? "auto",
    finalModel: input.finalModel ?? "bag",
    groupColumn: input.groupColumn ?? null,
    timeColumn: input.timeColumn ?? null,
    maxArchiveBytes: input.constraints?.maxArchiveBytes ?? null,
    maxPredictMsPer1k: input.constraints?.maxPredictMsPer1k ?? null,
    maxTrainSeconds: input.constraints?.maxTrainSeconds ?? null,
  });
  return toRunDto(run, [], { workers: ctx.config.workers, datasetName: dataset.name });
}

/**
 * A grid only makes sense when the run can visit all of it: past the budget it would vary just the first few
 * hyperparameters (see grid.ts). Refused here, before anything trains, with what to do instead.
 */
function checkGridFits(families: readonly ModelFamily[], problemType: ProblemType, maxTrials: number | undefined): void {
  const budget = maxTrials ?? GRID_MAX_POINTS;
  const points = gridSizeAtLeast(candidateSpace(families, { type: problemType, classes: [] }));
  if (points > budget) {
    throw new DataError(
      `A grid over this search space has at least ${points.toLocaleString("en-US")} points (5 per continuous range), more than ${maxTrials === undefined ? `a grid search can visit (${GRID_MAX_POINTS.toLocaleString("en-US")})` : `the budget of ${maxTrials} trials`}: it would only vary the first few hyperparameters. Choose random, coarse-to-fine, TPE or GP instead.`,
    );
  }
}

/** the default families that can run this estimation under this scheduler (all of them can, without either) */
function defaultFamilies(estimation: EstimationName, scheduler: SchedulerName): ModelFamily[] {
  const all = DEFAULT_FAMILIES.map(getFamily);
  const able = all.filter((f) => estimationProblem(f, estimation, scheduler) === null);
  if (able.length === 0) {
    throw new DataError(`None of the default model families (${DEFAULT_FAMILIES.join(", ")}) can run this: ${estimationProblem(all[0], estimation, scheduler)} Choose the model families yourself.`);
  }
  return able;
}

/**
 * Why a family cannot run this estimation under this scheduler, or null: a scheduler needs a family that can pause
 * training; learning curves, lower fidelity and weight inheritance need the family's support too; and lower fidelity
 * and weight inheritance decide each trial's budget themselves.
 */
function estimationProblem(family: ModelFamily, estimation: EstimationName, scheduler: SchedulerName): string | null {
  if (scheduler !== "none" && !family.pausable) {
    return `The ${family.name} family cannot pause training between rungs, which the ${scheduler} scheduler needs; leave ${family.name} out, or choose scheduler "none".`;
  }
  if (estimation === "curve" && !family.epochCap) {
    return `Learning-curve estimation is not available for the ${family.name} family; leave ${family.name} out, or choose full training.`;
  }
  const what = estimation === "low" ? "Lower-fidelity estimation" : estimation === "inherit" ? "Weight inheritance" : null;
  if (!what) return null;
  const supported = estimation === "low" ? family.lowerFidelity !== undefined : family.inheritsWeights === true;
  if (!supported) return `${what} is not available for the ${family.name} family; leave ${family.name} out, or choose full training or learning-curve estimation.`;
  if (scheduler !== "none") {
    return `${what} decides how far each trial trains, as the ${scheduler} scheduler does: choose one of the two (scheduler "none", or full training with ${scheduler}).`;
  }
  return null;
}

/** The group and time columns must be columns other than the label; a time column must hold dates or numbers. */
function checkSplitColumns(
  table: Table,
  types: InferredType[],
  overrides: Record<string, ColumnType> | null,
  input: { label: string; groupColumn?: string; timeColumn?: string },
): void {
  for (const [role, name] of [["group", input.groupColumn], ["time", input.timeColumn]] as const) {
    if (!name) continue;
    const index = table.columns.findIndex((c) => c.name === name);
    if (index < 0) throw new DataError(`There is no column named "${name}" in the dataset to use as the ${role} column.`);
    if (name === input.label) throw new DataError(`The label ${name} can't also be the ${role} column; choose another column.`);
    const type = overrides?.[name] ?? types[index].type;
    // numbers order themselves whatever their type (a unique epoch timestamp reads as an identifier)
    if (role === "time" && type !== "datetime" && table.columns[index].kind !== "number") {
      throw new DataError(`The time column ${name} is ${type}; choose a column of dates or numbers (or set its type to datetime).`);
    }
  }
}

/** the types a label can be given by hand: something a model can predict */
const LABEL_TYPES: readonly ColumnType[] = ["numeric", "categorical", "boolean"];

/**
 * Checks the user's column type overrides against the stored table; returns only the real changes (null when none).
 * The rules:
 * - every name must be a column of the dataset;
 * - the label can only be made numeric, categorical or boolean (not identifier, text or datetime);
 * - numeric: every value must be a number (stored as numbers, or strings that all read as numbers);
 * - datetime: the column must be stored as dates, or hold strings that all read as dates in one format;
 * - categorical, boolean, text and identifier: any column (a boolean with more than two values is one-hot encoded).
 */
export function checkColumnTypes(table: Table, types: InferredType[], label: string, overrides: Record<string, ColumnType>): Record<string, ColumnType> | null {
  const changed: Record<string, ColumnType> = {};
  for (const [name, type] of Object.entries(overrides)) {
    const index = table.columns.findIndex((c) => c.name === name);
    if (index < 0) throw new DataError(`There is no column named "${name}" in the dataset, so its type can't be changed.`);
    const column = table.columns[index];
    const inferred = types[index].type;
    if (type === inferred) continue;
    if (name === label && !LABEL_TYPES.includes(type)) {
      throw new DataError(`The label ${name} can't be ${type}; a label can only be made numeric, categorical or boolean.`);
    }
    if (type === "numeric") {
      const bad = firstValue(column, (s) => parseNumber(s) === null);
      if (bad !== null) throw new DataError(`${name} has non-numeric values (e.g. '${bad}'); it can't be numeric.`);
    } else if (type === "datetime") {
      if (column.kind === "number") throw new DataError(`${name} holds numbers, not dates; it can't be datetime.`);
      const format = mostLikelyDateFormat(column.categories);
      const bad = firstValue(column, (s) => format === null || parseDate(s, format) === null);
      if (bad !== null) throw new DataError(`${name} has values that are not dates (e.g. '${bad}'); it can't be datetime.`);
    }
    changed[name] = type;
  }
  return Object.keys(changed).length > 0 ? changed : null;
}

/** the first present value of a string column that fails the test; null when none does (or the column holds numbers) */
function firstValue(column: Column, fails: (s: string) => boolean): string | null {
  if (column.kind === "number") return null;
  const used = new Set(column.codes);
  return column.categories.find((s, code) => used.has(code) && fails(s)) ?? null;
}
