import { z } from "zod";
import type { Matrix, Task } from "../../models/family";
import { PortableLinear, predictLinear } from "./linear-format";
import { PortableNetwork, predictNetwork } from "./network-format";
import { PortableTrees, predictTrees } from "./trees-format";

/**
 * portable.json: a single model's trained parameters in a documented JSON form that any language evaluates without
 * the studio — the notebooks' NumPy replay and the archive's standalone Node script read it. Pure: no TensorFlow.js.
 */
export const PortableModel = z.discriminatedUnion("kind", [PortableLinear, PortableTrees, PortableNetwork]);
export type PortableModel = z.infer<typeof PortableModel>;

/** what the family's FittedModel.predict gives: row-major probabilities rows x classes, or one value per row */
export function predictPortable(model: PortableModel, x: Matrix, task: Task): Float32Array {
  switch (model.kind) {
    case "linear":
      return predictLinear(model, x, task);
    case "trees":
      return predictTrees(model, x, task);
    case "network":
      return predictNetwork(model, x, task);
  }
}
