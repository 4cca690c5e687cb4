/**
 * The hyperparameters of a run's trials as axes: numeric (with a log flag and the observed range) or categorical
 * (with its categories). Trials store flat `name → value` records, not their distributions, so each axis is
 * inferred from the values the trials took: a name whose values are all finite numbers is numeric, anything else
 * (choices of strings, booleans, mixed types) categorical. A numeric axis is shown on a log scale when its values
 * are all positive and span at least a decade (learning rates, weight decay, layer widths), as such spaces are
 * searched log-uniformly. A name that took a single value (a fixed setting) tells nothing and gets no axis.
 * A conditional hyperparameter a trial did not ask for is "absent" in that trial, and encodes as null.
 */
import type { Params, ParamValue } from "./types";

export type ParamAxis =
  | { name: string; kind: "numeric"; log: boolean; low: number; high: number; absent: boolean }
  | { name: string; kind: "categorical"; categories: string[]; absent: boolean };

/** the ratio high / low from which positive values are shown on a log scale */
const LOG_SPAN = 10;

/** The axes of the hyperparameters that vary among the trials, in the order they first appear. */
export function inferAxes(trials: readonly Params[]): ParamAxis[] {
  const values = new Map<string, ParamValue[]>();
  for (const params of trials) {
    for (const [name, value] of Object.entries(params)) {
      let list = values.get(name);
      if (!list) values.set(name, (list = []));
      list.push(value);
    }
  }
  const axes: ParamAxis[] = [];
  for (const [name, list] of values) {
    const absent = list.length < trials.length;
    const distinct = new Set(list.map(String));
    if (distinct.size + (absent ? 1 : 0) < 2) continue;
    if (list.every((v) => typeof v === "number" && Number.isFinite(v))) {
      const nums = list as number[];
      const low = nums.reduce((a, b) => Math.min(a, b));
      const high = nums.reduce((a, b) => Math.max(a, b));
      axes.push({ name, kind: "numeric", log: low > 0 && high / low >= LOG_SPAN, low, high, absent });
    } else {
      axes.push({ name, kind: "categorical", categories: [...distinct].sort(), absent });
    }
  }
  return axes;
}

/**
 * A value's position on its axis: numeric values in [0, 1] ((log-)linear between the observed low and high),
 * categories as their index; null when absent (or, for a numeric axis, not a number).
 */
export function encodeValue(axis: ParamAxis, value: ParamValue | undefined): number | null {
  if (value === undefined) return null;
  if (axis.kind === "categorical") {
    const index = axis.categories.indexOf(String(value));
    return index < 0 ? null : index;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  if (axis.high === axis.low) return 0.5;
  const t = axis.log ? Math.log(value / axis.low) / Math.log(axis.high / axis.low) : (value - axis.low) / (axis.high - axis.low);
  return Math.min(1, Math.max(0, t));
}
