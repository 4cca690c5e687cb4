import { useMutation } from "@tanstack/react-query";
import { enc, errorFrom, ApiError } from "./api";

export interface PredictVars {
  runId: string;
  file: File;
  /** a candidate id; the run's best when absent */
  candidate?: string | null;
}

/** POST /api/runs/:id/predict[?candidate=ID]: the CSV is the body (streamed from disk); the answer is predictions.csv */
export async function predict({ runId, file, candidate }: PredictVars): Promise<Blob> {
  const query = candidate ? `?candidate=${enc(candidate)}` : "";
  let res: Response;
  try {
    res = await fetch(`/api/runs/${enc(runId)}/predict${query}`, { method: "POST", body: file, headers: { "Content-Type": "text/csv" } });
  } catch {
    throw new ApiError("The studio server cannot be reached. Is it still running?", 0);
  }
  if (!res.ok) throw await errorFrom(res);
  return res.blob();
}

export const usePredict = () => useMutation({ mutationFn: predict });
