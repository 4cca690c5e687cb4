"use client";

import Link from "next/link";
import { useState } from "react";
import type { RunDto } from "@/server/contracts/run";
import { MAX_COMPARED_RUNS, MIN_COMPARED_RUNS, RUN_SETTINGS } from "@/server/contracts/run-comparison";
import { compareRunsUrl } from "../queries/compare-runs";
import { CloneRunLink } from "../runs/clone-run-link";
import { DateText } from "../ui/date-text";
import { formatScore, formatSeconds, METRIC_LABELS } from "../ui/format";
import { StatusBadge } from "../ui/status-badge";

const SUMMARY_KEYS = ["strategy", "scheduler", "families", "estimation", "budget", "maxTrials", "seed"];
const CONSTRAINT_KEYS = ["maxArchiveBytes", "maxPredictMsPer1k", "maxTrainSeconds"];

/** the settings that tell runs of one dataset apart, in one line; constraints only where set */
function settingsSummary(run: RunDto): string {
  const of = (keys: string[]) => RUN_SETTINGS.filter((s) => keys.includes(s.key)).map((s) => ({ label: s.label, value: s.value(run) }));
  const constraints = of(CONSTRAINT_KEYS).filter((c) => c.value !== "no limit");
  return [...of(SUMMARY_KEYS), ...constraints].map((s) => `${s.label.toLowerCase()}: ${s.value}`).join(" · ");
}

/** A dataset's runs: settings, outcome and timing; select some to compare them, or clone one to rerun it with changes. */
export function RunTable({ runs }: { runs: RunDto[] }) {
  const [selected, setSelected] = useState<string[]>([]);
  const toggle = (id: string, on: boolean) => setSelected((current) => (on ? [...current, id] : current.filter((s) => s !== id)));
  const canCompare = selected.length >= MIN_COMPARED_RUNS && selected.length <= MAX_COMPARED_RUNS;
  return (
    <section className="card">
      <div className="card-title">
        <h2>Runs</h2>
        {canCompare ? (
          <Link href={compareRunsUrl(selected)} className="btn btn-small" data-testid="compare-runs">
            Compare {selected.length} runs
          </Link>
        ) : (
          <span className="btn btn-small muted" aria-disabled="true" data-testid="compare-runs" title={`Select ${MIN_COMPARED_RUNS} to ${MAX_COMPARED_RUNS} runs to compare`}>
            Compare runs
          </span>
        )}
      </div>
      <div className="table-wrap">
        <table className="table" data-testid="run-table">
          <thead>
            <tr>
              <th>
                <span className="visually-hidden">Compare</span>
              </th>
              <th>Run</th>
              <th>Label</th>
              <th>Metric</th>
              <th>Settings</th>
              <th>Status</th>
              <th className="num">Candidates</th>
              <th className="num">Best validation</th>
              <th className="num">Test</th>
              <th className="num">Duration</th>
              <th>Started</th>
              <th>
                <span className="visually-hidden">Clone</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} data-testid="run-row" data-run-id={r.id}>
                <td>
                  <input
                    type="checkbox"
                    data-testid="run-compare-checkbox"
                    aria-label={`Compare run ${r.id}`}
                    checked={selected.includes(r.id)}
                    onChange={(e) => toggle(r.id, e.target.checked)}
                  />
                </td>
                <td>
                  <Link href={`/runs/${r.id}`} className="mono" data-testid="run-link">
                    {r.id}
                  </Link>
                </td>
                <td className="mono">{r.label}</td>
                <td>{METRIC_LABELS[r.metric] ?? r.metric}</td>
                <td className="small" data-testid="run-settings" style={{ minWidth: 280 }}>
                  {settingsSummary(r)}
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td className="num">{r.trialCount}</td>
                <td className="num" data-testid="run-best-score">
                  {formatScore(r.bestValScore)}
                </td>
                <td className="num">{formatScore(r.bestTestScore)}</td>
                <td className="num">{formatSeconds(r.elapsedSeconds)}</td>
                <td>
                  <DateText iso={r.createdAt} />
                </td>
                <td>
                  <CloneRunLink run={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
