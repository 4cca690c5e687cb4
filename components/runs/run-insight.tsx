"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { RunInsightDto } from "@/server/contracts/insight";
import type { Direction } from "@/server/contracts/run";
import { OptimizationHistory } from "../charts/optimization-history";
import { ParallelCoordinates } from "../charts/parallel-coordinates";
import { ParamImportance } from "../charts/param-importance";
import { ParetoChart } from "../charts/pareto-chart";
import { runInsightKey, runInsightQueryOptions } from "../queries/get-run-insight";
import { ErrorMessage } from "../ui/error-message";

/**
 * What the finished trials say about the search: its progress, where the good trials lie, which settings matter, and
 * what each finished candidate (ensembles included) costs for its score. onSelect selects a candidate on the run page.
 */
export function RunInsight({ runId, active, metricLabel, direction, onSelect }: { runId: string; active: boolean; metricLabel: string; direction: Direction; onSelect?: (id: string) => void }) {
  const { data, error, isPending } = useRunInsight(runId, active);
  return (
    <section className="card insight" data-testid="run-insight">
      <h2>Search insight</h2>
      <ErrorMessage error={error} />
      {isPending ? <p className="muted">Loading the insight…</p> : null}
      {data && data.finishedTrials === 0 ? <p className="muted" data-testid="insight-empty">No finished trials yet: the charts appear as soon as the first candidate is scored.</p> : null}
      {data && data.finishedTrials > 0 ? <InsightCharts insight={data} metricLabel={metricLabel} /> : null}
      {data && data.pareto.total > 0 ? (
        <div className="insight-part" data-testid="pareto-chart">
          <h3>Score against cost</h3>
          <p className="muted small">
            Each finished candidate&apos;s validation {metricLabel} against what it costs; the Pareto front (no other candidate at least as good on both and better on one) is highlighted and
            joined, the dominated ones dimmed.
            {data.pareto.candidates.length < data.pareto.total
              ? ` Showing ${data.pareto.candidates.length.toLocaleString()} of ${data.pareto.total.toLocaleString()} candidates: every one on a cost's front and an even sample of the others.`
              : null}
          </p>
          <ParetoChart trials={data.pareto.candidates} direction={direction} metricLabel={metricLabel} onSelect={onSelect} />
        </div>
      ) : null}
    </section>
  );
}

function InsightCharts({ insight, metricLabel }: { insight: RunInsightDto; metricLabel: string }) {
  const { history, parallel, importance } = insight;
  return (
    <>
      <div className="insight-part" data-testid="optimization-history">
        <h3>Optimisation history</h3>
        <p className="muted small">
          Each finished trial&apos;s validation {metricLabel} and the best so far.
          {history.points.length < history.total ? ` Showing ${history.points.length.toLocaleString()} of ${history.total.toLocaleString()} trials: every improvement of the best and an even sample of the others.` : null}
        </p>
        <OptimizationHistory points={history.points} metricLabel={metricLabel} />
      </div>

      <div className="insight-part">
        <h3>Hyperparameter importance</h3>
        <p className="muted small">
          fANOVA on a random-forest surrogate of the finished trials: each hyperparameter&apos;s share of the variation in validation {metricLabel} it explains on its own; needs at least{" "}
          {importance.minTrials} finished trials.
          {importance.trialsUsed > 0 && importance.trialsUsed < insight.finishedTrials ? ` Fitted on an even sample of ${importance.trialsUsed.toLocaleString()} of them.` : null}
        </p>
        {importance.params === null ? (
          <p className="muted" data-testid="importance-pending">
            {insight.finishedTrials} of {importance.minTrials} trials finished so far.
          </p>
        ) : importance.params.length === 0 ? (
          <p className="muted">Every trial used the same hyperparameters.</p>
        ) : (
          <ParamImportance params={importance.params} />
        )}
      </div>

      {parallel.axes.length > 0 ? (
        <div className="insight-part">
          <h3>Parallel coordinates</h3>
          <p className="muted small">
            One line per trial across its hyperparameters to its validation {metricLabel}; darker lines are better.
            {parallel.lines.length < parallel.total
              ? ` Showing ${parallel.lines.length.toLocaleString()} of ${parallel.total.toLocaleString()} trials: the best ${parallel.bestKept} and an even sample of the others.`
              : null}
          </p>
          <ParallelCoordinates data={parallel} direction={insight.direction} metricLabel={metricLabel} />
        </div>
      ) : null}
    </>
  );
}

/**
 * Polled while the run is active, like the run itself, but less often: the insight summarises (and fits a surrogate
 * to) every finished trial, so it need not follow each event. When the run stops it is fetched once more, so the
 * last trials show even when the run's event stream was down. (Here, not in queries/: the run page's server render
 * imports that file's key, and it must stay free of React hooks.)
 */
function useRunInsight(runId: string, active: boolean) {
  const qc = useQueryClient();
  const wasActive = useRef(active);
  useEffect(() => {
    if (wasActive.current && !active) void qc.invalidateQueries({ queryKey: runInsightKey(runId) });
    wasActive.current = active;
  }, [runId, active, qc]);
  return useQuery({ ...runInsightQueryOptions(runId), refetchInterval: active ? 5000 : false });
}
