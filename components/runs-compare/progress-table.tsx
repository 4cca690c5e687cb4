import type { ComparedRunDto, ProgressPointDto } from "@/server/contracts/run-comparison";
import { formatScore, formatSeconds } from "../ui/format";
import { runColor } from "./run-colors";

const SHARES = [0.1, 0.25, 0.5, 0.75, 1];

/** the best score reached by a time (null before the first candidate finished) */
const bestAt = (progress: ProgressPointDto[], seconds: number) => progress.findLast((p) => p.seconds <= seconds)?.best ?? null;

/** The progress chart as a table: each run's best score at a few points in time, and every point in a <details>. */
export function ProgressTable({ runs }: { runs: ComparedRunDto[] }) {
  const end = Math.max(0, ...runs.flatMap((r) => r.progress.map((p) => p.seconds)));
  // one column per distinct label: on a short run several shares round to the same second
  const times = [...new Map(SHARES.map((s) => s * end).map((t) => [formatSeconds(t), t])).values()];
  return (
    <div className="table-wrap">
      <table className="table" data-testid="progress-table">
        <caption className="visually-hidden">Best validation score so far, by elapsed time</caption>
        <thead>
          <tr>
            <th>Run</th>
            {times.map((t) => (
              <th key={t} className="num">
                after {formatSeconds(t)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((r, i) => (
            <tr key={r.run.id} data-testid="progress-row" data-run-id={r.run.id}>
              <th scope="row" className="mono" style={{ color: runColor(i), textTransform: "none" }}>
                {r.run.id}
              </th>
              {times.map((t) => (
                <td key={t} className="num">
                  {formatScore(bestAt(r.progress, t))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary className="small">Every point</summary>
        {runs.map((r) => (
          <p key={r.run.id} className="small mono" data-testid="progress-points" data-run-id={r.run.id} data-count={r.progress.length}>
            {r.run.id}: {r.progress.map((p) => `#${p.trialNumber} ${formatSeconds(p.seconds)} → ${formatScore(p.best)}`).join("; ") || "no finished candidate yet"}
          </p>
        ))}
      </details>
    </div>
  );
}
