import Link from "next/link";
import type { ComparedRunDto, SettingRowDto } from "@/server/contracts/run-comparison";
import { formatScore, formatSeconds, METRIC_LABELS } from "../ui/format";
import { StatusBadge } from "../ui/status-badge";
import { runColor } from "./run-colors";

/** One column per run: its settings (those that differ between the runs highlighted), then how it went. */
export function SettingsTable({ runs, settings }: { runs: ComparedRunDto[]; settings: SettingRowDto[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="compare-settings">
        <thead>
          <tr>
            <th scope="col">Setting</th>
            {runs.map((r, i) => (
              <th key={r.run.id} scope="col" data-testid="compare-run-column" data-run-id={r.run.id} className="as-written">
                <Link href={`/runs/${r.run.id}`} className="mono" style={{ color: runColor(i) }}>
                  {r.run.id}
                </Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {settings.map((s) => (
            <tr key={s.key} data-testid="compare-setting" data-key={s.key} data-differs={s.differs} className={s.differs ? "row-differs" : undefined}>
              <th scope="row" className="as-written">
                {s.label}
                {s.differs ? <span className="visually-hidden"> (differs)</span> : null}
              </th>
              {s.values.map((v, i) => (
                <td key={runs[i].run.id} className="mono">
                  {v}
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row" className="as-written">Status</th>
            {runs.map((r) => (
              <td key={r.run.id}>
                <StatusBadge status={r.run.status} />
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row" className="as-written">Duration</th>
            {runs.map((r) => (
              <td key={r.run.id}>{formatSeconds(r.run.elapsedSeconds)}</td>
            ))}
          </tr>
          <tr>
            <th scope="row" className="as-written">Candidates</th>
            {runs.map((r) => (
              <td key={r.run.id}>{r.run.trialCount}</td>
            ))}
          </tr>
          <tr>
            <th scope="row" className="as-written">Best validation</th>
            {runs.map((r) => (
              <td key={r.run.id} data-testid="compare-best-val">
                {formatScore(r.run.bestValScore)} <span className="muted small">{METRIC_LABELS[r.run.metric] ?? r.run.metric}</span>
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row" className="as-written">Best test</th>
            {runs.map((r) => (
              <td key={r.run.id}>{formatScore(r.run.bestTestScore)}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
