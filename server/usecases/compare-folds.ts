import { score } from "../automl/estimation/metrics";
import { CalibrationState } from "../automl/calibration/calibration-state";
import type { FoldScoresDto } from "../contracts/compare";
import type { StudioContext } from "../context";
import type { RunRow, TrialRow } from "../db/store";
import { archiveFiles } from "../export/archive-files";
import type { RunData } from "../jobs/run-data";
import { keys } from "../storage/keys";

const none = (note: string): FoldScoresDto => ({ scores: null, mean: null, std: null, note });

/**
 * A candidate's validation score on each cross-validation fold. The studio stores no per-fold scores, but it keeps
 * every candidate's out-of-fold predictions (validation-predictions.bin, the ones its validation score was measured
 * on, calibrated) and the run's folds (split.json): scoring each fold's rows of those predictions gives the spread.
 */
export async function foldScores(ctx: StudioContext, run: RunRow, trial: TrialRow, data: RunData): Promise<FoldScoresDto> {
  const folds = data.split.folds;
  if (!folds) return none("holdout validation: one validation split, so no spread across folds");
  const archive = keys.trialArchive(run.id, trial.id);
  const predictionsKey = `${archive}/${archiveFiles.validationPredictions}`;
  if (!(await ctx.blobs.exists(predictionsKey))) {
    return none("fold scores not recorded: this candidate kept no complete out-of-fold predictions (ensembles and candidates cut short keep none)");
  }
  const pred = new Float32Array(new Uint8Array(await ctx.blobs.get(predictionsKey)).buffer);
  // the stored predictions cover every fold's rows in ascending row order
  const rows = folds.flat().sort((a, b) => a - b);
  const width = data.task.type === "regression" ? 1 : data.task.classes.length;
  if (pred.length !== rows.length * width) return none("fold scores not recorded: the stored out-of-fold predictions do not match the run's folds");
  const position = new Map(rows.map((r, i) => [r, i]));
  const threshold = await decisionThreshold(ctx, `${archive}/${archiveFiles.calibration}`);
  const scores = folds.map((fold) => {
    const y = Float32Array.from(fold, (r) => data.y[r]);
    const p = new Float32Array(fold.length * width);
    fold.forEach((r, i) => p.set(pred.subarray(position.get(r)! * width, (position.get(r)! + 1) * width), i * width));
    return score(run.metric, data.task, y, p, threshold);
  });
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = scores.length > 1 ? Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / (scores.length - 1)) : null;
  const finite = scores.every(Number.isFinite);
  return {
    scores: finite ? scores : null,
    mean: finite ? mean : null,
    std: finite ? std : null,
    note: finite
      ? `${run.metric} of each of the ${folds.length} folds, from the candidate's stored out-of-fold predictions`
      : `the ${run.metric} is undefined on some fold (e.g. one class only), so no spread is shown`,
  };
}

/** a binary candidate's tuned decision threshold, which its threshold metrics (F1, accuracy) were scored with */
async function decisionThreshold(ctx: StudioContext, key: string): Promise<{ threshold?: number }> {
  if (!(await ctx.blobs.exists(key))) return {};
  const state = CalibrationState.parse(JSON.parse((await ctx.blobs.get(key)).toString()));
  return "threshold" in state && state.threshold !== undefined ? { threshold: state.threshold } : {};
}
