"use client";

import { useMemo } from "react";
import type { ParamAxisDto, RunInsightDto } from "@/server/contracts/insight";
import { formatScore } from "../ui/format";
import { LazyDetails } from "../ui/lazy-details";

type Parallel = RunInsightDto["parallel"];

// layout (SVG units = pixels): one column per axis, the objective last; room below each axis for "absent"
const COLUMN = 120;
const MARGIN = { top: 34, bottom: 34, left: 70, right: 70 };
const PLOT = 240;
const ABSENT_GAP = 22;
const HEIGHT = MARGIN.top + PLOT + ABSENT_GAP + MARGIN.bottom;
/** worst → best (viridis stops, reversed so the best lines are the darkest on white) */
const COLOURS = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"];
const x = (axis: number) => MARGIN.left + axis * COLUMN;

/**
 * Parallel coordinates drawn as plain SVG (recharts has none): a vertical axis per hyperparameter and one for the
 * objective, one path per trial coloured by its objective, the best drawn last (on top). A path is a handful of
 * points, so about a thousand of them stay cheap. Every name is React text, never markup.
 */
export function ParallelCoordinates({ data, direction, metricLabel }: { data: Parallel; direction: "min" | "max"; metricLabel: string }) {
  const { axes, lines } = data;
  const width = MARGIN.left + MARGIN.right + COLUMN * axes.length;

  const paths = useMemo(() => {
    const values = lines.map((l) => l.value);
    const low = Math.min(...values);
    const span = Math.max(...values) - low || 1;
    // goodness in [0, 1]: 1 for the best objective
    const good = (v: number) => (direction === "max" ? (v - low) / span : (low + span - v) / span);
    return lines
      .map((line) => {
        const ys = [...line.coords.map((c, i) => axisY(axes[i], c)), MARGIN.top + (1 - (line.value - low) / span) * PLOT];
        return { number: line.number, value: line.value, g: good(line.value), d: ys.map((y, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y.toFixed(1)}`).join("") };
      })
      .sort((a, b) => a.g - b.g);
  }, [lines, axes, direction]);

  const values = lines.map((l) => l.value);
  return (
    <div className="pc-wrap">
      <svg className="pc" width={width} height={HEIGHT} role="img" aria-label={`parallel coordinates of ${lines.length} trials`} data-testid="parallel-coordinates">
        <g fill="none" strokeWidth={1.2}>
          {paths.map((p) => (
            <path key={p.number} d={p.d} stroke={colour(p.g)} strokeOpacity={0.35 + 0.5 * p.g}>
              <title>{`trial #${p.number}: ${metricLabel} ${formatScore(p.value)}`}</title>
            </path>
          ))}
        </g>
        {axes.map((axis, i) => (
          <Axis key={axis.name} x={x(i)} name={axis.name} ticks={ticksOf(axis)} absent={axis.absent} note={axis.kind === "numeric" && axis.log ? "log" : null} />
        ))}
        <Axis
          x={x(axes.length)}
          name={metricLabel}
          ticks={values.length > 0 ? [Math.min(...values), Math.max(...values)].map((v, k) => ({ y: MARGIN.top + (1 - k) * PLOT, label: formatScore(v) })) : []}
          absent={false}
          note={direction === "min" ? "lower is better" : "higher is better"}
        />
      </svg>
      <BestLinesTable data={data} direction={direction} metricLabel={metricLabel} />
    </div>
  );
}

/** how many of the best trials the text alternative lists */
const TABLE_LINES = 10;

/** The chart's text alternative: the best trials' hyperparameters and objective, rendered once opened. */
function BestLinesTable({ data, direction, metricLabel }: { data: Parallel; direction: "min" | "max"; metricLabel: string }) {
  const best = [...data.lines].sort((a, b) => (direction === "max" ? b.value - a.value : a.value - b.value) || a.number - b.number).slice(0, TABLE_LINES);
  return (
    <LazyDetails testId="parallel-coordinates-table" summary={`As a table (the ${best.length} best trials)`}>
      {() => (
        <table className="table">
          <thead>
            <tr>
              <th scope="col" className="num">trial</th>
              {data.axes.map((a) => (
                <th scope="col" key={a.name} className="as-written">
                  {a.name}
                </th>
              ))}
              <th scope="col" className="num">{metricLabel}</th>
            </tr>
          </thead>
          <tbody>
            {best.map((l) => (
              <tr key={l.number}>
                <td className="num">{l.number}</td>
                {data.axes.map((a, i) => (
                  <td key={a.name} className="mono">
                    {decode(a, l.coords[i])}
                  </td>
                ))}
                <td className="num">{formatScore(l.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </LazyDetails>
  );
}

/** a line's coordinate on an axis back to the value it encodes */
function decode(axis: ParamAxisDto, coord: number | null): string {
  if (coord === null) return "absent";
  return axis.kind === "categorical" ? (axis.categories[coord] ?? "?") : formatTick(axisValue(axis, coord));
}

/** a numeric axis's value at t in [0, 1] (log axes geometric) */
const axisValue = (axis: Extract<ParamAxisDto, { kind: "numeric" }>, t: number) => (axis.log ? axis.low * (axis.high / axis.low) ** t : axis.low + t * (axis.high - axis.low));

/** the vertical position of an encoded value on its axis; absent values sit below the axis */
function axisY(axis: ParamAxisDto, coord: number | null): number {
  if (coord === null) return MARGIN.top + PLOT + ABSENT_GAP;
  const t = axis.kind === "numeric" ? coord : (coord + 0.5) / axis.categories.length;
  return MARGIN.top + (1 - t) * PLOT;
}

function ticksOf(axis: ParamAxisDto): { y: number; label: string }[] {
  if (axis.kind === "categorical") return axis.categories.map((c, k) => ({ y: axisY(axis, k), label: c }));
  return [0, 0.5, 1].map((t) => ({ y: axisY(axis, t), label: formatTick(axisValue(axis, t)) }));
}

function Axis(props: { x: number; name: string; ticks: { y: number; label: string }[]; absent: boolean; note: string | null }) {
  return (
    <g className="pc-axis" transform={`translate(${props.x},0)`}>
      <line y1={MARGIN.top} y2={MARGIN.top + PLOT} />
      <text className="pc-name" y={MARGIN.top - 18} textAnchor="middle">
        <title>{props.name}</title>
        {shorten(props.name, 18)}
      </text>
      {props.note ? (
        <text className="pc-note" y={MARGIN.top - 6} textAnchor="middle">
          {props.note}
        </text>
      ) : null}
      {props.ticks.map((t, k) => (
        <text key={k} className="pc-tick" x={-5} y={t.y} dy="0.32em" textAnchor="end">
          <title>{t.label}</title>
          {shorten(t.label, 12)}
        </text>
      ))}
      {props.absent ? (
        <text className="pc-tick" x={-5} y={MARGIN.top + PLOT + ABSENT_GAP} dy="0.32em" textAnchor="end">
          absent
        </text>
      ) : null}
    </g>
  );
}

const shorten = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-2 || a >= 1e5)) return v.toExponential(1);
  return Number.isInteger(v) ? String(v) : v.toPrecision(3);
}

/** the colour for goodness g in [0, 1], interpolated between the stops */
function colour(g: number): string {
  const pos = Math.min(1, Math.max(0, g)) * (COLOURS.length - 1);
  const k = Math.min(COLOURS.length - 2, Math.floor(pos));
  const [a, b] = [COLOURS[k], COLOURS[k + 1]].map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
  return `rgb(${a.map((c, i) => Math.round(c + (b[i] - c) * (pos - k))).join(",")})`;
}
