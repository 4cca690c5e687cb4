import { z } from "zod";
import { ProblemType } from "../contracts/dataset";
import { LabelOption, type MetricOptions } from "../contracts/dataset-api";
import type { InferredType } from "../data/infer-types";
import { defaultMetric, detectProblemType, metricsFor } from "../data/problem-type";
import type { Table } from "../data/table";
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
