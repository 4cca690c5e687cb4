import { METRICS_BY_TASK } from "../automl/estimation/metrics";
import { CompareQuery, type CompareDto, type CompareRowDto } from "../contracts/compare";
import type { Metric } from "../contracts/dataset";
import { hasScore, type TrialDto, type TrialFeaturesDto } from "../contracts/run";
import type { StudioContext } from "../context";
import type { RunRow, TrialRow } from "../db/store";
import { loadRunData, type RunData } from "../jobs/run-data";
import { foldScores } from "./compare-folds";
import { predictionDisagreement } from "./compare-disagreement";
import { toTrialDto } from "./dto";
import { BadRequestError, ConflictError, NotFoundError } from "./errors";
import { getTrialArchitecture } from "./get-trial-architecture";
import { getTrialCurve } from "./get-trial-curve";
import { getTrialFeatures } from "./get-trial-features";

/**
 * Two to five finished candidates side by side, from one run or several runs on the same dataset and label: their
 * metrics (with the spread across folds), hyperparameters and kept features with the differences marked, learning
 * curves, architectures, costs, and where their predictions of the same validation rows disagree.
 */
export async function compareCandidates(ctx: StudioContext, query: unknown): Promise<CompareDto> {
  const { trials: ids } = CompareQuery.parse(query);
  const { runs, trials } = await loadCandidates(ctx, ids);
  const runOf = (t: TrialRow) => runs.get(t.runId)!;
  const firstRun = runOf(trials[0]);
  const data = new Map<string, RunData>();
  for (const run of runs.values()) data.set(run.id, await loadRunData(ctx, run));
  const dataOf = (run: RunRow) => data.get(run.id)!;

  const dtos = trials.map((t) => toTrialDto(t));
  const severalRuns = runs.size > 1;
  const runNumber = new Map([...runs.keys()].map((id, i) => [id, i + 1]));
  const candidates = await Promise.all(
    trials.map(async (t, i) => ({
      trial: dtos[i],
      title: `#${t.number} ${t.family}${severalRuns ? ` (run ${runNumber.get(t.runId)})` : ""}`,
      folds: await foldScores(ctx, runOf(t), t, dataOf(runOf(t))),
      curve: (await getTrialCurve(ctx, t.id)).points,
      features: await getTrialFeatures(ctx, t.id).catch(notFoundAsNull),
      architecture: t.family === "nas" ? await getTrialArchitecture(ctx, t.id).catch(notFoundAsNull) : null,
    })),
  );
  const { disagreement, note } = await predictionDisagreement(
    ctx,
    trials.map((t) => ({ run: runOf(t), trial: t })),
    dataOf,
  );
  const dataset = await ctx.store.getDataset(firstRun.datasetId);
  return {
    datasetId: firstRun.datasetId,
    datasetName: dataset?.name ?? null,
    label: firstRun.label,
    problemType: firstRun.problemType,
    metric: firstRun.metric,
    validation: [...runs.values()].map((run) => `${severalRuns ? `run ${runNumber.get(run.id)}: ` : ""}${run.validationPlan?.reason ?? run.validation}`),
    candidates,
    metrics: metricsOf(firstRun, dtos),
    params: sideBySide(dtos.map((t) => t.params)),
    features: sideBySide(candidates.map((c) => keptByFeature(c.features))),
    disagreement,
    disagreementNote: note,
  };
}

/** the candidates in the order asked, and their runs; refuses unknown ids, mixed datasets or labels, unfinished ones */
async function loadCandidates(ctx: StudioContext, ids: string[]): Promise<{ runs: Map<string, RunRow>; trials: TrialRow[] }> {
  const found = await Promise.all(ids.map((id) => ctx.store.getTrial(id)));
  const missing = ids.filter((_, i) => !found[i]);
  if (missing.length > 0) {
    throw new NotFoundError("A candidate", `No candidate has the id ${missing.join(", ")}: it may have been deleted. Choose the candidates again on a run's leaderboard.`);
  }
  const trials = found as TrialRow[];
  const runs = new Map<string, RunRow>();
  for (const t of trials) {
    if (runs.has(t.runId)) continue;
    const run = await ctx.store.getRun(t.runId);
    if (!run) throw new NotFoundError("The run", `The run of candidate #${t.number} was not found; it may have been deleted.`);
    runs.set(run.id, run);
  }
  const all = [...runs.values()];
  if (new Set(all.map((r) => r.datasetId)).size > 1) {
    const names = await Promise.all([...new Set(all.map((r) => r.datasetId))].map(async (id) => (await ctx.store.getDataset(id))?.name ?? id));
    throw new BadRequestError(`These candidates come from runs on different datasets (${names.join(", ")}): choose candidates of runs on one dataset.`);
  }
  if (new Set(all.map((r) => `${r.label}\u0000${r.problemType}`)).size > 1) {
    throw new BadRequestError("These candidates predict different labels (or the same label as a different problem): choose candidates of runs that predict the same label.");
  }
  const unfinished = trials.find((t) => !comparable(toTrialDto(t)));
  if (unfinished) throw new ConflictError(`Candidate #${unfinished.number} is ${unfinished.status} and has no score: compare it once it has finished.`);
  return { runs, trials };
}

/** finished with a score, or pruned with the score it had (a lower fidelity, but a model all the same) */
const comparable = (t: TrialDto) => hasScore(t) || (t.status === "pruned" && t.valScore !== null);

const notFoundAsNull = (err: unknown) => {
  if (err instanceof NotFoundError) return null;
  throw err;
};

/** the run's metric first, then every other metric some candidate was scored with, in the task's order */
function metricsOf(run: RunRow, trials: TrialDto[]): Metric[] {
  const scored = new Set(trials.flatMap((t) => [...Object.keys(t.valMetrics ?? {}), ...Object.keys(t.testMetrics ?? {})]));
  return [run.metric, ...METRICS_BY_TASK[run.problemType].filter((m) => m !== run.metric && scored.has(m))];
}

/** null when the candidate has no feature selection of its own (an ensemble's members each have theirs) */
function keptByFeature(features: TrialFeaturesDto | null): Record<string, boolean> | null {
  return features && Object.fromEntries(features.features.map((f) => [f.name, f.kept]));
}

/**
 * One row per key over every candidate's record (sorted by name), each candidate's value or null where it has none;
 * a row differs when its values are not all the same (having no value differs from having one). A null record is
 * unknown rather than empty: its cells are null and take no part in the difference.
 */
export function sideBySide(records: (Record<string, string | number | boolean> | null)[]): CompareRowDto[] {
  const names = [...new Set(records.flatMap((r) => Object.keys(r ?? {})))].sort();
  return names.map((name) => {
    const values = records.map((r) => (r && Object.hasOwn(r, name) ? r[name] : null));
    const known = values.filter((_, i) => records[i] !== null);
    return { name, values, differs: known.some((v) => v !== known[0]) };
  });
}
