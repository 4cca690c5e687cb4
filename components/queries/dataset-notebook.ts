import type { ProblemType } from "@/server/contracts/dataset";
import { enc } from "./api";

/** GET /api/datasets/:id/notebook: the data-exploration notebook (a download, not a query); with a label, its balance and checks too */
export function datasetNotebookUrl(datasetId: string, label?: string | null, problemType?: ProblemType | null): string {
  const params = new URLSearchParams();
  if (label) params.set("label", label);
  if (label && problemType) params.set("problemType", problemType);
  const query = params.toString();
  return `/api/datasets/${enc(datasetId)}/notebook${query ? `?${query}` : ""}`;
}
