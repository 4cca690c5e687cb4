import type { CurveForecastPointDto, TrialCurveDto } from "../contracts/run";
import type { StudioContext } from "../context";
import type { CurvePointRow, TrialRow } from "../db/store";
import { greaterIsBetter } from "../automl/estimation/metrics";
import { extrapolateCurve } from "../automl/estimation/learning-curves";
import { NotFoundError } from "./errors";

/**
 * A candidate's learning curve: train and validation loss (and the metric) per epoch, so far; in a run with
 * learning-curve estimation also the curve extrapolated from them, as the stopping rule saw it.
 */
export async function getTrialCurve(ctx: StudioContext, trialId: string): Promise<TrialCurveDto> {
  const trial = await ctx.store.getTrial(trialId);
  if (!trial) throw new NotFoundError("The candidate");
  const run = await ctx.store.getRun(trial.runId);
  const points = (await ctx.store.listCurve(trialId))
    .map((p) => ({ ...p, trainMetric: finiteOrNull(p.trainMetric), valMetric: finiteOrNull(p.valMetric) }))
    .sort((a, b) => a.epoch - b.epoch);
  return {
    trialId,
    status: trial.status,
    points,
    forecast: run?.estimation === "curve" ? forecast(trial, points, greaterIsBetter(run.metric)) : null,
  };
}

function forecast(trial: TrialRow, points: CurvePointRow[], higher: boolean): CurveForecastPointDto[] | null {
  const values = points.map((p) => p.valMetric).filter((v): v is number => v !== null);
  const maxEpochs = Number(trial.params.max_epochs);
  if (values.length !== points.length || !(maxEpochs >= values.length)) return null;
  const f = extrapolateCurve(values, maxEpochs, higher);
  return f && f.curve.mean.map((mean, i) => ({ epoch: i + 1, mean, lower: f.curve.lower[i], upper: f.curve.upper[i] }));
}

const finiteOrNull = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
