import type { Metric } from "../contracts/dataset";
import type { Task } from "../models/family";
import { chooseCalibration } from "../automl/calibration/choose-calibration";
import { describeCalibration, type CalibrationState } from "../automl/calibration/calibration-state";
import { isThresholdMetric, tuneThreshold } from "../automl/calibration/threshold";

export interface CandidateCalibration {
  state: CalibrationState;
  /** the validation predictions to score the candidate on: calibrated out of fold (see chooseCalibration) */
  valPred: Float32Array;
  /** for the trial's reason, or null when nothing changed */
  note: string | null;
}

/**
 * A classifier's probabilities calibrated when that helps (chooseCalibration), and for a binary task scored by a
 * threshold metric, the decision threshold tuned on the calibrated validation predictions. The threshold is chosen
 * and scored on the same rows, so a threshold metric's validation score is a little optimistic; the test score,
 * on rows neither saw, is not. Regression: null.
 */
export function calibrateCandidate(metric: Metric, task: Task, valY: Float32Array, valPred: Float32Array, seed: number): CandidateCalibration | null {
  if (task.type === "regression" || valY.length === 0) return null;
  const { state, outOfFold } = chooseCalibration(task, valY, valPred, seed);
  if (task.type === "binary" && isThresholdMetric(metric) && state.kind !== "temperature") {
    const p1 = Float32Array.from({ length: valY.length }, (_, i) => outOfFold[2 * i + 1]);
    const tuned = tuneThreshold(metric, valY, p1);
    state.threshold = tuned.threshold;
    state.report = { logLoss: state.report?.logLoss ?? {}, threshold: { metric, atDefault: tuned.atDefault, atTuned: tuned.atTuned } };
  }
  const changed = state.kind !== "none" || ("threshold" in state && state.threshold !== undefined && state.threshold !== 0.5);
  return { state, valPred: outOfFold, note: changed ? `calibrated: ${describeCalibration(state)}` : null };
}

/** the decision threshold scoring must use, where the calibration has one */
export const thresholdOf = (c: CandidateCalibration | null): { threshold?: number } =>
  c && "threshold" in c.state && c.state.threshold !== undefined ? { threshold: c.state.threshold } : {};
