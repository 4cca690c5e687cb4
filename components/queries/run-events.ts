import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { mergeTrials, type RunDetailDto, type RunEventDto } from "@/server/contracts/run";
import { enc } from "./api";
import { runKey } from "./get-run";
import { curveKey } from "./get-trial-curve";

/** GET /api/runs/:id/events (server-sent events) */
export const runEventsUrl = (id: string) => `/api/runs/${enc(id)}/events`;

/**
 * Feeds the run's live updates into the react-query cache (the run, the changed leaderboard rows, and the
 * learning curves of changed trials). Returns whether the stream is connected.
 */
export function useRunEvents(id: string, enabled: boolean): boolean {
  const qc = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const source = new EventSource(runEventsUrl(id));
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.onmessage = (msg) => {
      const event = JSON.parse(msg.data) as RunEventDto;
      qc.setQueryData<RunDetailDto>(runKey(id), (old) =>
        old ? { run: event.run, trials: mergeTrials(old.trials, event.trials, event.run.direction) } : old,
      );
      for (const t of event.trials) void qc.invalidateQueries({ queryKey: curveKey(t.id) });
    };
    source.addEventListener("end", () => {
      source.close();
      setConnected(false);
      void qc.invalidateQueries({ queryKey: runKey(id) });
    });
    source.addEventListener("failure", () => source.close());
    return () => {
      source.close();
      setConnected(false);
    };
  }, [id, enabled, qc]);
  return connected;
}
