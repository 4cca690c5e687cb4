"use client";

import Link from "next/link";
import { useRef, useState, type KeyboardEvent } from "react";
import { LEADERBOARD_PAGE_SIZE, sortDirection, type LeaderboardSort, type TrialPageDto } from "@/server/contracts/leaderboard";
import type { RunDto, TrialDto } from "@/server/contracts/run";
import { archiveUrl } from "../queries/get-run";
import { useTrialPage, type LeaderboardView } from "../queries/list-trials";
import { ErrorMessage } from "../ui/error-message";
import { formatBytes, formatCount, formatParams, formatScore, formatSeconds, METRIC_LABELS } from "../ui/format";
import { StatusBadge } from "../ui/status-badge";
import { LeaderboardFilters } from "./leaderboard-filters";

/** a comparison takes two to five candidates */
const COMPARE_MIN = 2;
const COMPARE_MAX = 5;
const INFEASIBLE_STYLE = { color: "#9ca3af", background: "#f9fafb" } as const;
/** a header button that looks like the header text */
const HEADER_BUTTON = { background: "none", border: 0, padding: 0, font: "inherit", color: "inherit", cursor: "pointer" } as const;

/**
 * The live leaderboard, a page at a time: sorted and filtered on the server (a run may have 10,000 candidates), best
 * validation score first unless a header says otherwise. Rows are one tab stop (arrow keys move, Enter selects, as a
 * click does); candidates that break the run's constraints are greyed with the reason; two to five ticked candidates
 * open side by side.
 */
export function Leaderboard(props: { run: RunDto; poll: boolean; selectedId: string | null; onSelect(id: string): void }) {
  const { run } = props;
  const [view, setView] = useState<LeaderboardView>({});
  const { data, error } = useTrialPage(run.id, view, { poll: props.poll });
  const [compare, setCompare] = useState<string[]>([]);

  if (!data) return error ? <ErrorMessage error={error} /> : <p className="muted">Loading the leaderboard…</p>;
  if (data.total === 0) {
    return <p className="muted" data-testid="leaderboard-empty">No candidates yet: the first ones appear here as soon as the workers pick them up.</p>;
  }
  const toggleCompare = (id: string) => setCompare((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : ids.length < COMPARE_MAX ? [...ids, id] : ids));
  return (
    <div>
      <LeaderboardFilters view={view} counts={data.counts} onChange={(v) => setView({ ...v, offset: undefined })} />
      <ErrorMessage error={error} />
      <CompareBar ids={compare} onClear={() => setCompare([])} />
      {data.matching === 0 ? (
        <p className="muted" data-testid="leaderboard-no-match">
          None of the {formatCount(data.total)} candidates matches these filters.
        </p>
      ) : (
        <LeaderboardTable {...props} view={view} onView={setView} page={data} compare={compare} onCompare={toggleCompare} />
      )}
      <Pager view={view} page={data} onView={setView} />
    </div>
  );
}

function LeaderboardTable(props: {
  run: RunDto;
  view: LeaderboardView;
  onView(view: LeaderboardView): void;
  page: TrialPageDto;
  selectedId: string | null;
  onSelect(id: string): void;
  compare: string[];
  onCompare(id: string): void;
}) {
  const { run, page } = props;
  const metric = METRIC_LABELS[run.metric] ?? run.metric;
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);
  const [focused, setFocused] = useState<number | null>(null);
  // the roving tab stop: the row last focused while it is on the page, else the selected one, else the first
  const selectedIndex = page.trials.findIndex((t) => t.id === props.selectedId);
  const stop = focused !== null && focused < page.trials.length ? focused : Math.max(0, selectedIndex);
  const moveTo = (i: number) => {
    const next = Math.min(page.trials.length - 1, Math.max(0, i));
    setFocused(next);
    rows.current[next]?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTableRowElement>, i: number, t: TrialDto) => {
    const moves: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: page.trials.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      moveTo(moves[e.key]);
    } else if (e.key === "Enter" && e.target === e.currentTarget) {
      e.preventDefault();
      props.onSelect(t.id);
    }
  };
  const header = (label: string, sort: LeaderboardSort, title?: string) => <SortHeader label={label} sort={sort} title={title} view={props.view} direction={run.direction} onView={props.onView} />;
  return (
    <div className="table-wrap">
      <table className="table leaderboard" data-testid="leaderboard">
        <thead>
          <tr>
            {header("#", "number")}
            <th>Model</th>
            <th>Hyperparameters</th>
            {header(`Validation ${metric} ${run.direction === "min" ? "↓" : "↑"}`, "val", run.direction === "min" ? "lower is better" : "higher is better")}
            {header(`Test ${metric}`, "test")}
            <th>Status</th>
            {header("Duration", "duration")}
            <th className="num">Epochs</th>
            {header("Size", "archive", "archive size")}
            {header("Latency", "latency", "prediction time per 1,000 rows")}
            {header("Params", "params", "parameter count")}
            <th aria-label="archive" />
          </tr>
        </thead>
        <tbody>
          {page.trials.map((t, i) => {
            const best = t.id === run.bestTrialId;
            const selected = t.id === props.selectedId;
            const finished = t.status === "done" || t.status === "stopped";
            const feasible = t.infeasibleReason === null;
            const tab = i === stop ? 0 : -1;
            const ticked = props.compare.includes(t.id);
            return (
              <tr
                key={t.id}
                ref={(el) => {
                  rows.current[i] = el;
                }}
                className={`clickable${best ? " row-best" : ""}${selected ? " row-selected" : ""}${feasible ? "" : " row-infeasible"}`}
                style={feasible ? undefined : INFEASIBLE_STYLE}
                data-testid="leaderboard-row"
                data-trial-id={t.id}
                data-status={t.status}
                data-family={t.family}
                data-best={best ? "true" : "false"}
                data-feasible={feasible ? "true" : "false"}
                aria-selected={selected}
                tabIndex={tab}
                onFocus={() => setFocused(i)}
                onKeyDown={(e) => onKeyDown(e, i, t)}
                onClick={() => props.onSelect(t.id)}
              >
                <td className="num">
                  <input
                    type="checkbox"
                    data-testid="compare-checkbox"
                    aria-label={`compare candidate #${t.number}`}
                    tabIndex={tab}
                    checked={ticked}
                    disabled={!ticked && props.compare.length >= COMPARE_MAX}
                    onClick={(e) => e.stopPropagation()}
                    onChange={() => props.onCompare(t.id)}
                  />{" "}
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
                  {t.infeasibleReason ? (
                    <div className="reason" data-testid="infeasible-reason" title={t.infeasibleReason}>
                      infeasible: {t.infeasibleReason}
                    </div>
                  ) : null}
                </td>
                <td className="num">{formatSeconds(t.durationSeconds)}</td>
                <td className="num">
                  {t.epochs ?? "—"}
                  {t.bestEpoch !== null && finished ? <span className="muted"> (best {t.bestEpoch})</span> : null}
                </td>
                <td className="num">{formatBytes(t.archiveBytes)}</td>
                <td className="num">{t.predictMsPer1k === null ? "—" : `${formatScore(t.predictMsPer1k)} ms`}</td>
                <td className="num">{formatCount(t.paramCount)}</td>
                <td>
                  {finished ? (
                    <a className="btn btn-small btn-ghost" href={archiveUrl(t.id)} download data-testid="download-archive" tabIndex={tab} onClick={(e) => e.stopPropagation()}>
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

/** a sortable column's header: a button that sorts by it (best or cheapest first), then flips the direction */
function SortHeader(props: { label: string; sort: LeaderboardSort; title?: string; view: LeaderboardView; direction: RunDto["direction"]; onView(view: LeaderboardView): void }) {
  const { view, sort, direction } = props;
  // without a chosen sort the leaderboard's own order is by validation score
  const active = view.sort === sort || (view.sort === undefined && sort === "val");
  const dir = active ? sortDirection(sort, view.sort === sort ? view.dir : undefined, direction) : null;
  const next: LeaderboardView = { ...view, offset: undefined, sort, dir: view.sort === sort ? (dir === "asc" ? "desc" : "asc") : undefined };
  return (
    <th className="num" aria-sort={dir === null ? "none" : dir === "asc" ? "ascending" : "descending"} title={props.title}>
      <button type="button" style={HEADER_BUTTON} data-testid={`sort-${sort}`} onClick={() => props.onView(next)}>
        {props.label}
        {view.sort === sort ? (dir === "asc" ? " ▲" : " ▼") : null}
      </button>
    </th>
  );
}

function CompareBar({ ids, onClear }: { ids: string[]; onClear(): void }) {
  const ready = ids.length >= COMPARE_MIN && ids.length <= COMPARE_MAX;
  return (
    <div className="toolbar small" style={{ margin: "6px 0" }}>
      {ready ? (
        <Link className="btn btn-small btn-primary" data-testid="compare-selected" href={`/compare?trials=${ids.map(encodeURIComponent).join(",")}`}>
          Compare {ids.length} candidates
        </Link>
      ) : (
        <a className="btn btn-small btn-disabled" data-testid="compare-selected" role="link" aria-disabled="true">
          Compare candidates
        </a>
      )}
      <span className="muted">{ids.length === 0 ? `Tick ${COMPARE_MIN} to ${COMPARE_MAX} candidates to compare them side by side.` : `${ids.length} ticked (at most ${COMPARE_MAX}).`}</span>
      {ids.length > 0 ? (
        <button type="button" className="btn btn-small btn-ghost" onClick={onClear}>
          Clear
        </button>
      ) : null}
    </div>
  );
}

function Pager({ view, page, onView }: { view: LeaderboardView; page: TrialPageDto; onView(view: LeaderboardView): void }) {
  const offset = view.offset ?? 0;
  const size = view.limit ?? LEADERBOARD_PAGE_SIZE;
  if (page.matching <= size && offset === 0) return null;
  const last = Math.min(page.matching, offset + page.trials.length);
  return (
    <div className="toolbar small" style={{ marginTop: 6 }}>
      <button type="button" className="btn btn-small" data-testid="page-prev" disabled={offset === 0} onClick={() => onView({ ...view, offset: Math.max(0, offset - size) || undefined })}>
        ← Previous
      </button>
      <span data-testid="leaderboard-range">
        {formatCount(offset + 1)}–{formatCount(last)} of {formatCount(page.matching)}
        {page.matching < page.total ? ` matching (${formatCount(page.total)} in all)` : ""}
      </span>
      <button type="button" className="btn btn-small" data-testid="page-next" disabled={offset + size >= page.matching} onClick={() => onView({ ...view, offset: offset + size })}>
        Next →
      </button>
    </div>
  );
}

/** the score's bootstrap standard error, as a tooltip */
const seTitle = (se: number | null) => (se === null ? undefined : `± ${formatScore(se)} (bootstrap standard error)`);

/** a scheduled trial's score after each rung it finished */
const rungTitle = (scores: number[] | null) => (scores?.length ? `score after each rung: ${scores.map((v) => formatScore(v)).join(" → ")}` : undefined);
