import type { TrialCurveDto } from "../contracts/run";
import type { StudioContext } from "../context";
import { NotFoundError } from "./errors";

/** A candidate's learning curve: train and validation loss (and the metric) per epoch, so far. */
export async function getTrialCurve(ctx: StudioContext, trialId: string): Promise<TrialCurveDto> {
  const trial = await ctx.store.getTrial(trialId);
  if (!trial) throw new NotFoundError("The candidate");
  const points = await ctx.store.listCurve(trialId);
  return {
    trialId,
    status: trial.status,
    points: points
      .map((p) => ({ ...p, trainMetric: finiteOrNull(p.trainMetric), valMetric: finiteOrNull(p.valMetric) }))
      .sort((a, b) => a.epoch - b.epoch),
  };
}

const finiteOrNull = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
