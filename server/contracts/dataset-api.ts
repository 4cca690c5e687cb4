import { z } from "zod";
import { DatasetDto, DatasetWarning, LabelAssociation, Metric, ProblemType } from "./dataset";
import { RunDto } from "./run";

/** A dataset in lists: everything but the column profiles. */
export const DatasetSummaryDto = DatasetDto.omit({ columns: true });
export type DatasetSummaryDto = z.infer<typeof DatasetSummaryDto>;

/** GET /api/datasets */
export const DatasetListDto = z.object({
  datasets: z.array(DatasetSummaryDto),
  /** bytes under the data directory (datasets, archives, database) */
  dataDirBytes: z.number(),
  maxUploadBytes: z.number(),
});
export type DatasetListDto = z.infer<typeof DatasetListDto>;

/** A column as a label: the detected problem type, or why it cannot be a label. */
export const LabelOption = z.object({
  name: z.string(),
  problemType: ProblemType.nullable(),
  /** why the type was detected, or why the column cannot be a label */
  reason: z.string(),
});
export type LabelOption = z.infer<typeof LabelOption>;

export const MetricOptions = z.object({ metrics: z.array(Metric), default: Metric });
export type MetricOptions = z.infer<typeof MetricOptions>;

/** GET /api/datasets/:id */
export const DatasetDetailDto = z.object({
  dataset: DatasetDto,
  labels: z.array(LabelOption),
  metrics: z.record(ProblemType, MetricOptions),
  runs: z.array(RunDto),
  /** label-independent guardrails: identifiers, constant columns, duplicated rows, high missingness */
  warnings: z.array(DatasetWarning),
});
export type DatasetDetailDto = z.infer<typeof DatasetDetailDto>;

/** GET /api/datasets/:id/label-report?label=NAME[&problemType=TYPE] */
export const LabelReportQuery = z.object({
  label: z.string().min(1, "Pick a label column (?label=NAME)."),
  /** default: the problem type detected for the label */
  problemType: ProblemType.optional(),
});
export type LabelReportQuery = z.infer<typeof LabelReportQuery>;

/** The label-dependent guardrails: each column's association with the label, imbalance and leakage warnings. */
export const LabelReportDto = z.object({
  label: z.string(),
  problemType: ProblemType,
  /** every column but the label, the strongest association first (columns that are not features last) */
  associations: z.array(LabelAssociation),
  warnings: z.array(DatasetWarning),
});
export type LabelReportDto = z.infer<typeof LabelReportDto>;

/** GET /api/system */
export const SystemDto = z.object({
  /** the TensorFlow.js backend of the latest run, or "not started yet" */
  backend: z.string(),
  workers: z.number().int(),
  dataDirBytes: z.number(),
  maxUploadBytes: z.number(),
});
export type SystemDto = z.infer<typeof SystemDto>;

/** every error response: { error: message } */
export const ApiErrorDto = z.object({ error: z.string() });
export type ApiErrorDto = z.infer<typeof ApiErrorDto>;
