import type { Task } from "../../models/family";
import { loadLinear } from "../../models/linear/persist";
import { linkFor, type PortableLinear } from "./linear-format";

/**
 * The portable form of a linear model folder (an archive's model/, or an ensemble's stacker/), read with the family's
 * own loader: its coefficients and intercepts as trained (regression: of the standardised target, with the target's
 * scaler beside them), so the portable prediction is the family's to the bit.
 */
export async function portableLinear(modelDir: string, task: Task, family: "linear"): Promise<PortableLinear> {
  const parts = await loadLinear(modelDir, task);
  const d = parts.features;
  const k = parts.theta.length / (d + 1);
  return {
    kind: "linear",
    family,
    task: { type: parts.task.type, classes: parts.task.classes },
    features: d,
    link: linkFor(parts.task),
    coef: Array.from({ length: k }, (_, c) => Array.from(parts.theta.subarray(c * d, (c + 1) * d))),
    intercept: Array.from(parts.theta.subarray(k * d)),
    target: parts.scaler && { mean: parts.scaler.mean, std: parts.scaler.std },
  };
}
