"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ComparedRunDto } from "@/server/contracts/run-comparison";
import { formatScore, formatSeconds } from "../ui/format";
import { runColor } from "./run-colors";

/** Each run's best validation score so far against seconds since it started: one step line per run. */
export function ProgressChart({ runs }: { runs: ComparedRunDto[] }) {
  return (
    <div data-testid="progress-chart" role="img" aria-label="Best validation score so far against elapsed seconds, one line per run; the table below has the same numbers">
      <ResponsiveContainer width="100%" height={300}>
        <LineChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis dataKey="seconds" type="number" domain={[0, "dataMax"]} allowDecimals={false} tick={{ fontSize: 11 }} tickFormatter={(v: number) => formatSeconds(v)} label={{ value: "elapsed", position: "insideBottomRight", offset: -2, fontSize: 11 }} />
          <YAxis dataKey="best" tick={{ fontSize: 11 }} width={60} domain={["auto", "auto"]} tickFormatter={(v: number) => formatScore(v)} />
          <Tooltip formatter={(v) => formatScore(Number(v))} labelFormatter={(l) => `after ${formatSeconds(Number(l))}`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {runs.map((r, i) => (
            <Line
              key={r.run.id}
              data={r.progress}
              dataKey="best"
              name={`${r.run.id} (${r.run.strategy}, seed ${r.run.seed})`}
              type="stepAfter"
              stroke={runColor(i)}
              strokeWidth={2}
              dot={{ r: 2 }}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
