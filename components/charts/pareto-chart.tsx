"use client";

import { useMemo, useState } from "react";
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { paretoFront } from "@/server/contracts/pareto";
import type { ParetoCandidateDto } from "@/server/contracts/insight";
import type { Direction } from "@/server/contracts/run";
import { formatBytes, formatScore, formatSeconds } from "../ui/format";

/** the costs a candidate records (DESIGN.md, "Cost-aware choice"): lower is better for each */
export const PARETO_COSTS = {
  params: { label: "parameters", axis: "parameters", of: (t: ParetoCandidateDto) => t.paramCount, format: (v: number) => formatCompact(v) },
  archive: { label: "archive size", axis: "archive size", of: (t: ParetoCandidateDto) => t.archiveBytes, format: (v: number) => formatBytes(v) },
  train: { label: "training time", axis: "training time", of: (t: ParetoCandidateDto) => t.durationSeconds, format: (v: number) => (v < 10 ? `${v.toFixed(2)}s` : formatSeconds(v)) },
  latency: { label: "prediction latency per 1,000 rows", axis: "ms per 1,000 rows", of: (t: ParetoCandidateDto) => t.predictMsPer1k, format: (v: number) => `${v < 10 ? v.toFixed(2) : Math.round(v).toLocaleString("en-US")} ms` },
} as const;
export type ParetoCost = keyof typeof PARETO_COSTS;

/** dominated points drawn at most (an even sample beyond); the front is always drawn whole */
const MAX_DOMINATED = 2000;

interface Point {
  id: string;
  number: number;
  family: string;
  score: number;
  cost: number;
  /** why it breaks the run's constraints; null when it meets them */
  infeasibleReason: string | null;
}

/**
 * Each finished candidate's validation score against one of its costs, with the Pareto front (no other candidate
 * at least as good on both and better on one) highlighted and joined by a step line, the dominated ones dimmed; a
 * table of the front below is the chart's text alternative. Candidates that break the run's constraints are drawn
 * hollow and grey and kept off the front: they can't be chosen. `trials` are the run's finished candidates (ensembles
 * included); clicking a point calls onSelect with its id.
 */
export function ParetoChart({ trials, direction, metricLabel, onSelect }: { trials: ParetoCandidateDto[]; direction: Direction; metricLabel: string; onSelect?: (id: string) => void }) {
  const [costKey, setCostKey] = useState<ParetoCost>("params");
  const cost = PARETO_COSTS[costKey];

  const { front, dominated, infeasible, shown, missing, step, log, domain, ticks } = useMemo(() => {
    const points: Point[] = [];
    let missing = 0;
    for (const t of trials) {
      const c = cost.of(t);
      if (t.valScore === null || !Number.isFinite(t.valScore)) continue;
      if (c === null || !Number.isFinite(c)) missing++;
      else points.push({ id: t.id, number: t.number, family: t.family, score: t.valScore, cost: c, infeasibleReason: t.infeasibleReason });
    }
    const feasible = points.filter((p) => p.infeasibleReason === null);
    const infeasible = points.filter((p) => p.infeasibleReason !== null);
    const frontIds = paretoFront(feasible, direction);
    const onFront = new Set(frontIds);
    const byId = new Map(points.map((p) => [p.id, p]));
    const front = frontIds.map((id) => byId.get(id)!);
    const allDominated = feasible.filter((p) => !onFront.has(p.id));
    const dominated = sample(allDominated);
    // the front as a staircase: the best score reachable at each cost
    const step: { cost: number; score: number }[] = [];
    front.forEach((p, i) => {
      if (i > 0) step.push({ cost: p.cost, score: front[i - 1].score });
      step.push({ cost: p.cost, score: p.score });
    });
    const costs = points.map((p) => p.cost);
    const lo = Math.min(...costs);
    const hi = Math.max(...costs);
    // a log axis when the costs span more than two decades (and all are positive)
    const log = points.length > 0 && lo > 0 && hi / lo > 100;
    const decades = log ? { from: Math.floor(Math.log10(lo)), to: Math.ceil(Math.log10(hi)) } : null;
    const domain: [number, number] | ["auto", "auto"] = decades ? [10 ** decades.from, 10 ** decades.to] : ["auto", "auto"];
    const ticks = decades ? Array.from({ length: decades.to - decades.from + 1 }, (_, i) => 10 ** (decades.from + i)) : undefined;
    return { front, dominated, infeasible: sample(infeasible), shown: points.length, missing, step, log, domain, ticks };
  }, [trials, direction, cost]);

  const select = onSelect ? (d: unknown) => {
    const p = d as { payload?: { id?: string }; id?: string } | undefined;
    const id = p?.payload?.id ?? p?.id;
    if (id) onSelect(id);
  } : undefined;

  return (
    <div>
      <label className="field small">
        <span>Cost</span>
        <select value={costKey} onChange={(e) => setCostKey(e.target.value as ParetoCost)} data-testid="pareto-cost-select">
          {(Object.keys(PARETO_COSTS) as ParetoCost[]).map((k) => (
            <option key={k} value={k}>
              {PARETO_COSTS[k].label}
            </option>
          ))}
        </select>
      </label>
      {shown === 0 ? (
        <p className="muted">No finished candidate has recorded its {cost.label} yet.</p>
      ) : (
        <div
          role="img"
          data-log-scale={log ? "true" : "false"}
          aria-label={`validation ${metricLabel} against ${cost.label} for ${shown} candidates${log ? " (log scale)" : ""}; ${front.length} on the Pareto front, listed in the table below${infeasible.all > 0 ? `; ${infeasible.all} break the run's constraints` : ""}`}
        >
          <ResponsiveContainer width="100%" height={280}>
            <ScatterChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
              <XAxis
                dataKey="cost"
                type="number"
                scale={log ? "log" : "auto"}
                domain={domain}
                ticks={ticks}
                allowDataOverflow={log}
                tick={{ fontSize: 11 }}
                tickFormatter={(v: number) => cost.format(v)}
                name={cost.label}
                label={{ value: `${cost.axis}${log ? " (log)" : ""}`, position: "insideBottomRight", offset: -2, fontSize: 11 }}
              />
              <YAxis dataKey="score" type="number" tick={{ fontSize: 11 }} width={56} domain={["auto", "auto"]} tickFormatter={(v: number) => formatScore(v)} name={metricLabel} />
              <Tooltip content={<PointTip format={cost.format} metricLabel={metricLabel} />} cursor={{ strokeDasharray: "3 3" }} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Scatter name="dominated" data={dominated.shown} fill="#94a3b8" fillOpacity={0.35} isAnimationActive={false} shape={<Dot r={2.5} fill="#94a3b8" opacity={0.35} />} onClick={select} />
              {infeasible.all > 0 ? (
                <Scatter name="infeasible (breaks a constraint)" data={infeasible.shown} fill="none" stroke="#9ca3af" isAnimationActive={false} shape={<Dot r={3.5} fill="none" opacity={0} stroke="#9ca3af" />} onClick={select} />
              ) : null}
              <Scatter name="front step" data={step} legendType="none" line={{ stroke: "#dc2626", strokeWidth: 1.5 }} lineType="joint" isAnimationActive={false} shape={<NoDot />} tooltipType="none" />
              <Scatter name="Pareto front" data={front} fill="#dc2626" isAnimationActive={false} shape={<Dot r={4.5} fill="#dc2626" opacity={1} stroke="#fff" />} onClick={select} />
            </ScatterChart>
          </ResponsiveContainer>
        </div>
      )}
      <p className="muted small">
        {front.length} of {shown} candidates on the front (none of the others is at least as good on both and better on one).
        {infeasible.all > 0 ? ` ${infeasible.all} break the run's constraints: drawn hollow and grey, never on the front (the leaderboard says why).` : null}
        {dominated.shown.length < dominated.all ? ` Drawing an even sample of ${dominated.shown.length.toLocaleString()} dominated candidates.` : null}
        {infeasible.shown.length < infeasible.all ? ` Drawing an even sample of ${infeasible.shown.length.toLocaleString()} infeasible candidates.` : null}
        {missing > 0 ? ` ${missing} left out: no ${cost.label} recorded.` : null}
      </p>
      {front.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="pareto-table">
            <caption className="muted small" style={{ textAlign: "left" }}>
              The Pareto front by {cost.label}, cheapest first{infeasible.all > 0 ? `, among the candidates that meet the run's constraints (${infeasible.all} do not)` : ""}
            </caption>
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Family</th>
                <th className="num">Validation {metricLabel}</th>
                <th className="num">{cost.label}</th>
              </tr>
            </thead>
            <tbody>
              {front.map((p) => (
                <tr
                  key={p.id}
                  data-testid="pareto-row"
                  data-number={p.number}
                  className={onSelect ? "clickable" : undefined}
                  tabIndex={onSelect ? 0 : undefined}
                  onClick={onSelect ? () => onSelect(p.id) : undefined}
                  onKeyDown={onSelect ? (e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), onSelect(p.id)) : undefined}
                >
                  <td className="num">{p.number}</td>
                  <td>{p.family}</td>
                  <td className="num">{formatScore(p.score)}</td>
                  <td className="num">{cost.format(p.cost)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

/** at most MAX_DOMINATED points, an even sample beyond; `all` counts them all */
function sample(points: Point[]): { shown: Point[]; all: number } {
  const stride = Math.max(1, points.length / MAX_DOMINATED);
  return { shown: stride === 1 ? points : Array.from({ length: Math.floor(points.length / stride) }, (_, i) => points[Math.floor(i * stride)]), all: points.length };
}

function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return "—";
  return n.toLocaleString("en-US", { notation: "compact", maximumFractionDigits: 1 });
}

function Dot(props: { cx?: number; cy?: number; r: number; fill: string; opacity: number; stroke?: string }) {
  return props.cx === undefined || props.cy === undefined ? null : (
    <circle cx={props.cx} cy={props.cy} r={props.r} fill={props.fill} fillOpacity={props.opacity} stroke={props.stroke} strokeWidth={props.stroke ? 1 : 0} style={{ cursor: "pointer" }} />
  );
}

/** the step line's vertices are not candidates: draw nothing at them */
function NoDot() {
  return <g />;
}

function PointTip(props: { active?: boolean; payload?: readonly { payload?: Partial<Point> }[]; format: (v: number) => string; metricLabel: string }) {
  const p = props.active ? props.payload?.[0]?.payload : undefined;
  if (!p || p.number === undefined || p.score === undefined || p.cost === undefined) return null;
  return (
    <div className="card small" style={{ padding: "6px 8px" }}>
      <strong>#{p.number}</strong> {p.family}
      <br />
      {props.metricLabel} {formatScore(p.score)} · {props.format(p.cost)}
      {p.infeasibleReason ? (
        <>
          <br />
          infeasible: {p.infeasibleReason}
        </>
      ) : null}
    </div>
  );
}
