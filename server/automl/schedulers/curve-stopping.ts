/**
 * Learning-curve stopping (Domhan et al. 2015): after each epoch, extrapolate the trial's validation curve to its
 * last epoch and stop it when it is unlikely to beat the best finished trial, P(final > incumbent) < threshold under
 * the forecast's normal predictive distribution. Unlike successive halving it needs no rungs and judges each trial
 * on its own curve, so a slow starter that is still climbing steeply is kept. Pure: the coordinator passes the
 * scores so far and the incumbent, and shows the verdict's reason on the leaderboard.
 */
import { z } from "zod";
import { MIN_CURVE_POINTS, extrapolateCurve } from "../estimation/learning-curves";
import type { Direction } from "../space/trial-record";
import { normalCdf } from "../math/normal";

export const curveStoppingOptionsSchema = z
  .object({
    /** epochs a trial trains before it is judged: early epochs say little about the asymptote */
    minEpochs: z.number().int().min(MIN_CURVE_POINTS).default(5),
    /** stop when the chance to beat the incumbent falls below this */
    threshold: z.number().gt(0).lt(1).default(0.05),
  })
  .strict();

export interface CurveTrial {
  /** the validation score after each epoch so far, epoch 1 first */
  values: readonly number[];
  /** the epochs the trial trains in all */
  maxEpochs: number;
  /** the best final score among finished trials, or null when none has finished */
  incumbent: number | null;
  direction: Direction;
  /** the metric's name in the reason, e.g. "AUC" */
  metric?: string;
}

export interface CurveVerdict {
  decision: "continue" | "stop";
  /** the chance that the trial's final score beats the incumbent, when it was judged */
  probability: number | null;
  /** the forecast of the trial's final (best) score, when there was one */
  predicted: { mean: number; sd: number } | null;
  /** one short sentence for the leaderboard */
  reason: string;
}

/** the stopping rule with these options (validated once): a pure function of the trial's curve and the incumbent */
export function createCurveStopping(options?: unknown): (trial: CurveTrial) => CurveVerdict {
  const { minEpochs, threshold } = curveStoppingOptionsSchema.parse(options ?? {});
  return ({ values, maxEpochs, incumbent, direction, metric = "score" }) => {
    const epoch = values.length;
    const keep = (reason: string): CurveVerdict => ({ decision: "continue", probability: null, predicted: null, reason });
    if (epoch >= maxEpochs) return keep(`trained all ${maxEpochs} epochs`);
    if (epoch < minEpochs) return keep(`epoch ${epoch}: judged from epoch ${minEpochs}`);
    if (incumbent === null) return keep(`epoch ${epoch}: no finished trial to compare with`);
    if (!Number.isFinite(incumbent)) throw new Error(`the incumbent score must be a finite number, got ${incumbent}`);

    const maximize = direction === "maximize";
    const forecast = extrapolateCurve(values, maxEpochs, maximize)!; // minEpochs >= MIN_CURVE_POINTS
    const { mean, sd } = forecast.final;
    const gap = maximize ? mean - incumbent : incumbent - mean;
    const beaten = maximize ? forecast.observedBest > incumbent : forecast.observedBest < incumbent;
    const probability = beaten ? 1 : sd > 0 ? normalCdf(gap / sd) : gap > 0 ? 1 : 0;
    const digits = decimals(mean, incumbent);
    const summary =
      `predicted final ${metric} ${mean.toFixed(digits)} ± ${sd.toFixed(digits)}, ` +
      `${percent(probability)} chance to beat the best ${incumbent.toFixed(digits)}`;
    const stop = probability < threshold;
    return {
      decision: stop ? "stop" : "continue",
      probability,
      predicted: { mean, sd },
      reason: stop ? `stopped at epoch ${epoch}: ${summary}` : `epoch ${epoch}: ${summary}`,
    };
  };
}

/** decimals that show three significant digits of the larger of the two scores (0.712 and 0.764; 1234 and 1187) */
function decimals(a: number, b: number): number {
  const magnitude = Math.max(Math.abs(a), Math.abs(b));
  return magnitude > 0 ? Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(magnitude)))) : 3;
}

function percent(p: number): string {
  if (p > 0 && p < 0.005) return "<1%";
  if (p < 1 && p > 0.995) return ">99%";
  return `${Math.round(100 * p)}%`;
}
