import { z } from "zod";
import { ProblemType } from "../contracts/dataset";
import { LabelOption, type MetricOptions } from "../contracts/dataset-api";
import type { InferredType } from "../data/infer-types";
import { defaultMetric, detectProblemType, metricsFor } from "../data/problem-type";
import type { Table } from "../data/table";
import { DataError } from "../data/data-error";
import type { StudioContext } from "../context";
import { datasetDerivedFile } from "./dataset-derived-file";

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

/** Which problem type each column implies as a label, kept beside the table. */
const labelOptionsFile = datasetDerivedFile("label-options.json", z.array(LabelOption), computeLabelOptions);
export const writeLabelOptions = labelOptionsFile.write;
export const readLabelOptions = labelOptionsFile.read;

/** The metrics of each problem type, the default first. */
export function metricOptions(): Record<ProblemType, MetricOptions> {
  const out = {} as Record<ProblemType, MetricOptions>;
  for (const p of ProblemType.options) out[p] = { metrics: metricsFor(p), default: defaultMetric(p) };
  return out;
}

/**
 * The label a request names, with its problem type (the one detected for the column unless given): a DataError names
 * what is wrong when the column does not exist or cannot be a label.
 */
export async function resolveLabel(ctx: StudioContext, datasetId: string, label: string, problemType?: ProblemType): Promise<{ label: string; problemType: ProblemType }> {
  const option = (await readLabelOptions(ctx, datasetId)).find((l) => l.name === label);
  if (!option) throw new DataError(`There is no column named "${label}" in this dataset.`);
  const resolved = problemType ?? option.problemType;
  if (!resolved) throw new DataError(`${label} cannot be a label: ${option.reason}.`);
  return { label, problemType: resolved };
}
