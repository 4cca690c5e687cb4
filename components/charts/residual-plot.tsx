"use client";

import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from "recharts";
import type { CandidateExplanation } from "@/server/contracts/explanation";
import { formatScore } from "../ui/format";

type Residuals = NonNullable<CandidateExplanation["residuals"]>;

/**
 * A regression model's residuals (actual - predicted) against its prediction, for a sample of the validation rows
 * (dots), with the mean residual per decile of the prediction (line): a line away from 0 shows a systematic error
 * (above 0: predicted too low there). Below it, the deciles and the summary as a table.
 */
export function ResidualPlot({ residuals }: { residuals: Residuals }) {
  const { points, bins } = residuals;
  if (points.length === 0) return <p className="muted">No residuals to show.</p>;
  const binLine = bins.map((b) => ({ predicted: (b.predictedLow + b.predictedHigh) / 2, binMean: b.meanResidual }));
  return (
    <div>
      <p className="muted small" data-testid="residual-summary">
        Mean residual {formatScore(residuals.meanResidual)} · RMSE {formatScore(residuals.rmse)} · {points.length} row{points.length === 1 ? "" : "s"} plotted
      </p>
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis dataKey="predicted" type="number" domain={["auto", "auto"]} tick={{ fontSize: 11 }} tickFormatter={tick} label={{ value: "predicted", position: "insideBottomRight", offset: -2, fontSize: 11 }} />
          <YAxis type="number" domain={["auto", "auto"]} tick={{ fontSize: 11 }} width={56} tickFormatter={tick} />
          <Tooltip formatter={(v) => formatScore(Number(v))} labelFormatter={(l) => `predicted ${formatScore(Number(l))}`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <ReferenceLine y={0} stroke="#94a3b8" />
          <Scatter data={points} dataKey="residual" name="residual (actual − predicted)" fill="#60a5fa" isAnimationActive={false} shape={<Dot />} />
          <Line data={binLine} dataKey="binMean" name="mean residual per decile" stroke="#dc2626" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
      <details>
        <summary>As a table</summary>
        <table className="table">
          <caption className="muted small" style={{ captionSide: "top", textAlign: "left" }}>
            The validation rows sorted by prediction, cut into deciles: the mean residual in each.
          </caption>
          <thead>
            <tr>
              <th>decile</th>
              <th className="num">predicted from</th>
              <th className="num">to</th>
              <th className="num">mean residual</th>
              <th className="num">rows</th>
            </tr>
          </thead>
          <tbody>
            {bins.map((b, i) => (
              <tr key={i}>
                <td>{i + 1}</td>
                <td className="num">{formatScore(b.predictedLow)}</td>
                <td className="num">{formatScore(b.predictedHigh)}</td>
                <td className="num">{formatScore(b.meanResidual)}</td>
                <td className="num">{b.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

/** a small dot: recharts' default scatter symbol is too big for hundreds of points */
function Dot(props: { cx?: number; cy?: number }) {
  return props.cx === undefined || props.cy === undefined ? null : <circle cx={props.cx} cy={props.cy} r={2.5} fill="#60a5fa" fillOpacity={0.6} />;
}

const tick = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)) : "");
