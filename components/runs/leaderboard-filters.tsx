"use client";

import { useEffect, useState } from "react";
import type { LeaderboardCountsDto } from "@/server/contracts/leaderboard";
import { TrialStatus } from "@/server/contracts/run";
import type { LeaderboardView } from "../queries/list-trials";
import { formatCount } from "../ui/format";

/**
 * The leaderboard's filters: family, status, feasibility and a validation-score range. Each choice shows how many
 * candidates it would leave (the server counts each facet under the other filters).
 */
export function LeaderboardFilters({ view, counts, onChange }: { view: LeaderboardView; counts: LeaderboardCountsDto; onChange(view: LeaderboardView): void }) {
  const families = Object.keys(counts.byFamily).sort();
  const statuses = TrialStatus.options.filter((s) => counts.byStatus[s] !== undefined);
  const all = (byValue: Record<string, number>) => formatCount(Object.values(byValue).reduce((a, b) => a + b, 0));
  return (
    <div className="toolbar small" data-testid="leaderboard-filters">
      <label className="field inline">
        <span>Model</span>
        <select data-testid="filter-family" value={view.family?.[0] ?? ""} onChange={(e) => onChange({ ...view, family: e.target.value ? [e.target.value] : undefined })}>
          <option value="">all ({all(counts.byFamily)})</option>
          {families.map((f) => (
            <option key={f} value={f}>
              {f} ({formatCount(counts.byFamily[f])})
            </option>
          ))}
        </select>
      </label>
      <label className="field inline">
        <span>Status</span>
        <select data-testid="filter-status" value={view.status?.[0] ?? ""} onChange={(e) => onChange({ ...view, status: e.target.value ? [TrialStatus.parse(e.target.value)] : undefined })}>
          <option value="">all ({all(counts.byStatus)})</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s} ({formatCount(counts.byStatus[s])})
            </option>
          ))}
        </select>
      </label>
      <label className="field inline">
        <span>Constraints</span>
        <select
          data-testid="filter-feasible"
          value={view.feasible === undefined ? "" : String(view.feasible)}
          onChange={(e) => onChange({ ...view, feasible: e.target.value === "" ? undefined : e.target.value === "true" })}
        >
          <option value="">all ({formatCount(counts.feasible + counts.infeasible)})</option>
          <option value="true">feasible ({formatCount(counts.feasible)})</option>
          <option value="false">infeasible ({formatCount(counts.infeasible)})</option>
        </select>
      </label>
      <ScoreBound label="Validation from" testId="filter-min" value={view.min} onChange={(min) => onChange({ ...view, min })} />
      <ScoreBound label="to" testId="filter-max" value={view.max} onChange={(max) => onChange({ ...view, max })} />
    </div>
  );
}

/** a score bound, applied when it is a number (or empty: no bound) and the user pauses typing */
function ScoreBound({ label, testId, value, onChange }: { label: string; testId: string; value: number | undefined; onChange(v: number | undefined): void }) {
  const [text, setText] = useState(value === undefined ? "" : String(value));
  useEffect(() => {
    const trimmed = text.trim();
    const parsed = trimmed === "" ? undefined : Number(trimmed);
    if (parsed !== undefined && !Number.isFinite(parsed)) return;
    if (parsed === value) return;
    const timer = setTimeout(() => onChange(parsed), 300);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);
  return (
    <label className="field inline">
      <span>{label}</span>
      <input data-testid={testId} type="number" step="any" inputMode="decimal" style={{ width: 80 }} value={text} onChange={(e) => setText(e.target.value)} />
    </label>
  );
}
