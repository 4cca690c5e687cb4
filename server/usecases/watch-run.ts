import { isRunActive, type RunEventDto } from "../contracts/run";
import type { StudioContext } from "../context";
import { toRunDto, toTrialDto } from "./dto";
import { NotFoundError } from "./errors";

export interface WatchOptions {
  /** how often the store is polled */
  intervalMs?: number;
  /** stops watching when aborted (the client went away) */
  signal: AbortSignal;
  send(event: RunEventDto): void | Promise<void>;
}

/** updates written within this window before the last one seen are fetched again (clocks of several processes) */
const OVERLAP_MS = 1000;

/**
 * Live updates of a run: polls the store and sends the run with the trials changed since the last event. The first
 * event carries only what changed in the last moments: a client reads the leaderboard a page at a time
 * (list-trials.ts), not from the stream. Returns when the run has finished (after a last event), is deleted, or the
 * signal aborts.
 */
export async function watchRun(ctx: StudioContext, runId: string, opts: WatchOptions): Promise<void> {
  const interval = opts.intervalMs ?? 400;
  const first = await ctx.store.getRun(runId);
  if (!first) throw new NotFoundError("The run");
  const datasetName = (await ctx.store.getDataset(first.datasetId))?.name ?? null;
  const sent = new Map<string, number>();
  let since = new Date(Date.now() - OVERLAP_MS);
  let all = await ctx.store.listTrialsLean(runId);
  let lastRunJson = "";
  let lastRunSentAt = 0;
  while (!opts.signal.aborted) {
    const run = await ctx.store.getRun(runId);
    if (!run) return;
    const changed = (await ctx.store.listTrialsUpdatedSince(runId, since)).filter((t) => sent.get(t.id) !== t.updatedAt.getTime());
    if (changed.length > 0) all = await ctx.store.listTrialsLean(runId);
    for (const t of changed) {
      sent.set(t.id, t.updatedAt.getTime());
      if (t.updatedAt.getTime() - OVERLAP_MS > since.getTime()) since = new Date(t.updatedAt.getTime() - OVERLAP_MS);
    }
    const now = Date.now();
    const dto = toRunDto(run, all, { workers: ctx.config.workers, datasetName, now });
    const runJson = JSON.stringify({ ...dto, elapsedSeconds: 0, estimatedSecondsLeft: 0 });
    const finished = !isRunActive(run.status);
    if (changed.length > 0 || runJson !== lastRunJson || now - lastRunSentAt >= 1000 || finished) {
      await opts.send({ run: dto, trials: changed.map((t) => toTrialDto(t, now)) });
      lastRunJson = runJson;
      lastRunSentAt = now;
    }
    if (finished) return;
    await sleep(interval, opts.signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
