/**
 * The stored form of a model's calibration: which calibrator (if any) maps its probabilities, its fitted
 * parameters, the decision threshold of a binary model, and what the choice was based on. Plain JSON, checked
 * by zod when read back, and applied by `applyCalibration` and `decide` at prediction time.
 */
import { z } from "zod";
import { argmaxRows } from "../estimation/metrics";
import { applyIsotonic } from "./isotonic";
import { applyPlatt } from "./platt";
import { applyTemperature } from "./temperature";
import { THRESHOLD_METRICS } from "./threshold";

/** isotonic outputs are clipped to this much inside (0, 1): a step at exactly 0 or 1 would make one miss cost infinite log loss */
const ISOTONIC_CLIP = 1e-6;

const finite = z.number().refine(Number.isFinite, "must be finite");
const probability = z.number().min(0).max(1);

export const CalibrationKind = z.enum(["none", "platt", "isotonic", "temperature"]);
export type CalibrationKind = z.infer<typeof CalibrationKind>;

export const CalibrationReport = z.object({
  /** out-of-fold log loss of each option tried on the validation predictions */
  logLoss: z.partialRecord(CalibrationKind, finite),
  /** the threshold metric on the validation rows at 0.5 and at the tuned threshold */
  threshold: z.object({ metric: z.enum(THRESHOLD_METRICS), atDefault: finite, atTuned: finite }).optional(),
});
export type CalibrationReport = z.infer<typeof CalibrationReport>;

const common = { report: CalibrationReport.optional() };
/** binary only: rows with p1 >= threshold are decided positive (0.5 when absent) */
const binaryCommon = { ...common, threshold: probability.optional() };

const Isotonic = z
  .object({ kind: z.literal("isotonic"), x: z.array(finite).min(1), y: z.array(probability).min(1), ...binaryCommon })
  .refine((s) => s.x.length === s.y.length, "isotonic x and y must have the same length")
  .refine((s) => s.x.every((v, i) => i === 0 || v > s.x[i - 1]), "isotonic x must be strictly increasing");

export const CalibrationState = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none"), ...binaryCommon }),
  z.object({ kind: z.literal("platt"), a: finite, b: finite, ...binaryCommon }),
  Isotonic,
  z.object({ kind: z.literal("temperature"), t: z.number().positive().refine(Number.isFinite, "must be finite"), ...common }),
]);
export type CalibrationState = z.infer<typeof CalibrationState>;

/** The calibrated probabilities of row-major `probs` (rows x k; binary: k = 2, column 1 the positive class). */
export function applyCalibration(state: CalibrationState, probs: Float32Array, k: number): Float32Array {
  if (k < 2 || probs.length % k !== 0) throw new Error(`calibration: ${probs.length} probabilities is not a whole number of rows of ${k}`);
  switch (state.kind) {
    case "none":
      return probs.slice();
    case "temperature":
      return applyTemperature(state.t, probs, k);
    case "platt":
      return binaryMap(probs, k, state.kind, (p) => applyPlatt(state, p));
    case "isotonic":
      return binaryMap(probs, k, state.kind, (p) => Math.min(Math.max(applyIsotonic(state, p), ISOTONIC_CLIP), 1 - ISOTONIC_CLIP));
  }
}

/**
 * The class code of each row of `probs`, probabilities already calibrated (the output of applyCalibration, the
 * scale the threshold was tuned on): binary p1 >= threshold (0.5 by default; compared at float32 precision, as
 * metrics.ts does), otherwise the first argmax.
 */
export function decide(state: CalibrationState, probs: Float32Array, k: number): Int32Array {
  const n = probs.length / k;
  const out = new Int32Array(n);
  if (k === 2) {
    const threshold = Math.fround(("threshold" in state ? state.threshold : undefined) ?? 0.5);
    for (let i = 0; i < n; i++) out[i] = probs[2 * i + 1] >= threshold ? 1 : 0;
    return out;
  }
  return argmaxRows(probs, k);
}

/** One line for display, e.g. "platt (out-of-fold log loss: platt 0.412, none 0.431)". */
export function describeCalibration(state: CalibrationState): string {
  const losses = Object.entries(state.report?.logLoss ?? {}).map(([kind, loss]) => `${kind} ${loss.toFixed(3)}`);
  let text = losses.length ? `${state.kind} (out-of-fold log loss: ${losses.join(", ")})` : state.kind;
  const t = state.report?.threshold;
  if ("threshold" in state && state.threshold !== undefined && t) {
    text += `; threshold ${state.threshold.toFixed(3)}: ${t.metric} ${t.atDefault.toFixed(3)} -> ${t.atTuned.toFixed(3)}`;
  }
  return text;
}

/** maps the positive-class column and sets the negative one to its complement, so that rows still sum to 1 */
function binaryMap(probs: Float32Array, k: number, kind: string, map: (p1: number) => number): Float32Array {
  if (k !== 2) throw new Error(`calibration: ${kind} is for binary tasks, got ${k} classes`);
  const out = new Float32Array(probs.length);
  for (let i = 1; i < probs.length; i += 2) {
    out[i] = map(probs[i]);
    out[i - 1] = 1 - out[i];
  }
  return out;
}
