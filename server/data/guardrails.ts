import type { ColumnType, DatasetWarning, LabelAssociation, ProblemType } from "../contracts/dataset";
import { numbersOf, stringAt } from "./column-values";
import { countDistinct } from "./distinct-numbers";
import type { InferredType } from "./infer-types";
import { encodeLabel } from "./label";
import { validateLabel } from "./problem-type";
import type { Column, Table } from "./table";

/**
 * Guardrails: the data problems worth a warning before a run, each with the action the studio takes or suggests.
 * datasetWarnings needs only the table (computed at upload); labelWarnings depends on the label the user picks.
 */

export type Warning = DatasetWarning;

/** a column missing in more than this share of rows is worth dropping */
export const HIGH_MISSING_SHARE = 0.5;
/** a class is rare (severe imbalance) below this share of the labelled rows... */
export const RARE_CLASS_SHARE = 0.05;
/** ...or with fewer rows than this */
export const RARE_CLASS_ROWS = 10;
/** leakage: a normalised mutual information I(X;Y)/H(Y) at least this... */
export const LEAKAGE_MI = 0.95;
/** ...or a single-feature accuracy (classification) or R² (regression) at least this */
export const LEAKAGE_SCORE = 0.99;
/** below this many labelled rows a near-perfect single feature is too likely by chance to call leakage */
export const MIN_ROWS_FOR_LEAKAGE = 30;
/** quantile bins for numeric and datetime columns, and for a regression label, when measuring mutual information */
export const MI_BINS = 10;

/** columns that are never features (preprocessing drops them): no association or leakage is reported for them */
const NOT_FEATURES: ReadonlySet<ColumnType> = new Set<ColumnType>(["identifier", "text"]);

// ---------------------------------------------------------------------------------------------------------------
// label-independent checks

/**
 * Identifier and free-text columns (excluded from features), constant columns, columns missing in more than half
 * of the rows (all missing: dropped), and rows that repeat an earlier row exactly (identifier columns ignored).
 */
export function datasetWarnings(table: Table, types: InferredType[]): Warning[] {
  const typeOf = typeLookup(types);
  const n = table.rowCount;
  const out: Warning[] = [];
  for (const column of table.columns) {
    const t = typeOf(column);
    const name = column.name;
    if (t.type === "identifier") {
      out.push({ kind: "identifier", column: name, message: `${name} is an identifier: ${t.reason}.`, action: "Excluded from features." });
      continue;
    }
    const { present, distinct } = presentAndDistinct(column, t.type === "text");
    if (t.type === "text") {
      const unique = present > 0 && distinct / present >= 0.95 ? "nearly unique per row" : "mostly distinct";
      out.push({
        kind: "identifier",
        column: name,
        message: `${name} is free text, ${unique} (${fmtCount(distinct)} distinct values in ${fmtCount(present)} rows): too few repeated values to learn from as categories.`,
        action: "Used as hashed word counts (bag of words, 128 buckets); set its type to identifier to exclude it.",
      });
      continue;
    }
    if (present === 0) {
      out.push({ kind: "missing", column: name, message: `${name} has no values: every row is missing it.`, action: "Dropped." });
      continue;
    }
    if (distinct === 1) {
      out.push({
        kind: "constant",
        column: name,
        message: `${name} has a single value (${firstValue(column) ?? "?"})${present < n ? " where present" : ""}: it carries no information.`,
        action: "No effect on the models (they see the same input on every row); consider removing it.",
      });
    }
    const missingShare = (n - present) / n;
    if (missingShare > HIGH_MISSING_SHARE) {
      out.push({
        kind: "missing",
        column: name,
        message: `${name} is missing in ${fmtPct(missingShare)} of rows (${fmtCount(n - present)} of ${fmtCount(n)}).`,
        action: "Kept (missing values are imputed); consider dropping it, or check why it is missing.",
      });
    }
  }
  const hashed = table.columns.filter((c) => typeOf(c).type !== "identifier");
  const dups = duplicatedRows(n, hashed);
  if (dups > 0) {
    const ignored = table.columns.filter((c) => typeOf(c).type === "identifier").map((c) => c.name);
    out.push({
      kind: "duplicates",
      column: null,
      message:
        `${fmtCount(dups)} ${dups === 1 ? "row repeats" : "rows repeat"} an earlier row exactly (${fmtPct(dups / n)} of rows)` +
        (ignored.length > 0 ? `, ignoring the identifier ${ignored.length === 1 ? "column" : "columns"} ${ignored.join(", ")}.` : "."),
      action: "Kept; consider removing them: copies can land in both training and test and make scores look better than they are.",
    });
  }
  return out;
}

/** rows with a value, and distinct values among them: exactly, or else only up to 2 (enough to tell a constant column) */
function presentAndDistinct(column: Column, exact: boolean): { present: number; distinct: number } {
  // one loop per storage: a loop over either kind of array runs several times slower
  const counted = column.kind === "number" ? presentAndTwoNumbers(column.values) : presentAndTwoCodes(column.codes);
  if (!exact || counted.distinct < 2) return counted;
  const distinct = column.kind === "number" ? countDistinct(column.values) : usedCodes(column.codes, column.categories.length);
  return { present: counted.present, distinct };
}

function presentAndTwoNumbers(values: Float64Array): { present: number; distinct: number } {
  let present = 0;
  let distinct = 0;
  let first = NaN;
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    if (Number.isNaN(v)) continue;
    if (present++ === 0) {
      first = v;
      distinct = 1;
    } else if (distinct === 1 && v !== first) distinct = 2;
  }
  return { present, distinct };
}

function presentAndTwoCodes(codes: Int32Array): { present: number; distinct: number } {
  let present = 0;
  let distinct = 0;
  let first = -1;
  for (let r = 0; r < codes.length; r++) {
    const c = codes[r];
    if (c < 0) continue;
    if (present++ === 0) {
      first = c;
      distinct = 1;
    } else if (distinct === 1 && c !== first) distinct = 2;
  }
  return { present, distinct };
}

function usedCodes(codes: Int32Array, categories: number): number {
  const used = new Uint8Array(categories);
  let distinct = 0;
  for (let r = 0; r < codes.length; r++) {
    const code = codes[r];
    if (code >= 0 && used[code] === 0) {
      used[code] = 1;
      distinct++;
    }
  }
  return distinct;
}

function firstValue(column: Column): string | null {
  const at = stringAt(column);
  const n = column.kind === "number" ? column.values.length : column.codes.length;
  for (let r = 0; r < n; r++) {
    const s = at(r);
    if (s !== null) return s.length > 40 ? `${s.slice(0, 40)}…` : s;
  }
  return null;
}

/** rows per hash partition when looking for repeated rows: a partition's table stays within a CPU cache */
const PARTITION_ROWS = 8192;
const MAX_PARTITION_BITS = 12;

/**
 * How many rows equal an earlier row in every given column. Rows are hashed to 64 bits and scattered into partitions
 * by hash, in row order, so that each partition's table of hashes stays in cache; only rows with equal hashes are
 * compared cell by cell.
 */
export function duplicatedRows(rowCount: number, columns: Column[]): number {
  if (columns.length === 0 || rowCount < 2) return 0;
  const { hi, lo } = rowHashes(rowCount, columns);
  let bits = 0;
  while (bits < MAX_PARTITION_BITS && rowCount >> bits > PARTITION_ROWS) bits++;
  const partitions = 1 << bits;
  // the partition is the top bits of `hi` (none when there is one partition: a shift by 32 is a shift by 0)
  const shift = 32 - bits;
  const partitionOf = (r: number) => (bits === 0 ? 0 : hi[r] >>> shift);
  const start = new Int32Array(partitions + 1);
  for (let r = 0; r < rowCount; r++) start[partitionOf(r) + 1]++;
  let largest = 0;
  for (let p = 0; p < partitions; p++) {
    largest = Math.max(largest, start[p + 1]);
    start[p + 1] += start[p];
  }
  // rows in partition order, each with its `lo`, so that a partition is read in one sweep
  const rows = new Int32Array(rowCount);
  const rowLo = new Uint32Array(rowCount);
  const next = start.slice(0, partitions);
  for (let r = 0; r < rowCount; r++) {
    const i = next[partitionOf(r)]++;
    rows[i] = r;
    rowLo[i] = lo[r];
  }

  const same = (a: number, b: number) =>
    hi[a] === hi[b] &&
    columns.every((c) => (c.kind === "number" ? c.values[a] === c.values[b] || (Number.isNaN(c.values[a]) && Number.isNaN(c.values[b])) : c.codes[a] === c.codes[b]));
  // per slot: the first row with a `lo` (-1 when empty) and that `lo`
  const size = tableSize(largest);
  const slotRow = new Int32Array(size);
  const slotLo = new Uint32Array(size);
  // rows that differ but share a `lo` with an earlier row (rare, but `lo` is only 32 bits): the other distinct rows
  const otherRows = new Map<number, number[]>();
  let dups = 0;
  for (let p = 0; p < partitions; p++) {
    const mask = tableSize(start[p + 1] - start[p]) - 1;
    slotRow.fill(-1, 0, mask + 1);
    for (let i = start[p]; i < start[p + 1]; i++) {
      const r = rows[i];
      const h = rowLo[i];
      let slot = h & mask;
      while (slotRow[slot] >= 0 && slotLo[slot] !== h) slot = (slot + 1) & mask;
      const first = slotRow[slot];
      if (first < 0) {
        slotRow[slot] = r;
        slotLo[slot] = h;
      } else if (same(first, r)) dups++;
      else {
        const others = otherRows.get(first);
        if (!others) otherRows.set(first, [r]);
        else if (others.some((e) => same(e, r))) dups++;
        else others.push(r);
      }
    }
  }
  return dups;
}

/** two 32-bit hashes of each row's cells (one NaN, and -0 as 0, so equal rows hash alike), row by row */
function rowHashes(rowCount: number, columns: Column[]): { hi: Uint32Array; lo: Uint32Array } {
  // a number's two words read straight from its column's bytes; NaN and -0 take the words of one NaN and of 0
  const numbers = columns.flatMap((c) => (c.kind === "number" ? [{ values: c.values, words: new Uint32Array(c.values.buffer, c.values.byteOffset, 2 * c.values.length) }] : []));
  const codes = columns.flatMap((c) => (c.kind === "string" ? [c.codes] : []));
  const nan = new Uint32Array(new Float64Array([NaN]).buffer);
  const hi = new Uint32Array(rowCount);
  const lo = new Uint32Array(rowCount);
  for (let r = 0; r < rowCount; r++) {
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (const { values, words } of numbers) {
      const v = values[r];
      const w0 = v === 0 ? 0 : Number.isNaN(v) ? nan[0] : words[2 * r];
      const w1 = v === 0 ? 0 : Number.isNaN(v) ? nan[1] : words[2 * r + 1];
      h1 = Math.imul(h1 ^ w0, 0x01000193);
      h2 = Math.imul(h2 ^ w0, 0x5bd1e995);
      h2 ^= h2 >>> 13;
      h1 = Math.imul(h1 ^ w1, 0x01000193);
      h2 = Math.imul(h2 ^ w1, 0x5bd1e995);
      h2 ^= h2 >>> 13;
    }
    for (const c of codes) {
      h1 = Math.imul(h1 ^ (c[r] + 1), 0x01000193);
      h2 = Math.imul(h2 ^ (c[r] + 1), 0x5bd1e995);
      h2 ^= h2 >>> 13;
    }
    hi[r] = avalanche(h1);
    lo[r] = avalanche(h2);
  }
  return { hi, lo };
}

/** spreads every input bit over the whole word (murmur3's finaliser): keys pick partitions and slots by their bits */
function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** a power of two at least twice `n`, so probe runs stay short */
function tableSize(n: number): number {
  let size = 2;
  while (size < 2 * n) size *= 2;
  return size;
}

// ---------------------------------------------------------------------------------------------------------------
// label-dependent checks

export interface LabelReport {
  /** every column but the label, strongest first; columns that are not features (null) last */
  associations: LabelAssociation[];
  warnings: Warning[];
}

/**
 * Each column's association with the label, severe class imbalance and leakage suspects.
 *
 * Association is mutual information normalised by the label's entropy, I(X;Y) / H(Y), in [0, 1]: 0 when the column
 * says nothing about the label, 1 when it determines it. Numeric and datetime columns (and a regression label) are cut
 * into MI_BINS quantile bins; categories seen too rarely to learn from (as preprocessing does) share one bucket;
 * missing is a value of its own. The plug-in estimate is Miller–Madow bias-corrected, so many sparse bins do not look
 * like association.
 *
 * A leakage suspect is a feature that alone predicts the label almost perfectly: normalised MI ≥ LEAKAGE_MI, or a
 * leave-one-out single-feature score ≥ LEAKAGE_SCORE — accuracy of the majority class among rows with the same value
 * (the nearest value for a numeric value seen once) for classification, when it clearly beats the majority class
 * rate; the R² of the same predictor using means for regression.
 *
 * Throws a DataError when the label cannot train the task (see validateLabel).
 */
export function labelWarnings(table: Table, types: InferredType[], label: string, problemType: ProblemType): LabelReport {
  validateLabel(table, label, problemType);
  const typeOf = typeLookup(types);
  const target = labelView(table, label, problemType);
  const warnings: Warning[] = [];
  const imbalance = problemType === "regression" ? null : imbalanceWarning(label, target);
  if (imbalance) warnings.push(imbalance);

  const associations: LabelAssociation[] = [];
  const leaks: { warning: Warning; mi: number }[] = [];
  for (const column of table.columns) {
    if (column.name === label) continue;
    const type = typeOf(column).type;
    if (NOT_FEATURES.has(type)) {
      associations.push({ column: column.name, mutualInformation: null });
      continue;
    }
    const feature = featureView(column, type, target.rows);
    const mi = normalisedMutualInformation(feature.bins, target.bins, target.rows.length);
    associations.push({ column: column.name, mutualInformation: mi });
    if (target.rows.length < MIN_ROWS_FOR_LEAKAGE) continue;
    const leak = leakage(column.name, label, feature, target, mi);
    if (leak) leaks.push({ warning: leak, mi });
  }
  leaks.sort((a, b) => b.mi - a.mi);
  warnings.push(...leaks.map((l) => l.warning));
  associations.sort((a, b) => (b.mutualInformation ?? -1) - (a.mutualInformation ?? -1) || compareStrings(a.column, b.column));
  return { associations, warnings };
}

/** the labelled rows, and the label on them as codes (classes, or quantile bins for regression) */
interface LabelView {
  problemType: ProblemType;
  /** the table rows that have a label */
  rows: Int32Array;
  /** per labelled row: class code, or bin of a regression target */
  bins: Codes;
  /** per labelled row: the target (regression), else null */
  values: Float64Array | null;
  /** class names (classification) */
  classes: string[];
}

/** small non-negative integer codes, one per labelled row */
interface Codes {
  codes: Int32Array;
  /** codes are below this */
  k: number;
}

function labelView(table: Table, label: string, problemType: ProblemType): LabelView {
  const { y, classes, rowsWithLabel } = encodeLabel(table, label, problemType);
  const rows = rowsWithLabel;
  if (problemType === "regression") {
    const values = gather(y, rows, new Float64Array(rows.length));
    return { problemType, rows, bins: quantileBins(values, MI_BINS), values, classes: [] };
  }
  return { problemType, rows, bins: { codes: gather(y, rows, new Int32Array(rows.length)), k: classes.length }, values: null, classes };
}

function imbalanceWarning(label: string, target: LabelView): Warning | null {
  const n = target.rows.length;
  const counts = new Array<number>(target.classes.length).fill(0);
  for (const c of target.bins.codes) counts[c]++;
  const order = counts.map((count, i) => ({ name: target.classes[i], count })).sort((a, b) => a.count - b.count || compareStrings(a.name, b.name));
  const rare = order.filter((c) => c.count < RARE_CLASS_ROWS || c.count / n < RARE_CLASS_SHARE);
  if (rare.length === 0) return null;
  const largest = order[order.length - 1];
  const listed = rare.slice(0, 6).map((c) => `${c.name} ${fmtCount(c.count)} ${c.count === 1 ? "row" : "rows"} (${fmtPct(c.count / n)})`);
  if (rare.length > 6) listed.push(`${rare.length - 6} more`);
  const tooFew = rare.filter((c) => c.count < 3).map((c) => c.name);
  return {
    kind: "imbalance",
    column: label,
    message:
      `Severe class imbalance in ${label}: ${rare.length === 1 ? "1 class is" : `${rare.length} of ${order.length} classes are`} rare ` +
      `(under ${fmtPct(RARE_CLASS_SHARE)} of rows or fewer than ${RARE_CLASS_ROWS} rows): ${listed.join(", ")}; ` +
      `the largest, ${largest.name}, has ${fmtPct(largest.count / n)}.` +
      (tooFew.length > 0 ? ` ${tooFew.join(", ")} ${tooFew.length === 1 ? "has" : "have"} too few rows to appear in training, validation and test alike.` : ""),
    action: "Stratified split (each class keeps its share in training, validation and test); consider class weights and a balanced metric (balanced accuracy; for binary, PR AUC or F1).",
  };
}

/** a feature on the labelled rows: its MI codes, and the groups the single-feature predictor uses */
interface FeatureView {
  bins: Codes;
  /** per labelled row: its group (rows with the same value, or the same bucket) */
  groups: Int32Array;
  groupCount: number;
  /** numeric features: each group's value, NaN for the missing group; neighbours in value order stand in for a value seen once */
  groupValues: Float64Array | null;
}

function featureView(column: Column, type: ColumnType, rows: Int32Array): FeatureView {
  const n = rows.length;
  if (type === "numeric" || type === "datetime") {
    const all = numbersOf(column, type);
    const values = gather(all, rows, new Float64Array(rows.length));
    const sorted = sortedPresent(values);
    // groups of equal values, numbered in ascending order; missing is the last group
    const distinct = distinctOfSorted(sorted);
    const missingGroup = distinct.length;
    const groups = mapCodes(values, (v) => (Number.isNaN(v) ? missingGroup : upperBound(distinct, v) - 1));
    const groupValues = new Float64Array(distinct.length + 1);
    groupValues.set(distinct);
    groupValues[distinct.length] = NaN;
    return { bins: quantileBins(values, MI_BINS, sorted), groups, groupCount: groupValues.length, groupValues };
  }
  // categorical and boolean: category strings; categories too rare to learn from share a bucket, as in preprocessing
  const at = stringAt(column);
  const index = new Map<string, number>();
  const raw = new Int32Array(n);
  const counts: number[] = [];
  let missing = false;
  for (let i = 0; i < n; i++) {
    const s = at(rows[i]);
    if (s === null) {
      raw[i] = -1;
      missing = true;
      continue;
    }
    let code = index.get(s);
    if (code === undefined) {
      code = counts.length;
      index.set(s, code);
      counts.push(0);
    }
    counts[code]++;
    raw[i] = code;
  }
  const minCount = Math.max(2, Math.ceil(0.005 * n));
  const remap = new Int32Array(counts.length);
  let k = 0;
  let rareBucket = -1;
  for (let c = 0; c < counts.length; c++) {
    if (counts[c] >= minCount) remap[c] = k++;
    else remap[c] = rareBucket >= 0 ? rareBucket : (rareBucket = k++);
  }
  const missingCode = missing ? k++ : -1;
  const codes = mapCodes(raw, (c) => (c < 0 ? missingCode : remap[c]));
  return { bins: { codes, k }, groups: codes, groupCount: k, groupValues: null };
}

/**
 * Codes of up to `bins` quantile bins: equal-frequency, a run of equal values never split, and the rows left shared
 * anew after each bin, so a value that fills most rows (zeros of a sparse column) takes one bin and the rest are
 * still cut finely. Missing values get a code of their own.
 */
export function quantileBins(values: Float64Array, bins: number, sorted: Float64Array = sortedPresent(values)): Codes {
  const m = sorted.length;
  const cuts: number[] = [];
  let i = 0;
  for (let left = bins; left > 1 && i < m; left--) {
    let j = i + Math.max(1, Math.ceil((m - i) / left)) - 1;
    while (j + 1 < m && sorted[j + 1] === sorted[j]) j++;
    if (j + 1 >= m) break;
    cuts.push(sorted[j + 1]);
    i = j + 1;
  }
  const missingCode = cuts.length + 1;
  const codes = mapCodes(values, (v) => (Number.isNaN(v) ? missingCode : upperBound(cuts, v)));
  return { codes, k: missingCode + 1 };
}

function sortedPresent(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[m++] = values[i];
  return out.subarray(0, m).sort();
}

// plain loops: TypedArray.from with a map function is several times slower in V8

function gather<T extends Float64Array | Int32Array>(from: ArrayLike<number>, rows: Int32Array, into: T): T {
  for (let i = 0; i < rows.length; i++) into[i] = from[rows[i]];
  return into;
}

function mapCodes(from: ArrayLike<number>, f: (v: number) => number): Int32Array {
  const out = new Int32Array(from.length);
  for (let i = 0; i < from.length; i++) out[i] = f(from[i]);
  return out;
}

function distinctOfSorted(sorted: Float64Array): number[] {
  const out: number[] = [];
  for (const v of sorted) if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  return out;
}

/** how many cuts are ≤ v */
function upperBound(cuts: number[], v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** I(X;Y) / H(Y) from the codes, Miller–Madow bias-corrected, clamped to [0, 1] (0 when the label is constant) */
export function normalisedMutualInformation(x: Codes, y: Codes, n: number): number {
  if (n === 0) return 0;
  const cx = new Float64Array(x.k);
  const cy = new Float64Array(y.k);
  // the joint counts: a dense table while small, else a map of the cells present
  const dense = x.k * y.k <= 1 << 20 ? new Float64Array(x.k * y.k) : null;
  const sparse = dense ? null : new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const a = x.codes[i];
    const b = y.codes[i];
    cx[a]++;
    cy[b]++;
    const key = a * y.k + b;
    if (dense) dense[key]++;
    else sparse!.set(key, (sparse!.get(key) ?? 0) + 1);
  }
  const joint = dense ?? sparse!.values();
  const entropy = (counts: Iterable<number>): { h: number; cells: number } => {
    let h = 0;
    let cells = 0;
    for (const c of counts) {
      if (c <= 0) continue;
      cells++;
      h -= (c / n) * Math.log(c / n);
    }
    return { h, cells };
  };
  const hx = entropy(cx);
  const hy = entropy(cy);
  const hxy = entropy(joint);
  if (hy.h <= 1e-12) return 0;
  const bias = (hxy.cells - hx.cells - hy.cells + 1) / (2 * n);
  const mi = hx.h + hy.h - hxy.h - bias;
  return Math.min(1, Math.max(0, mi / hy.h));
}

function leakage(column: string, label: string, feature: FeatureView, target: LabelView, mi: number): Warning | null {
  const byMi = mi >= LEAKAGE_MI;
  let evidence: string;
  if (target.problemType === "regression") {
    const r2 = singleFeatureR2(feature, target.values!);
    if (!byMi && r2 < LEAKAGE_SCORE) return null;
    evidence = `normalised mutual information ${mi.toFixed(2)}; R² ${r2.toFixed(3)} from ${column} alone`;
  } else {
    const { accuracy, majority } = singleFeatureAccuracy(feature, target.bins);
    const byAccuracy = accuracy >= Math.max(LEAKAGE_SCORE, 1 - 0.1 * (1 - majority));
    if (!byMi && !byAccuracy) return null;
    evidence = `normalised mutual information ${mi.toFixed(2)}; accuracy ${fmtPct(accuracy)} from ${column} alone, against ${fmtPct(majority)} for always predicting the most frequent class`;
  }
  return {
    kind: "leakage",
    column,
    message: `${column} predicts ${label} almost perfectly on its own (${evidence}).`,
    action: "Suspected leakage: remove it if it is not known at prediction time.",
  };
}

/** per group, the count of each class present, as parallel runs */
interface ClassCounts {
  /** group g's runs are start[g] .. start[g + 1] */
  start: Int32Array;
  cls: Int32Array;
  count: Int32Array;
}

function classCountsByGroup(groups: Int32Array, groupCount: number, y: Codes): ClassCounts {
  const n = y.codes.length;
  // rows by group (a counting sort), then each group's classes counted in a scratch array
  const start = new Int32Array(groupCount + 1);
  for (let i = 0; i < n; i++) start[groups[i] + 1]++;
  for (let g = 0; g < groupCount; g++) start[g + 1] += start[g];
  const next = start.slice(0, groupCount);
  const byGroup = new Int32Array(n);
  for (let i = 0; i < n; i++) byGroup[next[groups[i]]++] = i;
  const scratch = new Int32Array(y.k);
  const runStart = new Int32Array(groupCount + 1);
  const cls: number[] = [];
  const count: number[] = [];
  for (let g = 0; g < groupCount; g++) {
    runStart[g] = cls.length;
    for (let p = start[g]; p < start[g + 1]; p++) {
      const c = y.codes[byGroup[p]];
      if (scratch[c]++ === 0) cls.push(c);
    }
    for (let r = runStart[g]; r < cls.length; r++) {
      count.push(scratch[cls[r]]);
      scratch[cls[r]] = 0;
    }
  }
  runStart[groupCount] = cls.length;
  return { start: runStart, cls: Int32Array.from(cls), count: Int32Array.from(count) };
}

/** the top count M, how many classes have it (T), the runner-up count M2 and how many have it (T2) */
function topCounts(count: ArrayLike<number>, from: number, to: number): { m: number; t: number; m2: number; t2: number } {
  let m = 0;
  let t = 0;
  let m2 = 0;
  let t2 = 0;
  for (let i = from; i < to; i++) {
    const c = count[i];
    if (c > m) {
      m2 = m;
      t2 = t;
      m = c;
      t = 1;
    } else if (c === m) t++;
    else if (c > m2) {
      m2 = c;
      t2 = 1;
    } else if (c === m2) t2++;
  }
  return { m, t, m2, t2 };
}

/**
 * Credit for predicting a row of class count nc (itself included) with the majority of the others in its group
 * (ties share the credit). A second-place count of 0 stands for any absent class, counted once.
 */
function looCredit(nc: number, top: { m: number; t: number; m2: number; t2: number }): number {
  if (nc < top.m || top.t >= 2) return 0;
  const left = nc - 1;
  if (left > top.m2) return 1;
  if (left === top.m2) return 1 / (1 + Math.max(1, top.t2));
  return 0;
}

/** credit for predicting class c with the majority of a group the row is not in */
function majorityCredit(counts: ClassCounts, g: number, c: number): number {
  const from = counts.start[g];
  const to = counts.start[g + 1];
  const top = topCounts(counts.count, from, to);
  for (let i = from; i < to; i++) if (counts.cls[i] === c) return counts.count[i] === top.m ? 1 / top.t : 0;
  return 0;
}

/** leave-one-out accuracy of predicting the label from this feature alone, and the majority class rate */
export function singleFeatureAccuracy(feature: FeatureView, y: Codes): { accuracy: number; majority: number } {
  const n = y.codes.length;
  const global = new Int32Array(y.k);
  for (const c of y.codes) global[c]++;
  const globalTop = topCounts(global, 0, y.k);
  const counts = classCountsByGroup(feature.groups, feature.groupCount, y);
  let credit = 0;
  for (let g = 0; g < feature.groupCount; g++) {
    const from = counts.start[g];
    const to = counts.start[g + 1];
    let size = 0;
    for (let i = from; i < to; i++) size += counts.count[i];
    if (size >= 2) {
      const top = topCounts(counts.count, from, to);
      for (let i = from; i < to; i++) credit += counts.count[i] * looCredit(counts.count[i], top);
      continue;
    }
    if (size === 0) continue;
    const c = counts.cls[from];
    const near = neighbours(feature, g);
    if (near.length === 0) credit += looCredit(global[c], globalTop);
    else credit += near.reduce((s, nb) => s + majorityCredit(counts, nb, c), 0) / near.length;
  }
  return { accuracy: n > 0 ? credit / n : 0, majority: n > 0 ? globalTop.m / n : 0 };
}

/** leave-one-out R² of predicting the target with the mean of the other rows with the same value (nearest value if none) */
export function singleFeatureR2(feature: FeatureView, y: Float64Array): number {
  const n = y.length;
  if (n < 2) return 0;
  const sum = new Float64Array(feature.groupCount);
  const size = new Int32Array(feature.groupCount);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sum[feature.groups[i]] += y[i];
    size[feature.groups[i]]++;
    total += y[i];
  }
  const mean = total / n;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const g = feature.groups[i];
    let prediction: number;
    if (size[g] >= 2) prediction = (sum[g] - y[i]) / (size[g] - 1);
    else {
      const near = neighbours(feature, g);
      prediction = near.length === 0 ? (total - y[i]) / (n - 1) : near.reduce((s, nb) => s + sum[nb] / size[nb], 0) / near.length;
    }
    sse += (y[i] - prediction) ** 2;
    sst += (y[i] - mean) ** 2;
  }
  return sst > 0 ? 1 - sse / sst : 0;
}

/** for a numeric value seen once: the nearest group(s) of other values (both when equally near); none otherwise */
function neighbours(feature: FeatureView, g: number): number[] {
  const gv = feature.groupValues;
  if (!gv || Number.isNaN(gv[g])) return [];
  const v = gv[g];
  const below = g > 0 && !Number.isNaN(gv[g - 1]) ? g - 1 : -1;
  const above = g + 1 < gv.length && !Number.isNaN(gv[g + 1]) ? g + 1 : -1;
  if (below < 0) return above < 0 ? [] : [above];
  if (above < 0) return [below];
  const db = v - gv[below];
  const da = gv[above] - v;
  return db < da ? [below] : da < db ? [above] : [below, above];
}

// ---------------------------------------------------------------------------------------------------------------

function typeLookup(types: InferredType[]): (column: Column) => InferredType {
  const byName = new Map(types.map((t) => [t.name, t]));
  return (column) => {
    const t = byName.get(column.name);
    if (!t) throw new Error(`guardrails: no type for column ${column.name}`);
    return t;
  };
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const fmtCount = (n: number) => n.toLocaleString("en-US");

/** a share as a percentage: whole numbers, one decimal under 10%, two under 1% (never rounded to 0% or 100%) */
export function fmtPct(share: number): string {
  const pct = share * 100;
  const digits = pct > 0 && pct < 1 ? 2 : pct < 10 ? 1 : pct > 99 && pct < 100 ? 1 : 0;
  let s = pct.toFixed(digits);
  if (pct > 0 && Number(s) === 0) s = "<0.01";
  if (pct < 100 && Number(s) === 100) s = "99.9";
  return `${s.replace(/\.0+$/, "")}%`;
}
