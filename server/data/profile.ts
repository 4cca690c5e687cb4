import type { ColumnProfile } from "../contracts/dataset";
import { numbersOf, stringAt } from "./column-values";
import type { InferredType } from "./infer-types";
import type { Table } from "./table";

export const HISTOGRAM_BINS = 20;
export const TOP_VALUES = 10;

/** What the studio shows about each column: missing and distinct counts, stats and a histogram or the top values. */
export function profileTable(table: Table, types: InferredType[]): ColumnProfile[] {
  const byName = new Map(types.map((t) => [t.name, t]));
  return table.columns.map((column) => {
    const t = byName.get(column.name);
    if (!t) throw new Error(`no type for column ${column.name}`);
    const base = { name: column.name, type: t.type, reason: t.reason };
    if (t.type === "numeric" || t.type === "datetime") {
      const values = numbersOf(column, t.type);
      const present = values.filter((v) => !Number.isNaN(v));
      const stats = statsOf(present);
      return {
        ...base,
        missing: values.length - present.length,
        distinct: new Set(present).size,
        stats,
        histogram: stats ? histogram(present, stats.min, stats.max) : null,
        topValues: null,
      };
    }
    const at = stringAt(column);
    const counts = new Map<string, number>();
    let missing = 0;
    for (let r = 0; r < table.rowCount; r++) {
      const s = at(r);
      if (s === null) missing++;
      else counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    const topValues = [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, TOP_VALUES)
      .map(([value, count]) => ({ value, count }));
    return { ...base, missing, distinct: counts.size, stats: null, histogram: null, topValues };
  });
}

function statsOf(values: Float64Array): ColumnProfile["stats"] {
  if (values.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) * (v - mean);
  return { min, max, mean, std: Math.sqrt(sq / values.length) };
}

/** equal-width bins over [min, max]; the last bin includes max; a constant column is one bin */
function histogram(values: Float64Array, min: number, max: number): NonNullable<ColumnProfile["histogram"]> {
  if (min === max) return { edges: [min, max], counts: [values.length] };
  const width = (max - min) / HISTOGRAM_BINS;
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => (i === HISTOGRAM_BINS ? max : min + i * width));
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const v of values) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((v - min) / width))]++;
  return { edges, counts };
}
