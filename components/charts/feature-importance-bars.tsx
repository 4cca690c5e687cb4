"use client";

import { Bar, BarChart, CartesianGrid, ErrorBar, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { FeatureImportance } from "@/server/contracts/explanation";
import { formatScore } from "../ui/format";

/** the most bars drawn; the table below the chart lists every column */
const MAX_BARS = 20;

/**
 * Permutation importance per source column: the mean drop of the metric when the column is shuffled (bars), and its
 * spread over the repeats (whiskers, one standard deviation); then the same numbers as a table, readable without the chart.
 */
export function FeatureImportanceBars({ features, metricLabel }: { features: FeatureImportance[]; metricLabel: string }) {
  if (features.length === 0) return <p className="muted">No feature to rank.</p>;
  const bars = features.slice(0, MAX_BARS);
  return (
    <div>
      <div className="chart" aria-hidden="true">
        <ResponsiveContainer width="100%" height={40 + 24 * bars.length}>
          <BarChart data={bars} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" horizontal={false} />
            <XAxis type="number" tick={{ fontSize: 11 }} tickFormatter={(v: number) => formatScore(v)} domain={[(min: number) => Math.min(0, min), "auto"]} />
            <YAxis type="category" dataKey="name" width={140} tick={{ fontSize: 11 }} interval={0} />
            <Tooltip formatter={(v) => formatScore(Number(v))} />
            <ReferenceLine x={0} stroke="#94a3b8" />
            <Bar dataKey="mean" name={`drop of ${metricLabel}`} fill="#2563eb" isAnimationActive={false}>
              <ErrorBar dataKey="std" direction="x" width={4} stroke="#1e3a8a" />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div className="feature-table">
        <table className="table" data-testid="explanation-importance">
          <caption className="muted small" style={{ captionSide: "bottom", textAlign: "left", paddingTop: 4 }}>
            Drop of the validation {metricLabel} when the column is shuffled (mean ± standard deviation over the repeats); about 0 or below: the
            model does not rely on it.
          </caption>
          <thead>
            <tr>
              <th>#</th>
              <th>column</th>
              <th className="num">importance</th>
              <th className="num">± std</th>
            </tr>
          </thead>
          <tbody>
            {features.map((f, i) => (
              <tr key={f.name} data-testid="importance-row" data-feature={f.name}>
                <td className="num">{i + 1}</td>
                <td className="mono">{f.name}</td>
                <td className="num">{formatScore(f.mean)}</td>
                <td className="num">{formatScore(f.std)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
