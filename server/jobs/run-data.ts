import { z } from "zod";
import type { StudioContext } from "../context";
import type { RunRow, ValidationPlanRecord } from "../db/store";
import type { Task } from "../models/family";
import { keys } from "../storage/keys";
import { loadTable } from "../data/table-store";
import { encodeLabel } from "../data/label";
import { makeSplit } from "../data/split";
import { SplitFolds, makeFolds } from "../data/folds";
import { planValidation } from "../data/validation-plan";
import { numbersOf, stringAt } from "../data/column-values";
import type { InferredType } from "../data/infer-types";
import type { Table } from "../data/table";

/**
 * The row indices of a run's split; stored so that code outside the studio can rebuild it exactly. With
 * cross-validation, `valid` is empty, `train` holds every non-test row and `folds` the validation rows of each fold.
 */
export const Split = z.object({
  seed: z.number().int(),
  train: z.array(z.number().int()),
  valid: z.array(z.number().int()),
  test: z.array(z.number().int()),
}).extend(SplitFolds.shape);
export type Split = z.infer<typeof Split>;

const RunPrep = z.object({ classes: z.array(z.string()) });

/** What every trial of a run shares: the table, the label as numbers, the split. Matrices are built per candidate. */
export interface RunData {
  task: Task;
  table: Table;
  /** the inferred types with the run's overrides */
  types: InferredType[];
  label: string;
  /** one per table row: class code or target */
  y: Float32Array;
  split: Split;
}

const prepKey = (runId: string) => `${keys.runDir(runId)}/prep.json`;

/**
 * Fixes a run's validation before its first trial: a test split the search never sees, then either a validation split
 * or cross-validation folds over the other rows (the rule in validation-plan.ts), keeping groups together or time in
 * order when the run asks. Records the plan on the run. A continued run reuses all of it.
 */
export async function prepareRunData(ctx: StudioContext, run: RunRow): Promise<void> {
  if (await ctx.blobs.exists(prepKey(run.id))) return;
  const { table, types } = await loadTable(await ctx.blobs.localPath(keys.datasetTable(run.datasetId)));
  const { y, classes, rowsWithLabel } = encodeLabel(table, run.label, run.problemType);
  const splitInput = {
    y,
    rows: rowsWithLabel,
    problemType: run.problemType,
    seed: run.seed,
    testFraction: run.testFraction,
    groups: run.groupColumn ? groupCodes(table, run.groupColumn) : undefined,
    time: run.timeColumn ? timeValues(table, withOverrides(types, run.columnTypes), run.timeColumn) : undefined,
  };
  // the test split does not depend on the plan (validFraction only moves rows between train and valid)
  const outer = makeSplit({ ...splitInput, validFraction: 0 });
  const plan = planValidation({
    nonTestRows: outer.train.length,
    mode: run.validation,
    timeOrdered: run.timeColumn !== null,
    ...(run.budgetSeconds !== null && { timeBudget: { seconds: run.budgetSeconds, columns: table.columns.length - 1 } }),
  });
  let split: Split;
  if (plan.kind === "cv") {
    const folds = makeFolds({ y, rows: outer.train, problemType: run.problemType, seed: run.seed, k: plan.folds, groups: splitInput.groups });
    split = { seed: run.seed, train: outer.train, valid: [], test: outer.test, folds };
  } else {
    const parts = makeSplit(splitInput);
    split = { seed: run.seed, train: parts.train, valid: parts.valid, test: parts.test };
  }
  const record: ValidationPlanRecord = plan.kind === "cv" ? { kind: "cv", folds: plan.folds, reason: plan.reason } : { kind: "holdout", reason: plan.reason };
  await ctx.blobs.put(keys.runSplit(run.id), JSON.stringify(split));
  await ctx.store.updateRun(run.id, { validationPlan: record });
  // the marker last: a process killed before it prepares the run again, deterministically, from the start
  await ctx.blobs.put(prepKey(run.id), JSON.stringify({ classes }));
}

/** The inferred types with the user's overrides applied (checked when the run was created). */
export function withOverrides(types: InferredType[], overrides: RunRow["columnTypes"]): InferredType[] {
  if (!overrides) return types;
  return types.map((t) => {
    const type = overrides[t.name];
    return type && type !== t.type ? { name: t.name, type, reason: `set by hand (inferred ${t.type}: ${t.reason})` } : t;
  });
}

/** one code per row for the group column's value (-1 for a missing value) */
function groupCodes(table: Table, name: string): Int32Array {
  const column = mustFind(table, name);
  if (column.kind === "string") return column.codes;
  const at = stringAt(column);
  const codes = new Map<string, number>();
  return Int32Array.from({ length: table.rowCount }, (_, r) => {
    const s = at(r);
    if (s === null) return -1;
    let c = codes.get(s);
    if (c === undefined) codes.set(s, (c = codes.size));
    return c;
  });
}

/** the time column as orderable numbers (ms since epoch for dates; NaN for a missing value) */
function timeValues(table: Table, types: InferredType[], name: string): Float64Array {
  const type = types.find((t) => t.name === name)?.type ?? "numeric";
  return numbersOf(mustFind(table, name), type === "datetime" ? "datetime" : "numeric");
}

function mustFind(table: Table, name: string) {
  const column = table.columns.find((c) => c.name === name);
  if (!column) throw new Error(`the column ${name} is not in the dataset`);
  return column;
}

const cache = new Map<string, Promise<RunData>>();

/** The run's shared data, loaded once per process and reused by every trial of the run. */
export function loadRunData(ctx: StudioContext, run: RunRow): Promise<RunData> {
  let data = cache.get(run.id);
  if (!data) {
    data = buildRunData(ctx, run);
    data.catch(() => cache.delete(run.id));
    // one run's data at a time per worker keeps memory bounded
    cache.clear();
    cache.set(run.id, data);
  }
  return data;
}

async function buildRunData(ctx: StudioContext, run: RunRow): Promise<RunData> {
  const split = Split.parse(JSON.parse((await ctx.blobs.get(keys.runSplit(run.id))).toString()));
  const prep = RunPrep.parse(JSON.parse((await ctx.blobs.get(prepKey(run.id))).toString()));
  const { table, types } = await loadTable(await ctx.blobs.localPath(keys.datasetTable(run.datasetId)));
  const { y } = encodeLabel(table, run.label, run.problemType);
  return { task: { type: run.problemType, classes: prep.classes }, table, types: withOverrides(types, run.columnTypes), label: run.label, y, split };
}
