"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ComparedCandidateDto } from "@/server/contracts/compare";
import type { CurvePointDto } from "@/server/contracts/run";
import { formatScore } from "../ui/format";

const COLORS = ["#2563eb", "#f97316", "#16a34a", "#7c3aed", "#dc2626"];

/**
 * Every candidate's validation curve on one chart (the metric where all have it, else the loss), one line each,
 * with a table of each curve's epochs, final and best values as its text alternative.
 */
export function CurvesOverlay({ candidates, metricLabel, greaterIsBetter }: { candidates: ComparedCandidateDto[]; metricLabel: string; greaterIsBetter: boolean }) {
  const withCurve = candidates.filter((c) => c.curve.length > 0);
  if (withCurve.length === 0) return <p className="muted">No learning curves recorded (ensembles and models fitted in one pass have none).</p>;
  const byMetric = withCurve.every((c) => c.curve.some((p) => p.valMetric !== null));
  const valueOf = (p: CurvePointDto) => (byMetric ? p.valMetric : p.valLoss);
  const higher = byMetric && greaterIsBetter;
  const what = byMetric ? `validation ${metricLabel}` : "validation loss";
  const epochs = [...new Set(withCurve.flatMap((c) => c.curve.map((p) => p.epoch)))].sort((a, b) => a - b);
  const at = (c: ComparedCandidateDto, epoch: number) => {
    const point = c.curve.find((p) => p.epoch === epoch);
    return point ? valueOf(point) : null;
  };
  const data = epochs.map((epoch) => Object.fromEntries([["epoch", epoch], ...withCurve.map((c) => [c.trial.id, at(c, epoch)])]));
  return (
    <div data-testid="compare-curves">
      <figure aria-label={`${what} per epoch, one line per candidate; the table below gives the same curves in numbers`} style={{ margin: 0 }}>
        <ResponsiveContainer width="100%" height={280}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
            <XAxis dataKey="epoch" tick={{ fontSize: 11 }} />
            <YAxis tick={{ fontSize: 11 }} width={60} domain={["auto", "auto"]} tickFormatter={(v: number) => formatScore(v)} />
            <Tooltip formatter={(v) => formatScore(Number(v))} labelFormatter={(l) => `epoch ${l}`} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {withCurve.map((c, i) => (
              <Line key={c.trial.id} type="monotone" dataKey={c.trial.id} name={c.title} stroke={COLORS[i % COLORS.length]} dot={false} isAnimationActive={false} connectNulls />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <table className="table" data-testid="compare-curves-table">
        <caption className="muted small" style={{ textAlign: "left" }}>
          {what} per candidate
        </caption>
        <thead>
          <tr>
            <th scope="col">candidate</th>
            <th scope="col">epochs</th>
            <th scope="col">final</th>
            <th scope="col">best (epoch)</th>
          </tr>
        </thead>
        <tbody>
          {candidates.map((c) => {
            const values = c.curve.map((p) => ({ epoch: p.epoch, v: valueOf(p) })).filter((p): p is { epoch: number; v: number } => p.v !== null);
            const best = values.reduce<{ epoch: number; v: number } | null>((b, p) => (b === null || (higher ? p.v > b.v : p.v < b.v) ? p : b), null);
            return (
              <tr key={c.trial.id}>
                <th scope="row">{c.title}</th>
                <td className="num">{c.curve.length}</td>
                <td className="num">{formatScore(values.at(-1)?.v)}</td>
                <td className="num">{best ? `${formatScore(best.v)} (${best.epoch})` : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
