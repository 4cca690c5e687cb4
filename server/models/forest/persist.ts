import { z } from "zod";
import type { Task } from "../family";
import { NumberArray, ParamsFile, readModelFile, TaskFile, writeModelFile } from "../shared/model-file";
import { TreeNodesFile, treeFromFile, treeNodesToFile } from "../gbdt/persist";
import type { ForestTree } from "./grow";
import type { FittedForest } from "./model";

/**
 * Persistence: one model.json with the task, the feature count, the hyperparameters and every tree's node arrays
 * (gbdt's layout) plus its leaf values (nodes x outputs, row-major). Numbers are written as JSON numbers, which
 * round-trip doubles exactly; a threshold of Infinity is written as null, as JSON.stringify does, and read back.
 */

const FORMAT = "automl-studio/forest@1";

const TreeFile = TreeNodesFile.extend({ values: NumberArray });

const ModelFile = z.object({
  format: z.literal(FORMAT),
  task: TaskFile,
  features: z.number().int().min(0),
  outputs: z.number().int().min(1),
  params: ParamsFile,
  trees: z.array(TreeFile),
});
type ModelFile = z.infer<typeof ModelFile>;

/** Writes dir/model.json (see writeModelFile). */
export async function saveForest(dir: string, model: FittedForest): Promise<void> {
  const file: ModelFile = {
    format: FORMAT,
    task: { type: model.task.type, classes: model.task.classes },
    features: model.features,
    outputs: model.outputs,
    params: model.params,
    trees: model.trees.map(({ tree, values }) => ({ ...treeNodesToFile(tree), values: Array.from(values) })),
  };
  await writeModelFile(dir, file);
}

/** What a saved model consists of (FittedForest's constructor arguments). */
export interface ForestParts {
  task: Task;
  features: number;
  trees: ForestTree[];
  params: ModelFile["params"];
}

export async function loadForest(dir: string, task: Task): Promise<ForestParts> {
  const file = await readModelFile(dir, ModelFile);
  if (file.task.type !== task.type) throw new Error(`forest: the saved model is for a ${file.task.type} task, not ${task.type}`);
  const classes = task.classes.length ? task.classes : file.task.classes;
  const outputs = task.type === "multiclass" ? classes.length : 1;
  if (outputs !== file.outputs) throw new Error(`forest: the saved model has ${file.outputs} outputs, the task ${outputs}`);
  const trees = file.trees.map((t) => {
    const values = Float64Array.from(t.values);
    const n = t.feature.length;
    if (values.length !== n * outputs) throw new Error(`forest: a saved tree has ${values.length} leaf values for ${n} nodes x ${outputs} outputs`);
    const value = new Float64Array(n);
    for (let i = 0; i < n; i++) if (t.feature[i] < 0) value[i] = values[i * outputs];
    return { tree: treeFromFile(t, value, file.features), values };
  });
  return { task: { type: task.type, classes }, features: file.features, trees, params: file.params };
}
