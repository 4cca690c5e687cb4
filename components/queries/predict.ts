import { useMutation } from "@tanstack/react-query";
import { decodePredictionWarnings, PREDICTION_WARNINGS_HEADER, type PredictionWarning } from "@/server/contracts/prediction";
import { enc, errorFrom, ApiError } from "./api";

export interface PredictVars {
  runId: string;
  file: File;
  /** a candidate id; the run's best when absent */
  candidate?: string | null;
}

export interface PredictResult {
  /** predictions.csv, exactly as the server wrote it */
  blob: Blob;
  /** what the uploaded CSV got wrong that the predictions worked around */
  warnings: PredictionWarning[];
}

/**
 * POST /api/runs/:id/predict[?candidate=ID]: the CSV is the body (streamed from disk); the answer is predictions.csv,
 * with warnings in the X-Prediction-Warnings header
 */
export async function predict({ runId, file, candidate }: PredictVars): Promise<PredictResult> {
  const query = candidate ? `?candidate=${enc(candidate)}` : "";
  let res: Response;
  try {
    res = await fetch(`/api/runs/${enc(runId)}/predict${query}`, { method: "POST", body: file, headers: { "Content-Type": "text/csv" } });
  } catch {
    throw new ApiError("The studio server cannot be reached. Is it still running?", 0);
  }
  if (!res.ok) throw await errorFrom(res);
  const warnings = decodePredictionWarnings(res.headers.get(PREDICTION_WARNINGS_HEADER));
  return { blob: await res.blob(), warnings };
}

export const usePredict = () => useMutation({ mutationFn: predict });
