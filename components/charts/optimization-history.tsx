"use client";

import { CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from "recharts";
import type { RunInsightDto } from "@/server/contracts/insight";
import { formatScore } from "../ui/format";
import { LazyDetails } from "../ui/lazy-details";

type HistoryPoint = RunInsightDto["history"]["points"][number];

/** Each finished trial's objective (dots) by trial number, and the best so far (a step line). */
export function OptimizationHistory({ points, metricLabel }: { points: HistoryPoint[]; metricLabel: string }) {
  return (
    <>
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis dataKey="number" type="number" domain={["dataMin", "dataMax"]} allowDecimals={false} tick={{ fontSize: 11 }} label={{ value: "trial", position: "insideBottomRight", offset: -2, fontSize: 11 }} />
          <YAxis tick={{ fontSize: 11 }} width={56} domain={["auto", "auto"]} tickFormatter={(v: number) => formatScore(v)} />
          <Tooltip formatter={(v) => formatScore(Number(v))} labelFormatter={(l) => `trial #${l}`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Scatter dataKey="value" name={`validation ${metricLabel}`} fill="#93c5fd" isAnimationActive={false} shape={<Dot />} />
          <Line type="stepAfter" dataKey="best" name="best so far" stroke="#dc2626" strokeWidth={2} dot={false} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
      <ImprovementsTable points={points} metricLabel={metricLabel} />
    </>
  );
}

/** The chart's text alternative: each trial that improved the best so far, rendered once opened. */
function ImprovementsTable({ points, metricLabel }: { points: HistoryPoint[]; metricLabel: string }) {
  const improvements = points.filter((p, i) => p.value === p.best && (i === 0 || p.best !== points[i - 1].best));
  return (
    <LazyDetails testId="optimization-history-table" summary={`As a table (the ${improvements.length} improvements of the best)`}>
      {() => (
        <table className="table">
          <thead>
            <tr>
              <th scope="col" className="num">trial</th>
              <th scope="col" className="num">validation {metricLabel}, the new best</th>
            </tr>
          </thead>
          <tbody>
            {improvements.map((p) => (
              <tr key={p.number}>
                <td className="num">{p.number}</td>
                <td className="num">{formatScore(p.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </LazyDetails>
  );
}

/** a small dot: recharts' default scatter symbol is too big for thousands of trials */
function Dot(props: { cx?: number; cy?: number }) {
  return props.cx === undefined || props.cy === undefined ? null : <circle cx={props.cx} cy={props.cy} r={2.5} fill="#60a5fa" fillOpacity={0.7} />;
}
