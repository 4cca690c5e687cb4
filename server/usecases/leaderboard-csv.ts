import { compareTrials, metricDirection } from "../contracts/run";
import type { StudioContext } from "../context";
import { toTrialDto } from "./dto";
import { NotFoundError } from "./errors";
import { toCsv, type Cell } from "../data/csv-write";

const cell = (v: string | number | boolean | null | undefined): Cell => (typeof v === "boolean" ? String(v) : (v ?? null));

/** The leaderboard as CSV: one row per candidate, best first, with scores, costs, feasibility and every hyperparameter. */
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
    "archive_bytes",
    "train_seconds",
    "predict_ms_per_1k_rows",
    `validation_${run.metric}_std_error`,
    `test_${run.metric}_std_error`,
    `low_fidelity_${run.metric}`,
    "parent_candidate",
    "feasible",
    "infeasible_reason",
    ...paramNames.map((p) => `hp_${p}`),
  ];
  const rows = trials.map((t, i) =>
    [
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
        t.archiveBytes,
        t.durationSeconds,
        t.predictMsPer1k,
        t.valScoreSe,
        t.testScoreSe,
        t.lowFidelityScore,
        t.parentNumber,
        t.infeasibleReason === null,
        t.infeasibleReason,
        ...paramNames.map((p) => cell(t.params[p])),
    ].map(cell),
  );
  return { fileName: `leaderboard-${run.id}.csv`, csv: toCsv(header, rows) };
}
