import { useMutation } from "@tanstack/react-query";
import { predictPath, type PredictRowsDto, type RowValue } from "@/server/contracts/deployment";
import { apiFetch, jsonBody } from "./api";

export interface PredictRowsVars {
  modelId: string;
  rows: Record<string, RowValue>[];
}

/** POST /api/models/:id/predict — real-time predictions for JSON rows */
export const predictRows = ({ modelId, rows }: PredictRowsVars) => apiFetch<PredictRowsDto>(predictPath(modelId), jsonBody({ rows }));
export const usePredictRows = () => useMutation({ mutationFn: predictRows });
