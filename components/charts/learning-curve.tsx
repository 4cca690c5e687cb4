"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CurveForecastPointDto, CurvePointDto } from "@/server/contracts/run";
import { LazyDetails } from "../ui/lazy-details";

/**
 * Train and validation loss per epoch, and the validation metric on a second chart; with a forecast (learning-curve
 * estimation), the extrapolated metric and its 95% band run on beside the real curve, to the trial's last epoch.
 */
export function LearningCurve({ points, metricLabel, forecast = null }: { points: CurvePointDto[]; metricLabel: string; forecast?: CurveForecastPointDto[] | null }) {
  if (points.length === 0) return <p className="muted">No epochs yet: the curve grows as the candidate trains.</p>;
  const hasMetric = points.some((p) => p.valMetric !== null);
  const metricData = forecast ? withForecast(points, forecast) : points;
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
        <div className="chart" data-testid="metric-curve" data-forecast={forecast ? "true" : "false"}>
          <h4>Validation {metricLabel}</h4>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={metricData} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
              <XAxis dataKey="epoch" tick={{ fontSize: 11 }} />
              <YAxis tick={{ fontSize: 11 }} width={56} domain={["auto", "auto"]} tickFormatter={tick} />
              <Tooltip formatter={(v) => tick(Number(v))} labelFormatter={(l) => `epoch ${l}`} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Line type="monotone" dataKey="trainMetric" name={`train ${metricLabel}`} stroke="#94a3b8" dot={false} isAnimationActive={false} connectNulls />
              <Line type="monotone" dataKey="valMetric" name={`validation ${metricLabel}`} stroke="#16a34a" dot={false} isAnimationActive={false} connectNulls />
              {forecast ? (
                <>
                  <Line type="monotone" dataKey="predicted" name="predicted" stroke="#7c3aed" strokeDasharray="5 4" dot={false} isAnimationActive={false} />
                  <Line type="monotone" dataKey="lower" name="95% band" stroke="#c4b5fd" dot={false} isAnimationActive={false} />
                  <Line type="monotone" dataKey="upper" legendType="none" name="95% band (upper)" stroke="#c4b5fd" dot={false} isAnimationActive={false} />
                </>
              ) : null}
            </LineChart>
          </ResponsiveContainer>
        </div>
      ) : null}
      <CurveTable points={points} metricLabel={metricLabel} />
    </div>
  );
}

/** the most rows the table shows: a 2,000-round boosting curve is sampled evenly, its last epoch always kept */
const TABLE_ROWS = 200;

/** The charts' text alternative: the epochs as a table, rendered only once opened (curves can be long). */
function CurveTable({ points, metricLabel }: { points: CurvePointDto[]; metricLabel: string }) {
  const step = Math.max(1, Math.ceil(points.length / TABLE_ROWS));
  const rows = points.filter((_, i) => i % step === 0 || i === points.length - 1);
  return (
    <LazyDetails testId="learning-curve-table" summary={`As a table${step > 1 ? ` (every ${step}th of ${points.length} epochs)` : ""}`}>
      {() => (
        <table className="table">
          <thead>
            <tr>
              <th scope="col" className="num">epoch</th>
              <th scope="col" className="num">train loss</th>
              <th scope="col" className="num">validation loss</th>
              <th scope="col" className="num">train {metricLabel}</th>
              <th scope="col" className="num">validation {metricLabel}</th>
              <th scope="col" className="num">seconds</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.epoch}>
                <td className="num">{p.epoch}</td>
                <td className="num">{tick(p.trainLoss)}</td>
                <td className="num">{tick(p.valLoss)}</td>
                <td className="num">{p.trainMetric === null ? "—" : tick(p.trainMetric)}</td>
                <td className="num">{p.valMetric === null ? "—" : tick(p.valMetric)}</td>
                <td className="num">{p.seconds.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </LazyDetails>
  );
}

/** the curve's epochs and the forecast's in one row per epoch (the forecast runs on past the last trained epoch) */
function withForecast(points: CurvePointDto[], forecast: CurveForecastPointDto[]) {
  const byEpoch = new Map<number, Record<string, number | null>>(points.map((p) => [p.epoch, { ...p }]));
  for (const f of forecast) byEpoch.set(f.epoch, { epoch: f.epoch, ...byEpoch.get(f.epoch), predicted: f.mean, lower: f.lower, upper: f.upper });
  return [...byEpoch.values()].sort((a, b) => (a.epoch as number) - (b.epoch as number));
}

const tick = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)) : "");
