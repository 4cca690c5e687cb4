import { z } from "zod";
import { ProblemType } from "../contracts/dataset";
import { LabelOption, type MetricOptions } from "../contracts/dataset-api";
import type { StudioContext } from "../context";
import type { InferredType } from "../data/infer-types";
import { defaultMetric, detectProblemType, metricsFor } from "../data/problem-type";
import { loadTable } from "../data/table-store";
import type { Table } from "../data/table";
import { keys } from "../storage/keys";

/**
 * Which problem type each column implies as a label. Computed once at upload (the table is in memory then)
 * and kept beside the table; recomputed from the stored table if the file is missing.
 */
const labelOptionsKey = (datasetId: string) => `${keys.datasetDir(datasetId)}/label-options.json`;
const Stored = z.array(LabelOption);

const PROBLEM_WORDS: Record<ProblemType, string> = {
  binary: "binary classification",
  multiclass: "multiclass classification",
  regression: "regression",
};

export function computeLabelOptions(table: Table, types: InferredType[]): LabelOption[] {
  return table.columns.map((column, i) => {
    const type = types[i]?.type ?? (column.kind === "number" ? "numeric" : "categorical");
    const problemType = detectProblemType(column, type);
    const caveat =
      type === "identifier" ? " (an identifier: usually a poor label)" : type === "text" ? " (free text: usually a poor label)" : type === "datetime" ? " (dates: usually a poor label)" : "";
    return { name: column.name, problemType, reason: `${type} column → ${PROBLEM_WORDS[problemType]}${caveat}` };
  });
}

export async function writeLabelOptions(ctx: StudioContext, datasetId: string, table: Table, types: InferredType[]): Promise<LabelOption[]> {
  const options = computeLabelOptions(table, types);
  await ctx.blobs.put(labelOptionsKey(datasetId), JSON.stringify(options));
  return options;
}

export async function readLabelOptions(ctx: StudioContext, datasetId: string): Promise<LabelOption[]> {
  const key = labelOptionsKey(datasetId);
  if (await ctx.blobs.exists(key)) {
    const parsed = Stored.safeParse(JSON.parse((await ctx.blobs.get(key)).toString("utf8")));
    if (parsed.success) return parsed.data;
  }
  const { table, types } = await loadTable(await ctx.blobs.localPath(keys.datasetTable(datasetId)));
  return writeLabelOptions(ctx, datasetId, table, types);
}

/** The metrics of each problem type, the default first. */
export function metricOptions(): Record<ProblemType, MetricOptions> {
  const out = {} as Record<ProblemType, MetricOptions>;
  for (const p of ProblemType.options) out[p] = { metrics: metricsFor(p), default: defaultMetric(p) };
  return out;
}
