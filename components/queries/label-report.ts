import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ProblemType } from "@/server/contracts/dataset";
import type { LabelReportDto } from "@/server/contracts/dataset-api";
import { apiFetch, enc } from "./api";
import { datasetKey } from "./get-dataset";

/** GET /api/datasets/:id/label-report?label=NAME[&problemType=TYPE] (associations with the label, label warnings) */
export const labelReportKey = (datasetId: string, label: string, problemType: ProblemType | null) =>
  [...datasetKey(datasetId), "label-report", label, problemType ?? "detected"] as const;

export const fetchLabelReport = (datasetId: string, label: string, problemType: ProblemType | null) =>
  apiFetch<LabelReportDto>(
    `/api/datasets/${enc(datasetId)}/label-report?label=${enc(label)}${problemType ? `&problemType=${enc(problemType)}` : ""}`,
  );

export const labelReportQueryOptions = (datasetId: string, label: string, problemType: ProblemType | null) =>
  queryOptions({
    queryKey: labelReportKey(datasetId, label, problemType),
    queryFn: () => fetchLabelReport(datasetId, label, problemType),
    // a dataset never changes, so neither does its report for a label
    staleTime: Infinity,
  });

/** The report for the chosen label; nothing is fetched while no label is chosen. */
export const useLabelReport = (datasetId: string, label: string | null, problemType: ProblemType | null = null) =>
  useQuery({
    ...labelReportQueryOptions(datasetId, label ?? "", problemType),
    enabled: !!label,
  });
