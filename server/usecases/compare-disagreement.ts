import type { DisagreementDto, DisagreementExampleDto } from "../contracts/compare";
import type { StudioContext } from "../context";
import type { RunRow, TrialRow } from "../db/store";
import { stringAt } from "../data/column-values";
import type { Table } from "../data/table";
import { archiveFiles } from "../export/archive-files";
import { loadPredictor } from "../export/archive-predictor";
import type { RunData } from "../jobs/run-data";
import { keys } from "../storage/keys";

/** at most this many rows are predicted: enough for a share to two decimals, cheap for five models */
const MAX_ROWS = 5000;
const EXAMPLES = 5;

export interface PredictingCandidate {
  run: RunRow;
  trial: TrialRow;
}

/**
 * Where the candidates' predictions of the same validation rows differ. Each candidate predicts through its archive's
 * predictor — the model, preprocessing and calibration that deployments and CSV predictions use — so the answer is
 * what the downloaded models would say. The rows are each run's first validation fold (the holdout split, or fold 1
 * under cross-validation, as the candidate explanations use); candidates of several runs are compared on the rows
 * that are such rows in every run, or on the first run's when they share none. Candidates without an archive are left
 * out; with fewer than two left there is nothing to compare and `note` says why.
 */
export async function predictionDisagreement(
  ctx: StudioContext,
  candidates: PredictingCandidate[],
  dataOf: (run: RunRow) => RunData,
): Promise<{ disagreement: DisagreementDto | null; note: string | null }> {
  const withArchive: PredictingCandidate[] = [];
  for (const c of candidates) if (await ctx.blobs.exists(`${keys.trialArchive(c.run.id, c.trial.id)}/${archiveFiles.manifest}`)) withArchive.push(c);
  const left = candidates.filter((c) => !withArchive.includes(c)).map((c) => `#${c.trial.number}`);
  const leftNote = left.length > 0 ? `${left.join(", ")} left out: no archive to predict with.` : null;
  if (withArchive.length < 2) return { disagreement: null, note: `Fewer than two candidates have a model to predict with. ${leftNote ?? ""}`.trim() };

  const first = dataOf(withArchive[0].run);
  const { rows, basis } = comparedRows(withArchive.map((c) => c.run), dataOf);
  const predictions: (string[] | number[])[] = [];
  for (const c of withArchive) predictions.push(await predictRows(ctx, c, first.table, rows));
  const regression = first.task.type === "regression";
  const summary = regression ? regressionSpread(predictions as number[][]) : classDisagreement(predictions as string[][]);
  // in the order of all candidates, null for those left out
  const predictionsOf = (i: number) => candidates.map((c) => (withArchive.includes(c) ? predictions[withArchive.indexOf(c)][i] : null));
  const examples = summary.exampleIndices.map((i) => example(first, rows[i], predictionsOf(i)));
  const refitNote = "Each candidate predicts with its downloadable model: refit on all non-test rows, or cross-validated, the bag of its fold models, all but one of which trained on each of these rows; so it has seen them.";
  return {
    disagreement: {
      basis: [basis, refitNote, leftNote].filter(Boolean).join(" "),
      rows: rows.length,
      differingRows: summary.differingRows,
      share: summary.differingRows === null || rows.length === 0 ? null : summary.differingRows / rows.length,
      meanAbsDifference: summary.meanAbsDifference,
      examples,
    },
    note: null,
  };
}

/** the validation rows the candidates are compared on, ascending, and what they are in words */
function comparedRows(runs: RunRow[], dataOf: (run: RunRow) => RunData): { rows: number[]; basis: string } {
  const distinct = [...new Map(runs.map((r) => [r.id, r])).values()];
  const firstFold = (run: RunRow) => {
    const split = dataOf(run).split;
    return split.folds ? split.folds[0] : split.valid;
  };
  const kind = (run: RunRow) => (dataOf(run).split.folds ? `the first cross-validation fold (fold 1 of ${dataOf(run).split.folds!.length}, as the candidate explanations use)` : "the holdout validation split");
  let rows = [...firstFold(distinct[0])].sort((a, b) => a - b);
  let basis: string;
  if (distinct.length === 1) {
    basis = `the ${rows.length} validation rows of ${kind(distinct[0])}`;
  } else {
    const others = distinct.slice(1).map((run) => new Set(firstFold(run)));
    const shared = rows.filter((r) => others.every((set) => set.has(r)));
    if (shared.length > 0) {
      rows = shared;
      basis = `the ${rows.length} rows that are validation rows (the holdout split or fold 1) of every one of the ${distinct.length} runs`;
    } else {
      basis = `the first run's ${rows.length} validation rows (${kind(distinct[0])}): the runs share no validation rows`;
    }
  }
  if (rows.length > MAX_ROWS) {
    rows = rows.slice(0, MAX_ROWS);
    basis += `, the first ${MAX_ROWS} of them`;
  }
  return { rows, basis: `Predictions of ${basis}.` };
}

/** the candidate's decided classes (classification) or values (regression) for the rows */
async function predictRows(ctx: StudioContext, c: PredictingCandidate, table: Table, rows: number[]): Promise<string[] | number[]> {
  const predictor = await loadPredictor(await ctx.blobs.localPath(keys.trialArchive(c.run.id, c.trial.id)));
  try {
    const out = predictor.predict(table, rows);
    if (predictor.task.type === "regression") return Array.from(out);
    return Array.from(predictor.decide(out), (code) => predictor.task.classes[code]);
  } finally {
    predictor.dispose();
  }
}

interface Summary {
  differingRows: number | null;
  meanAbsDifference: number | null;
  /** positions (into the compared rows) of the example rows */
  exampleIndices: number[];
}

/** rows whose predicted classes are not all the same; the first few of them as examples */
function classDisagreement(predictions: string[][]): Summary {
  const rows = predictions[0]?.length ?? 0;
  const differing: number[] = [];
  for (let i = 0; i < rows; i++) if (predictions.some((p) => p[i] !== predictions[0][i])) differing.push(i);
  return { differingRows: differing.length, meanAbsDifference: null, exampleIndices: differing.slice(0, EXAMPLES) };
}

/** the mean absolute difference between two candidates' predictions (over every pair and row); the rows that spread most */
function regressionSpread(predictions: number[][]): Summary {
  const rows = predictions[0]?.length ?? 0;
  const spread: { i: number; range: number }[] = [];
  let total = 0;
  let pairs = 0;
  for (let i = 0; i < rows; i++) {
    const values = predictions.map((p) => p[i]);
    for (let a = 0; a < values.length; a++) {
      for (let b = a + 1; b < values.length; b++) {
        total += Math.abs(values[a] - values[b]);
        pairs++;
      }
    }
    spread.push({ i, range: Math.max(...values) - Math.min(...values) });
  }
  const exampleIndices = spread
    .filter((s) => s.range > 0)
    .sort((a, b) => b.range - a.range || a.i - b.i)
    .slice(0, EXAMPLES)
    .map((s) => s.i);
  return { differingRows: null, meanAbsDifference: pairs > 0 && Number.isFinite(total) ? total / pairs : null, exampleIndices };
}

function example(data: RunData, row: number, predictions: (string | number | null)[]): DisagreementExampleDto {
  const label = data.table.columns.find((c) => c.name === data.label);
  return {
    row,
    inputs: data.table.columns.filter((c) => c !== label).map((c) => ({ column: c.name, value: stringAt(c)(row) })),
    truth: label ? stringAt(label)(row) : null,
    predictions: predictions.map((p) => (typeof p === "number" && !Number.isFinite(p) ? null : p)),
  };
}
