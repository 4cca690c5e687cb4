import type { StudioContext } from "../context";
import { ENSEMBLE_FAMILY, hasScore, metricDirection } from "../contracts/run";
import { loadTable } from "../data/table-store";
import { copyArchive } from "../export/archive";
import { ArchiveNotFoundError } from "../export/archive-files";
import { writeCandidateExports } from "../export/candidate-exports";
import { nearestCandidates, type ScoredCandidate } from "../export/notebook/nearest-candidates";
import type { TrialRow } from "../db/store";
import { keys } from "../storage/keys";
import { NotFoundError } from "./errors";

/**
 * A candidate's archive with its exports (portable models, the studio's predictions of the replayed rows, the
 * reproducibility notebook, predict.mjs) written to `outDir`: what the studio's download zips and the CLI's
 * `export` writes.
 */
export async function exportCandidate(ctx: StudioContext, trialId: string, outDir: string): Promise<TrialRow> {
  const trial = await ctx.store.getTrial(trialId);
  if (!trial) throw new NotFoundError("The candidate");
  const run = await ctx.store.getRun(trial.runId);
  const dataset = run ? await ctx.store.getDataset(run.datasetId) : null;
  if (!run || !dataset) throw new NotFoundError("The candidate's run or dataset");
  await copyArchive(ctx.blobs, run.id, trial.id, outDir).catch((err: unknown) => {
    throw err instanceof ArchiveNotFoundError ? new NotFoundError("The archive", err.message) : err;
  });
  const { table } = await loadTable(await ctx.blobs.localPath(keys.datasetTable(run.datasetId)));
  const direction = metricDirection(run.metric);
  const trials = await ctx.store.listTrials(run.id);
  const scored = trials
    .filter((t) => hasScore(t))
    .sort((a, b) => (direction === "max" ? b.valScore! - a.valScore! : a.valScore! - b.valScore!) || a.number - b.number);
  const rank = scored.findIndex((t) => t.id === trial.id);
  const candidate = (t: TrialRow): ScoredCandidate => ({ number: t.number, family: t.family, params: t.params, valScore: t.valScore!, testScore: t.testScore });
  const singles = scored.filter((t) => t.family !== ENSEMBLE_FAMILY).map(candidate);
  await writeCandidateExports(outDir, table, {
    csvFileName: /\.(csv|tsv|txt)$/i.test(dataset.name) ? dataset.name : `${dataset.name}.csv`,
    rank: rank < 0 ? null : rank + 1,
    candidates: scored.length,
    search: { strategy: run.strategy, scheduler: run.scheduler, estimation: run.estimation, families: run.families, reason: trial.reason, parentNumber: trial.parentNumber },
    neighbours: trial.family === ENSEMBLE_FAMILY || rank < 0 ? [] : nearestCandidates(candidate(trial), singles, direction),
    inheritedFrom: Object.fromEntries(trials.flatMap((t) => (t.parentNumber === null ? [] : [[t.number, t.parentNumber]]))),
  });
  return trial;
}
