import type { Rng } from "../../automl/rng";
import type { Matrix, Task } from "../../models/family";

/** Shared helpers of the selection methods: columns as float64, seeded shuffles and a stratified holdout. */

export function numClassesOf(task: Task): number {
  return task.type === "regression" ? 1 : task.type === "binary" ? 2 : Math.max(task.classes.length, 2);
}

export function checkInputs(x: Matrix, y: Float32Array, task: Task): void {
  if (x.data.length !== x.rows * x.cols) throw new Error(`matrix data holds ${x.data.length} values, expected ${x.rows} x ${x.cols}`);
  if (y.length !== x.rows) throw new Error(`expected ${x.rows} labels, got ${y.length}`);
  if (task.type !== "regression") {
    const k = numClassesOf(task);
    for (let i = 0; i < y.length; i++) {
      if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= k) throw new Error(`label ${y[i]} at row ${i} is not a class code in [0, ${k})`);
    }
  }
  for (let i = 0; i < x.data.length; i++) {
    if (!Number.isFinite(x.data[i])) throw new Error(`feature matrix holds a non-finite value at row ${Math.floor(i / x.cols)}, column ${i % x.cols}`);
  }
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) throw new Error(`label at row ${i} is not finite`);
}

/** column j of x over the given rows (all rows when omitted), as float64 */
export function columnOf(x: Matrix, j: number, rows?: ArrayLike<number>): Float64Array {
  const n = rows ? rows.length : x.rows;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = x.data[(rows ? rows[i] : i) * x.cols + j];
  return out;
}

export function shuffleInPlace<T extends { length: number; [i: number]: number }>(a: T, rng: Rng): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

export function range(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * Splits the positions 0..n-1 into a fitting part and a held-out part of about `fraction` of them; stratified by
 * class for classification (every class with 2+ rows has at least one row on each side), plain for regression.
 */
export function holdoutSplit(y: ArrayLike<number>, task: Task, fraction: number, rng: Rng): { fit: Int32Array; hold: Int32Array } {
  const n = y.length;
  const groups: number[][] = [];
  if (task.type === "regression") groups.push(Array.from(range(n)));
  else {
    for (let i = 0; i < n; i++) (groups[y[i]] ??= []).push(i);
  }
  const fit: number[] = [];
  const hold: number[] = [];
  for (const g of groups) {
    if (!g) continue;
    shuffleInPlace(g, rng);
    let h = Math.round(g.length * fraction);
    if (g.length >= 2) h = Math.min(Math.max(h, 1), g.length - 1);
    else h = 0;
    for (let t = 0; t < g.length; t++) (t < h ? hold : fit).push(g[t]);
  }
  return { fit: Int32Array.from(fit).sort(), hold: Int32Array.from(hold).sort() };
}

/** At most `max` positions, drawn without replacement (stratified like holdoutSplit), in ascending order. */
export function sampleRows(y: ArrayLike<number>, task: Task, max: number, rng: Rng): Int32Array {
  if (y.length <= max) return range(y.length);
  return holdoutSplit(y, task, max / y.length, rng).hold;
}

/** Indices of `scores` from highest to lowest; ties keep index order. */
export function rankDescending(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
}

/** the given rows of x as their own matrix */
export function subsetRows(x: Matrix, rows: ArrayLike<number>): Matrix {
  const data = new Float32Array(rows.length * x.cols);
  for (let i = 0; i < rows.length; i++) data.set(x.data.subarray(rows[i] * x.cols, (rows[i] + 1) * x.cols), i * x.cols);
  return { rows: rows.length, cols: x.cols, data };
}

export function subsetValues(y: Float32Array, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = y[rows[i]];
  return out;
}
