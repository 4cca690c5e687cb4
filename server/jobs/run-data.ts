import { z } from "zod";
import type { StudioContext } from "../context";
import type { RunRow } from "../db/store";
import type { Matrix, Task } from "../models/family";
import { keys } from "../storage/keys";
import { loadTable } from "../data/table-store";
import { encodeLabel } from "../data/label";
import { makeSplit } from "../data/split";
import { fitPreprocessor, transform, PreprocessorState } from "../data/preprocess";
import type { InferredType } from "../data/infer-types";

/** The row indices of a run's split; stored so that code outside the studio can rebuild it exactly. */
export const Split = z.object({
  seed: z.number().int(),
  train: z.array(z.number().int()),
  valid: z.array(z.number().int()),
  test: z.array(z.number().int()),
});
export type Split = z.infer<typeof Split>;

const RunPrep = z.object({ classes: z.array(z.string()), preprocessing: PreprocessorState });

export interface RunData {
  task: Task;
  split: Split;
  preprocessing: PreprocessorState;
  x: { train: Matrix; valid: Matrix; test: Matrix };
  y: { train: Float32Array; valid: Float32Array; test: Float32Array };
}

const prepKey = (runId: string) => `${keys.runDir(runId)}/prep.json`;

/**
 * Fixes a run's split (a validation split for the search, a test split it never sees) and fits the
 * preprocessing on the training rows only. Done once per run, before its first trial; a continued run reuses it.
 */
export async function prepareRunData(ctx: StudioContext, run: RunRow): Promise<void> {
  if (await ctx.blobs.exists(prepKey(run.id))) return;
  const { table, types } = await loadTable(await ctx.blobs.localPath(keys.datasetTable(run.datasetId)));
  const { y, classes, rowsWithLabel } = encodeLabel(table, run.label, run.problemType);
  const parts = makeSplit({ y, rows: rowsWithLabel, problemType: run.problemType, seed: run.seed });
  const split: Split = { seed: run.seed, train: parts.train, valid: parts.valid, test: parts.test };
  const preprocessing = fitPreprocessor(table, withOverrides(types, run.columnTypes), { label: run.label, trainRows: split.train });
  await ctx.blobs.put(keys.runSplit(run.id), JSON.stringify(split));
  await ctx.blobs.put(prepKey(run.id), JSON.stringify({ classes, preprocessing }));
}

/** The inferred types with the user's overrides applied (checked when the run was created). */
export function withOverrides(types: InferredType[], overrides: RunRow["columnTypes"]): InferredType[] {
  if (!overrides) return types;
  return types.map((t) => {
    const type = overrides[t.name];
    return type && type !== t.type ? { name: t.name, type, reason: `set by hand (inferred ${t.type}: ${t.reason})` } : t;
  });
}

const cache = new Map<string, Promise<RunData>>();

/** The run's matrices, built once per process and reused by every trial of the run. */
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
  const { table } = await loadTable(await ctx.blobs.localPath(keys.datasetTable(run.datasetId)));
  const { y } = encodeLabel(table, run.label, run.problemType);
  const pick = (rows: number[]) => Float32Array.from(rows, (r) => y[r]);
  return {
    task: { type: run.problemType, classes: prep.classes },
    split,
    preprocessing: prep.preprocessing,
    x: {
      train: transform(prep.preprocessing, table, split.train),
      valid: transform(prep.preprocessing, table, split.valid),
      test: transform(prep.preprocessing, table, split.test),
    },
    y: { train: pick(split.train), valid: pick(split.valid), test: pick(split.test) },
  };
}
