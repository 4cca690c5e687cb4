import type { PredictionWarning } from "../contracts/prediction";
import { numberToString, numbersOf, stringAt } from "./column-values";
import { DataError } from "./data-error";
import type { PreprocessorState } from "./preprocess";
import type { Table } from "./table";
import { parseNumber } from "./values";

/**
 * Checks a prediction file's header against what the model was trained on, before any work, and names every
 * difference at once. The label may be present (it is ignored); columns the model dropped may be absent.
 */
export function checkPredictionTable(state: PreprocessorState, header: string[]): void {
  const present = new Set(header);
  const known = new Set([state.label, ...state.columns.map((c) => c.name)]);
  const missing = state.columns.filter((c) => c.kind !== "dropped" && !present.has(c.name)).map((c) => c.name);
  const unexpected = header.filter((h) => !known.has(h));
  if (missing.length === 0 && unexpected.length === 0) return;
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`Missing columns: ${missing.join(", ")}.`);
  if (unexpected.length > 0) parts.push(`Unexpected columns: ${unexpected.join(", ")}.`);
  parts.push("The file must have the same column names as the training data.");
  throw new DataError(parts.join(" "));
}

/** at most this many example values per warning, each cut to EXAMPLE_CHARS */
const MAX_EXAMPLES = 3;
const EXAMPLE_CHARS = 40;

/**
 * What in a prediction table differs from training without stopping the predictions, per used column: categories
 * never learnt (they go to the rare bucket, or for a yes/no column are imputed), values that are not numbers in a
 * numeric column or not dates in a date column (treated as missing and imputed), and columns with no value at all.
 * Call after checkPredictionTable: columns absent from the table are skipped.
 */
export function predictionWarnings(state: PreprocessorState, table: Table): PredictionWarning[] {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const warnings: PredictionWarning[] = [];
  for (const step of state.columns) {
    const column = byName.get(step.name);
    if (step.kind === "dropped" || !column) continue;
    const at = stringAt(column);
    let present = 0;
    for (let r = 0; r < table.rowCount; r++) if (at(r) !== null) present++;
    if (present === 0) {
      if (table.rowCount > 0) {
        warnings.push({
          column: step.name,
          kind: "all_missing",
          rows: table.rowCount,
          examples: [],
          message: `Column "${step.name}" has no values in any row; every row gets the value filled in for missing ones, so the predictions may be poor.`,
        });
      }
      continue;
    }
    // free text: any words are fine (unknown ones hash like known ones)
    if (step.kind === "text") continue;
    if (step.kind === "categorical") {
      const known = new Set(step.categories);
      const bad = offending(table.rowCount, at, (s) => !known.has(s));
      if (bad) {
        warnings.push({
          column: step.name,
          kind: "unseen_categories",
          ...bad,
          message: `Column "${step.name}": ${rowsText(bad.rows)} ${bad.rows === 1 ? "has a category" : "have categories"} not seen in training (${examplesText(bad.examples)}); ${unseenTreatment(step)}.`,
        });
      }
    } else if (step.kind === "boolean") {
      const known = booleanValues(step.ones, step.zeros);
      const bad = offending(table.rowCount, at, (s) => !known(s));
      if (bad) {
        warnings.push({
          column: step.name,
          kind: "unseen_categories",
          ...bad,
          message: `Column "${step.name}": ${rowsText(bad.rows)} ${bad.rows === 1 ? "has a value" : "have values"} that training did not have (${examplesText(bad.examples)}); they are treated as missing and filled in.`,
        });
      }
    } else {
      const kind = step.kind === "numeric" ? "not_numeric" : "not_a_date";
      const values = numbersOf(column, step.kind);
      const bad = offending(table.rowCount, (r) => (Number.isNaN(values[r]) ? at(r) : null), () => true);
      if (bad) {
        const what = step.kind === "numeric" ? "a number" : "a date the column's format can read";
        warnings.push({
          column: step.name,
          kind,
          ...bad,
          message: `Column "${step.name}" was ${step.kind === "numeric" ? "numeric" : "a date"} in training, but ${rowsText(bad.rows)} ${bad.rows === 1 ? "has a value that is not" : "have values that are not"} ${what} (${examplesText(bad.examples)}); they are treated as missing and filled in.`,
        });
      }
    }
  }
  return warnings;
}

/** the rows whose present value fails the test: how many, and the first few distinct values */
function offending(
  rowCount: number,
  at: (row: number) => string | null,
  isBad: (value: string) => boolean,
): { rows: number; examples: string[] } | null {
  let rows = 0;
  const examples = new Set<string>();
  const verdicts = new Map<string, boolean>();
  for (let r = 0; r < rowCount; r++) {
    const s = at(r);
    if (s === null) continue;
    let bad = verdicts.get(s);
    if (bad === undefined) verdicts.set(s, (bad = isBad(s)));
    if (!bad) continue;
    rows++;
    if (examples.size < MAX_EXAMPLES) examples.add(s.length > EXAMPLE_CHARS ? `${s.slice(0, EXAMPLE_CHARS - 1)}…` : s);
  }
  return rows === 0 ? null : { rows, examples: [...examples] };
}

/** whether a cell maps to 0 or 1 as the boolean step reads it: exactly, ignoring case, or as the number */
function booleanValues(ones: string[], zeros: string[]): (s: string) => boolean {
  const exact = new Set([...ones, ...zeros]);
  const folded = new Set([...exact].map((v) => v.toLowerCase()));
  return (s) => {
    if (exact.has(s) || folded.has(s.toLowerCase())) return true;
    const n = parseNumber(s);
    return n !== null && exact.has(numberToString(n));
  };
}

const rowsText = (n: number) => `${n} ${n === 1 ? "row" : "rows"}`;
const examplesText = (examples: string[]) => `e.g. ${examples.map((e) => `"${e}"`).join(", ")}`;

/** what the fitted encoding does with a category it never saw */
function unseenTreatment(step: Extract<PreprocessorState["columns"][number], { kind: "categorical" }>): string {
  return "encoding" in step && step.encoding.type === "target" ? "they get the label's overall average (the prior)" : "they are treated as the rare-category bucket";
}
