import type { ColumnProfile } from "../contracts/dataset";
import { numbersOf, numberToString } from "./column-values";
import { countDistinct, valueCounts } from "./distinct-numbers";
import type { InferredType } from "./infer-types";
import type { Column, Table } from "./table";

export const HISTOGRAM_BINS = 20;
export const TOP_VALUES = 10;

type TopValue = NonNullable<ColumnProfile["topValues"]>[number];

/** What the studio shows about each column: missing and distinct counts, stats and a histogram or the top values. */
export function profileTable(table: Table, types: InferredType[]): ColumnProfile[] {
  const byName = new Map(types.map((t) => [t.name, t]));
  return table.columns.map((column) => {
    const t = byName.get(column.name);
    if (!t) throw new Error(`no type for column ${column.name}`);
    const base = { name: column.name, type: t.type, reason: t.reason };
    if (t.type === "numeric" || t.type === "datetime") {
      const values = numbersOf(column, t.type);
      const stats = statsOf(values);
      return {
        ...base,
        missing: values.length - (stats?.present ?? 0),
        distinct: stats ? countDistinct(values) : 0,
        stats: stats && { min: stats.min, max: stats.max, mean: stats.mean, std: stats.std },
        histogram: stats ? histogram(values, stats) : null,
        topValues: null,
      };
    }
    const { entries, missing } = countsByValue(column);
    return { ...base, missing, distinct: entries.length, stats: null, histogram: null, topValues: topValues(entries) };
  });
}

/** each value present, as the studio shows it, with its count; and how many rows are missing */
function countsByValue(column: Column): { entries: TopValue[]; missing: number } {
  if (column.kind === "number") {
    // String(v) is one-to-one on numbers once -0 is 0, which valueCounts already merges
    const { values, counts } = valueCounts(column.values);
    const entries = Array.from(values, (v, i) => ({ value: numberToString(v), count: counts[i] }));
    const present = counts.reduce((sum, c) => sum + c, 0);
    return { entries, missing: column.values.length - present };
  }
  // codes index the categories, which are distinct strings: count the codes, never a string per row
  const counts = new Int32Array(column.categories.length);
  let missing = 0;
  for (let r = 0; r < column.codes.length; r++) {
    const code = column.codes[r];
    if (code < 0) missing++;
    else counts[code]++;
  }
  const entries: TopValue[] = [];
  for (let c = 0; c < counts.length; c++) if (counts[c] > 0) entries.push({ value: column.categories[c], count: counts[c] });
  return { entries, missing };
}

/** the TOP_VALUES most frequent, ties by value: kept in a short sorted list rather than sorting every value */
function topValues(entries: TopValue[]): TopValue[] {
  const top: TopValue[] = [];
  for (const e of entries) {
    if (top.length === TOP_VALUES && !before(e, top[top.length - 1])) continue;
    let i = top.length;
    while (i > 0 && before(e, top[i - 1])) i--;
    top.splice(i, 0, e);
    if (top.length > TOP_VALUES) top.pop();
  }
  return top;
}

const before = (a: TopValue, b: TopValue) => a.count > b.count || (a.count === b.count && a.value < b.value);

interface Stats {
  present: number;
  min: number;
  max: number;
  mean: number;
  std: number;
}

/** over the present values (NaN is missing), summed in row order; null when none is present */
function statsOf(values: Float64Array): Stats | null {
  let present = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    present++;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  if (present === 0) return null;
  const mean = sum / present;
  let sq = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) sq += (v - mean) * (v - mean);
  }
  return { present, min, max, mean, std: Math.sqrt(sq / present) };
}

/** equal-width bins over [min, max] of the present values; the last bin includes max; a constant column is one bin */
function histogram(values: Float64Array, { present, min, max }: Stats): NonNullable<ColumnProfile["histogram"]> {
  if (min === max) return { edges: [min, max], counts: [present] };
  const width = (max - min) / HISTOGRAM_BINS;
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => (i === HISTOGRAM_BINS ? max : min + i * width));
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((v - min) / width))]++;
  }
  return { edges, counts };
}
