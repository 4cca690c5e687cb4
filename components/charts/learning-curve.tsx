"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CurvePointDto } from "@/server/contracts/run";

/** Train and validation loss per epoch, and the validation metric on a second chart. */
export function LearningCurve({ points, metricLabel }: { points: CurvePointDto[]; metricLabel: string }) {
  if (points.length === 0) return <p className="muted">No epochs yet: the curve grows as the candidate trains.</p>;
  const hasMetric = points.some((p) => p.valMetric !== null);
  return (
    <div className="charts">
      <div className="chart">
        <h4>Loss</h4>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
            <XAxis dataKey="epoch" tick={{ fontSize: 11 }} label={{ value: "epoch", position: "insideBottomRight", offset: -2, fontSize: 11 }} />
            <YAxis tick={{ fontSize: 11 }} width={56} domain={["auto", "auto"]} tickFormatter={tick} />
            <Tooltip formatter={(v) => tick(Number(v))} labelFormatter={(l) => `epoch ${l}`} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Line type="monotone" dataKey="trainLoss" name="train loss" stroke="#2563eb" dot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="valLoss" name="validation loss" stroke="#f97316" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      {hasMetric ? (
        <div className="chart">
          <h4>Validation {metricLabel}</h4>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
              <XAxis dataKey="epoch" tick={{ fontSize: 11 }} />
              <YAxis tick={{ fontSize: 11 }} width={56} domain={["auto", "auto"]} tickFormatter={tick} />
              <Tooltip formatter={(v) => tick(Number(v))} labelFormatter={(l) => `epoch ${l}`} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Line type="monotone" dataKey="trainMetric" name={`train ${metricLabel}`} stroke="#94a3b8" dot={false} isAnimationActive={false} connectNulls />
              <Line type="monotone" dataKey="valMetric" name={`validation ${metricLabel}`} stroke="#16a34a" dot={false} isAnimationActive={false} connectNulls />
            </LineChart>
          </ResponsiveContainer>
        </div>
      ) : null}
    </div>
  );
}

const tick = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)) : "");
