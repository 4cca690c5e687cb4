import { compareTrials, metricDirection } from "../contracts/run";
import type { StudioContext } from "../context";
import { toTrialDto } from "./dto";
import { NotFoundError } from "./errors";

const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** cells starting with these are formulas in spreadsheets (CSV injection) */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: numbers bare, text always quoted (quotes doubled), and text that a spreadsheet would run as a
 * formula (= + - @ at the start, unless it is a number) prefixed with ' so it stays text.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  let text = String(value);
  if (FORMULA_START.test(text) && !NUMBER_TEXT.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export const csvRow = (cells: unknown[]) => cells.map(csvCell).join(",");

/** The leaderboard as CSV: one row per candidate, best first, with scores, cost and every hyperparameter. */
export async function leaderboardCsv(ctx: StudioContext, runId: string): Promise<{ fileName: string; csv: string }> {
  const run = await ctx.store.getRun(runId);
  if (!run) throw new NotFoundError("The run");
  const trials = (await ctx.store.listTrials(runId)).map((t) => toTrialDto(t)).sort(compareTrials(metricDirection(run.metric)));
  const paramNames = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
  const header = [
    "rank",
    "candidate",
    "id",
    "family",
    "status",
    "reason",
    `validation_${run.metric}`,
    `test_${run.metric}`,
    "epochs",
    "best_epoch",
    "parameters",
    "train_seconds",
    "predict_ms_per_1k_rows",
    ...paramNames.map((p) => `hp_${p}`),
  ];
  const lines = [csvRow(header)];
  trials.forEach((t, i) => {
    lines.push(
      csvRow([
        i + 1,
        t.number,
        t.id,
        t.family,
        t.status,
        t.reason,
        t.valScore,
        t.testScore,
        t.epochs,
        t.bestEpoch,
        t.paramCount,
        t.durationSeconds,
        t.predictMsPer1k,
        ...paramNames.map((p) => t.params[p]),
      ]),
    );
  });
  return { fileName: `leaderboard-${run.id}.csv`, csv: lines.join("\r\n") + "\r\n" };
}
