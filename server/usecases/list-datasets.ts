import type { DatasetListDto } from "../contracts/dataset-api";
import type { StudioContext } from "../context";
import { toDatasetSummary } from "./dto";

/** Every dataset (newest first) and the data directory's size. */
export async function listDatasets(ctx: StudioContext): Promise<DatasetListDto> {
  const [rows, dataDirBytes] = await Promise.all([ctx.store.listDatasets(), ctx.blobs.size("")]);
  const datasets = rows.map(toDatasetSummary).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { datasets, dataDirBytes, maxUploadBytes: ctx.config.maxUploadBytes };
}
