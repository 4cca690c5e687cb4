import { useEffect, useRef, useState } from "react";
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { patchPage, type RunOverviewDto, type TrialPageDto } from "@/server/contracts/leaderboard";
import type { RunEventDto, TrialDto } from "@/server/contracts/run";
import { enc } from "./api";
import { runKey } from "./get-run";
import { curveKey } from "./get-trial-curve";
import { trialPagesKey, type LeaderboardView } from "./list-trials";

/** GET /api/runs/:id/events (server-sent events) */
export const runEventsUrl = (id: string) => `/api/runs/${enc(id)}/events`;

/** the most often the leaderboard's pages are fetched again because of live changes */
const REFETCH_EVERY_MS = 1000;

/**
 * Feeds the run's live updates into the react-query cache: the run, its best candidate, the changed rows of the
 * cached leaderboard pages (patched in place; a page a change may reorder or recount is fetched again, at most once a
 * second), and the learning curves of changed trials. Returns whether the stream is connected.
 */
export function useRunEvents(id: string, enabled: boolean): boolean {
  const qc = useQueryClient();
  const [connected, setConnected] = useState(false);
  const wasEnabled = useRef(enabled);
  useEffect(() => {
    // the run has stopped: read everything once more, in case its last changes came while the stream was down
    if (wasEnabled.current && !enabled) void qc.invalidateQueries({ queryKey: runKey(id) });
    wasEnabled.current = enabled;
  }, [id, enabled, qc]);
  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const source = new EventSource(runEventsUrl(id));
    const refetch = throttled(() => void qc.invalidateQueries({ queryKey: trialPagesKey(id) }), REFETCH_EVERY_MS);
    source.onopen = () => {
      setConnected(true);
      // the stream sends what changes from now on: catch up with what changed since the pages were fetched
      refetch.now();
    };
    source.onerror = () => setConnected(false);
    source.onmessage = (msg) => {
      const event = JSON.parse(msg.data) as RunEventDto;
      if (patchOverview(qc, id, event)) void qc.invalidateQueries({ queryKey: runKey(id), exact: true });
      if (patchPages(qc, id, event)) refetch();
      for (const t of event.trials) void qc.invalidateQueries({ queryKey: curveKey(t.id) });
    };
    source.addEventListener("end", () => {
      source.close();
      setConnected(false);
      void qc.invalidateQueries({ queryKey: runKey(id) });
    });
    source.addEventListener("failure", () => source.close());
    return () => {
      refetch.cancel();
      source.close();
      setConnected(false);
    };
  }, [id, enabled, qc]);
  return connected;
}

/** the new run, and its best candidate when known; true when the best is a candidate this client has not seen */
function patchOverview(qc: QueryClient, id: string, event: RunEventDto): boolean {
  let unknownBest = false;
  qc.setQueryData<RunOverviewDto>(runKey(id), (old) => {
    if (!old) return old;
    const bestId = event.run.bestTrialId;
    const best: TrialDto | null = event.trials.find((t) => t.id === bestId) ?? (old.best?.id === bestId ? old.best : null);
    unknownBest = bestId !== null && best === null;
    return { run: event.run, best };
  });
  return unknownBest;
}

/** patches every cached page of the run's leaderboard; true when one of them must be fetched again */
function patchPages(qc: QueryClient, id: string, event: RunEventDto): boolean {
  if (event.trials.length === 0) return false;
  let stale = false;
  for (const [key, page] of qc.getQueriesData<TrialPageDto>({ queryKey: trialPagesKey(id) })) {
    if (!page) continue;
    const view = key[3] as LeaderboardView;
    const patched = patchPage(page, view, event.trials, event.run.direction);
    qc.setQueryData(key, patched.page);
    stale ||= patched.stale;
  }
  return stale;
}

/** calls `fn` at most once per `ms`: a call within the window runs once at its end */
function throttled(fn: () => void, ms: number) {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    last = Date.now();
    fn();
  };
  const call = () => {
    if (timer === null) timer = setTimeout(run, Math.max(0, last + ms - Date.now()));
  };
  return Object.assign(call, {
    now: () => {
      if (timer !== null) clearTimeout(timer);
      run();
    },
    cancel: () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  });
}
