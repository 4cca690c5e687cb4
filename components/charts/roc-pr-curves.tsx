"use client";

import type { ReactNode } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CandidateExplanation } from "@/server/contracts/explanation";
import { formatScore } from "../ui/format";

type Roc = NonNullable<CandidateExplanation["roc"]>;
type Pr = NonNullable<CandidateExplanation["pr"]>;

/**
 * A binary classifier's ROC curve (true against false positive rate as the threshold on the positive class's
 * probability falls; the diagonal is chance) and its precision-recall curve (the dashed line is the positive rate, a
 * random ranking's precision), each with its area and, below it, its points as a table.
 */
export function RocPrCurves({ roc, pr, positiveClass, positiveRate }: { roc: Roc; pr: Pr; positiveClass: string | null; positiveRate: number | null }) {
  const positive = positiveClass ? <span className="mono">{positiveClass}</span> : "the positive class";
  return (
    <div className="charts">
      <div className="chart" data-testid="roc-curve">
        <h4>
          ROC curve <span className="muted small">AUC {formatScore(roc.auc)}</span>
        </h4>
        {roc.points.length === 0 ? (
          <p className="muted small">Undefined: the validation rows hold one class only.</p>
        ) : (
          <>
            <ResponsiveContainer width="100%" height={240}>
              <LineChart data={roc.points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
                <XAxis dataKey="fpr" type="number" domain={[0, 1]} tick={{ fontSize: 11 }} label={{ value: "false positive rate", position: "insideBottomRight", offset: -2, fontSize: 11 }} />
                <YAxis type="number" domain={[0, 1]} tick={{ fontSize: 11 }} width={40} />
                <Tooltip formatter={(v) => formatScore(Number(v))} labelFormatter={(l) => `false positive rate ${formatScore(Number(l))}`} />
                <ReferenceLine segment={[{ x: 0, y: 0 }, { x: 1, y: 1 }]} stroke="#94a3b8" strokeDasharray="4 4" />
                <Line type="linear" dataKey="tpr" name="true positive rate" stroke="#2563eb" dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
            <PointsTable
              caption={<>Ranked by the probability of {positive}; a row is predicted positive at and above the threshold.</>}
              headers={["threshold", "false positive rate", "true positive rate"]}
              rows={roc.points.map((p) => [p.threshold, p.fpr, p.tpr])}
            />
          </>
        )}
      </div>
      <div className="chart" data-testid="pr-curve">
        <h4>
          Precision-recall curve <span className="muted small">average precision {formatScore(pr.averagePrecision)}</span>
        </h4>
        {pr.points.length === 0 ? (
          <p className="muted small">Undefined: the validation rows hold no positive row.</p>
        ) : (
          <>
            <ResponsiveContainer width="100%" height={240}>
              <LineChart data={pr.points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
                <XAxis dataKey="recall" type="number" domain={[0, 1]} tick={{ fontSize: 11 }} label={{ value: "recall", position: "insideBottomRight", offset: -2, fontSize: 11 }} />
                <YAxis type="number" domain={[0, 1]} tick={{ fontSize: 11 }} width={40} />
                <Tooltip formatter={(v) => formatScore(Number(v))} labelFormatter={(l) => `recall ${formatScore(Number(l))}`} />
                {positiveRate !== null ? <ReferenceLine y={positiveRate} stroke="#94a3b8" strokeDasharray="4 4" /> : null}
                {/* average precision is this step function's area: precision P_n over recall (R_{n-1}, R_n] */}
                <Line type="stepBefore" dataKey="precision" name="precision" stroke="#16a34a" dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
            <PointsTable
              caption={<>Precision and recall of {positive} at each threshold on its probability.</>}
              headers={["threshold", "recall", "precision"]}
              rows={pr.points.map((p) => [p.threshold, p.recall, p.precision])}
            />
          </>
        )}
      </div>
    </div>
  );
}

/** a curve's points as a table, folded away (the text alternative of the chart) */
function PointsTable({ caption, headers, rows }: { caption: ReactNode; headers: string[]; rows: (number | null)[][] }) {
  return (
    <details>
      <summary>As a table</summary>
      <div className="feature-table">
        <table className="table">
          <caption className="muted small" style={{ captionSide: "top", textAlign: "left" }}>
            {caption}
          </caption>
          <thead>
            <tr>
              {headers.map((h) => (
                <th key={h} className="num">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {r.map((v, j) => (
                  <td key={j} className="num">
                    {v === null ? "—" : formatScore(v)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
