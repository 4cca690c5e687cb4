import type { CompareDto } from "@/server/contracts/compare";
import { formatScore, METRIC_LABELS } from "../ui/format";
import { CandidateHeaders } from "./candidate-headers";

/**
 * Validation and test scores of every metric, the run's first; the run's metric with ± its bootstrap standard error,
 * and the spread across cross-validation folds where the folds' scores can be known.
 */
export function MetricsTable({ comparison }: { comparison: CompareDto }) {
  const { candidates, metrics, metric } = comparison;
  const label = (m: string) => METRIC_LABELS[m] ?? m;
  const withSe = (v: number | undefined, se: number | null, m: string) => (v === undefined ? "—" : `${formatScore(v)}${m === metric && se !== null ? ` ± ${formatScore(se)}` : ""}`);
  return (
    <div className="table-wrap" data-testid="compare-metrics">
      <table className="table">
        <CandidateHeaders candidates={candidates} first="metric" />
        <tbody>
          {metrics.map((m) => (
            <tr key={`val-${m}`} data-testid="compare-metric-row" data-metric={m} data-split="validation">
              <th scope="row">validation {label(m)}</th>
              {candidates.map((c) => (
                <td key={c.trial.id} className="num">
                  {withSe(c.trial.valMetrics?.[m], c.trial.valScoreSe, m)}
                </td>
              ))}
            </tr>
          ))}
          {metrics.map((m) => (
            <tr key={`test-${m}`} data-testid="compare-metric-row" data-metric={m} data-split="test">
              <th scope="row">test {label(m)}</th>
              {candidates.map((c) => (
                <td key={c.trial.id} className="num">
                  {withSe(c.trial.testMetrics?.[m], c.trial.testScoreSe, m)}
                </td>
              ))}
            </tr>
          ))}
          <tr data-testid="compare-fold-row">
            <th scope="row">{label(metric)} across folds</th>
            {candidates.map((c) => (
              <td key={c.trial.id} className="small">
                {c.folds.scores ? (
                  <span className="mono">
                    {c.folds.scores.map(formatScore).join(", ")} (mean {formatScore(c.folds.mean)}, sd {formatScore(c.folds.std)})
                  </span>
                ) : null}{" "}
                <span className="muted">{c.folds.note}</span>
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
