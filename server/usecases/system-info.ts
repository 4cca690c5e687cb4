import type { SystemDto } from "../contracts/dataset-api";
import type { StudioContext } from "../context";

/** What the studio runs on: the backend of the latest run that started, the workers, and the data directory's size. */
export async function systemInfo(ctx: StudioContext): Promise<SystemDto> {
  const [runs, dataDirBytes] = await Promise.all([ctx.store.listRuns(), ctx.blobs.size("")]);
  const latest = runs.filter((r) => r.backend).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  return {
    backend: latest?.backend ?? "not started yet",
    workers: ctx.config.workers,
    dataDirBytes,
    maxUploadBytes: ctx.config.maxUploadBytes,
  };
}
