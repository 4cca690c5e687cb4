import { CompareRunsQuery, settingRows, type ComparedRunDto, type ProgressPointDto, type RunComparisonDto } from "../contracts/run-comparison";
import { compareTrials, hasScore, type RunDto, type TrialDto } from "../contracts/run";
import type { StudioContext } from "../context";
import { toRunDto, toTrialDto } from "./dto";
import { BadRequestError, NotFoundError } from "./errors";

const BEST_SHOWN = 3;

/**
 * Runs of one dataset side by side: their settings (with the ones that differ marked), their best candidates, and
 * their search progress (best validation score so far against seconds since each run started).
 */
export async function compareRuns(ctx: StudioContext, runsParam: string | null): Promise<RunComparisonDto> {
  const ids = CompareRunsQuery.parse(runsParam ?? undefined);
  const details = await Promise.all(ids.map((id) => runWithTrials(ctx, id)));
  const datasetIds = new Set(details.map((d) => d.run.datasetId));
  if (datasetIds.size > 1) throw new BadRequestError("Only runs of the same dataset can be compared: choose runs from one dataset's page.");
  const first = details[0].run;
  return {
    datasetId: first.datasetId,
    datasetName: first.datasetName,
    runs: details.map(comparedRun),
    settings: settingRows(details.map((d) => d.run)),
  };
}

interface RunWithTrials {
  run: RunDto;
  trials: TrialDto[];
}

/** a run with every candidate, in leaderboard order (best first): the progress needs them all, not a page */
async function runWithTrials(ctx: StudioContext, id: string): Promise<RunWithTrials> {
  const run = await ctx.store.getRun(id);
  if (!run) throw new NotFoundError(`The run ${id}`);
  const [trials, dataset] = await Promise.all([ctx.store.listTrials(id), ctx.store.getDataset(run.datasetId)]);
  const now = Date.now();
  const dto = toRunDto(run, trials, { workers: ctx.config.workers, datasetName: dataset?.name ?? null, now });
  return { run: dto, trials: trials.map((t) => toTrialDto(t, now)).sort(compareTrials(dto.direction)) };
}

/** the candidates that can be the run's best: scored, and within its constraints */
const contenders = (trials: TrialDto[]) => trials.filter((t) => hasScore(t) && t.infeasibleReason === null);

function comparedRun({ run, trials }: RunWithTrials): ComparedRunDto {
  const best = contenders(trials)
    .slice(0, BEST_SHOWN)
    .map((t) => ({ trialId: t.id, number: t.number, family: t.family, valScore: t.valScore as number, testScore: t.testScore }));
  return { run, best, progress: bestSoFar(trials, run.direction) };
}

/**
 * The best score so far each time a contender finished. Time runs from the first candidate's start, not the run's
 * startedAt: a continued run's startedAt is its latest segment's.
 */
function bestSoFar(trials: TrialDto[], direction: "min" | "max"): ProgressPointDto[] {
  const starts = trials.flatMap((t) => (t.startedAt ? [Date.parse(t.startedAt)] : []));
  if (starts.length === 0) return [];
  const origin = Math.min(...starts);
  const finished = contenders(trials)
    .filter((t) => t.finishedAt !== null)
    .map((t) => ({ t, at: Date.parse(t.finishedAt as string) }))
    .sort((a, b) => a.at - b.at || a.t.number - b.t.number);
  const better = (a: number, b: number) => (direction === "max" ? a > b : a < b);
  const points: ProgressPointDto[] = [];
  let best: number | null = null;
  for (const { t, at } of finished) {
    const score = t.valScore as number;
    if (best === null || better(score, best)) best = score;
    points.push({ seconds: Math.max(0, (at - origin) / 1000), best, trialNumber: t.number });
  }
  return points;
}
