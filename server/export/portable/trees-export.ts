import type { Task } from "../../models/family";
import { loadForest } from "../../models/forest/persist";
import { loadGbdt, treeNodesToFile } from "../../models/gbdt/persist";
import type { Tree } from "../../models/gbdt/tree";
import type { PortableTree, PortableTrees } from "./trees-format";

/** a tree's node arrays as the portable form holds them, with its leaf values */
function portableTree(tree: Tree, value: Float64Array): PortableTree {
  return { ...treeNodesToFile(tree), value: Array.from(value) };
}

const outputsOf = (task: Task) => (task.type === "multiclass" ? task.classes.length : 1);

/**
 * The portable form of a gbdt or forest model folder (an archive's model/), read with the family's own loader: the
 * trees' nodes and leaf values as trained (doubles, written exactly), so the portable prediction is the family's to
 * the bit.
 */
export async function portableTrees(modelDir: string, task: Task, family: "gbdt" | "forest"): Promise<PortableTrees> {
  const { parts, baseScore, trees } =
    family === "gbdt"
      ? await loadGbdt(modelDir, task).then((parts) => ({ parts, baseScore: Array.from(parts.baseScore), trees: parts.trees.map((t) => portableTree(t, t.value)) }))
      : await loadForest(modelDir, task).then((parts) => ({ parts, baseScore: [], trees: parts.trees.map(({ tree, values }) => portableTree(tree, values)) }));
  const common = { task: { type: parts.task.type, classes: parts.task.classes }, features: parts.features, outputs: outputsOf(parts.task) };
  return { kind: "trees", family, ...common, baseScore, trees };
}
