import type { Matrix, PartialPredictor } from "../family";

/**
 * A model whose predictions are a finishing step (a link, a mean) applied to per-row sums that its parts add to, each
 * part reading a few columns: boosted trees (raw scores through sigmoid or softmax) and forests (a mean over trees).
 * Written this way, a model predicts by adding every part, and can re-predict rows with some columns changed by
 * recomputing only the parts that read those columns (see partialPredictor).
 */
export interface AdditiveParts {
  /** how many parts */
  count: number;
  /** the matrix columns part i reads (its splits' features) */
  columns(i: number): Iterable<number>;
  /** sums for `rows` rows before any part is added (row-major, a fixed width per row) */
  start(rows: number): Float64Array;
  /** adds part i's contribution for every row of x to sums */
  add(i: number, x: Matrix, sums: Float64Array): void;
  /** the model's predictions from the sums of all parts */
  finish(sums: Float64Array, rows: number): Float32Array;
}

/** the predictions of every part */
export function predictAdditive(model: AdditiveParts, x: Matrix): Float32Array {
  const sums = model.start(x.rows);
  for (let i = 0; i < model.count; i++) model.add(i, x, sums);
  return model.finish(sums, x.rows);
}

/**
 * Re-predicts copies of `base` that differ from it only in some columns: the sums of the parts that don't read them
 * are the base rows' and are kept, and only the parts that read a changed column are computed again. Permutation
 * importance shuffles one source column at a time, so on trees it pays for the trees that split on that column only.
 */
export function additivePartialPredictor(model: AdditiveParts, base: Matrix): PartialPredictor {
  const partColumns = Array.from({ length: model.count }, (_, i) => Int32Array.from(new Set(model.columns(i))));
  const baseSums = model.start(base.rows);
  for (let i = 0; i < model.count; i++) model.add(i, base, baseSums);
  const changed = new Uint8Array(base.cols);
  return {
    predict(x: Matrix, cols: readonly number[]): Float32Array {
      if (x.cols !== base.cols || base.rows === 0 || x.rows % base.rows !== 0) {
        throw new Error(`partial prediction needs whole copies of the ${base.rows} x ${base.cols} base rows, got ${x.rows} x ${x.cols}`);
      }
      changed.fill(0);
      for (const c of cols) changed[c] = 1;
      const parts: number[] = [];
      for (let i = 0; i < model.count; i++) if (partColumns[i].some((c) => changed[c] === 1)) parts.push(i);
      // the base sums without the parts that will be recomputed, then those parts on the changed rows
      const kept = baseSums.slice();
      const removed = model.start(base.rows).fill(0);
      for (const i of parts) model.add(i, base, removed);
      for (let j = 0; j < kept.length; j++) kept[j] -= removed[j];
      const sums = new Float64Array(kept.length * (x.rows / base.rows));
      for (let at = 0; at < sums.length; at += kept.length) sums.set(kept, at);
      for (const i of parts) model.add(i, x, sums);
      return model.finish(sums, x.rows);
    },
  };
}
