import type { Task } from "../../models/family";
import { portableLinear } from "./linear-export";
import { portableNetwork } from "./network-export";
import type { PortableModel } from "./portable-model";
import { portableTrees } from "./trees-export";

/** The portable form of a family's saved model folder (an archive's model/, or an ensemble's stacker/). */
export async function portableFromModelDir(modelDir: string, family: string, task: Task): Promise<PortableModel> {
  switch (family) {
    case "linear":
      return portableLinear(modelDir, task, family);
    case "gbdt":
    case "forest":
      return portableTrees(modelDir, task, family);
    case "mlp":
    case "nas":
      return portableNetwork(modelDir, task, family);
    default:
      throw new Error(`the ${family} family has no portable export`);
  }
}
