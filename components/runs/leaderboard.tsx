"use client";

import type { RunDto, TrialDto } from "@/server/contracts/run";
import { archiveUrl } from "../queries/get-run";
import { formatParams, formatScore, formatSeconds, METRIC_LABELS } from "../ui/format";
import { StatusBadge } from "../ui/status-badge";

/** The live leaderboard: best validation score first, the best row highlighted; a click selects a row. */
export function Leaderboard(props: { run: RunDto; trials: TrialDto[]; selectedId: string | null; onSelect(id: string): void }) {
  const { run, trials } = props;
  const metric = METRIC_LABELS[run.metric] ?? run.metric;
  if (trials.length === 0) {
    return <p className="muted" data-testid="leaderboard-empty">No candidates yet: the first ones appear here as soon as the workers pick them up.</p>;
  }
  return (
    <div className="table-wrap">
      <table className="table leaderboard" data-testid="leaderboard">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Model</th>
            <th>Hyperparameters</th>
            <th className="num" title={run.direction === "min" ? "lower is better" : "higher is better"}>
              Validation {metric} {run.direction === "min" ? "↓" : "↑"}
            </th>
            <th className="num">Test {metric}</th>
            <th>Status</th>
            <th className="num">Duration</th>
            <th className="num">Epochs</th>
            <th aria-label="archive" />
          </tr>
        </thead>
        <tbody>
          {trials.map((t) => {
            const best = t.id === run.bestTrialId;
            const selected = t.id === props.selectedId;
            const finished = t.status === "done" || t.status === "stopped";
            return (
              <tr
                key={t.id}
                className={`clickable${best ? " row-best" : ""}${selected ? " row-selected" : ""}`}
                data-testid="leaderboard-row"
                data-trial-id={t.id}
                data-status={t.status}
                data-family={t.family}
                data-best={best ? "true" : "false"}
                aria-selected={selected}
                onClick={() => props.onSelect(t.id)}
              >
                <td className="num">
                  {t.number}
                  {best ? <span className="best-mark" title="best candidate"> ★</span> : null}
                </td>
                <td>{t.family}</td>
                <td className="mono params" title={formatParams(t.params)}>
                  {formatParams(t.params)}
                </td>
                <td className="num strong" data-testid="val-score" title={seTitle(t.valScoreSe)}>
                  {formatScore(t.valScore)}
                </td>
                <td className="num" data-testid="test-score" title={seTitle(t.testScoreSe)}>
                  {formatScore(t.testScore)}
                </td>
                <td>
                  <StatusBadge status={t.status} title={t.reason ?? undefined} />
                  {t.rung !== null ? (
                    <span className="muted small" data-testid="trial-rung" title={rungTitle(t.rungScores)}>
                      {" "}
                      rung {t.rung}
                    </span>
                  ) : null}
                  {t.reason && (t.status === "stopped" || t.status === "pruned" || t.status === "failed" || t.status === "cancelled") ? (
                    <div className="reason" title={t.reason}>{t.reason}</div>
                  ) : null}
                </td>
                <td className="num">{formatSeconds(t.durationSeconds)}</td>
                <td className="num">
                  {t.epochs ?? "—"}
                  {t.bestEpoch !== null && finished ? <span className="muted"> (best {t.bestEpoch})</span> : null}
                </td>
                <td>
                  {finished ? (
                    <a className="btn btn-small btn-ghost" href={archiveUrl(t.id)} download data-testid="download-archive" onClick={(e) => e.stopPropagation()}>
                      Archive
                    </a>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** the score's bootstrap standard error, as a tooltip */
const seTitle = (se: number | null) => (se === null ? undefined : `± ${formatScore(se)} (bootstrap standard error)`);

/** a scheduled trial's score after each rung it finished */
const rungTitle = (scores: number[] | null) => (scores?.length ? `score after each rung: ${scores.map((v) => formatScore(v)).join(" → ")}` : undefined);
