/**
 * Parallel-coordinates data: one axis per varying hyperparameter (param-axes.ts) and one line per finished trial,
 * its position on each axis and its objective. Past MAX_LINES a chart turns into a solid block, so a long run
 * sends its best BEST_LINES trials (the ones worth reading) plus an even sample of the others.
 */
import { evenSample } from "./even-sample";
import { encodeValue, type ParamAxis } from "./param-axes";
import type { Direction, ScoredTrial } from "./types";

export const MAX_LINES = 500;
export const BEST_LINES = 200;

export interface ParallelLine {
  number: number;
  value: number;
  /** the position on each axis, in the axes' order (param-axes.ts encodeValue); null: absent in this trial */
  coords: (number | null)[];
}

export interface ParallelCoordinates {
  axes: ParamAxis[];
  /** by trial number */
  lines: ParallelLine[];
  /** how many finished trials there are in all */
  total: number;
}

export function parallelCoordinates(trials: readonly ScoredTrial[], axes: ParamAxis[], direction: Direction, max = MAX_LINES): ParallelCoordinates {
  const ranked = [...trials].sort((a, b) => (direction === "min" ? a.value - b.value : b.value - a.value) || a.number - b.number);
  const best = ranked.slice(0, Math.min(BEST_LINES, max));
  const rest = ranked.slice(best.length).sort((a, b) => a.number - b.number);
  const chosen = [...best, ...evenSample(rest, max - best.length)].sort((a, b) => a.number - b.number);
  return {
    axes,
    lines: chosen.map((t) => ({ number: t.number, value: t.value, coords: axes.map((axis) => encodeValue(axis, t.params[axis.name])) })),
    total: trials.length,
  };
}
