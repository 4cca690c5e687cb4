import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Task } from "../family";
import { Tree } from "../gbdt/tree";
import type { ForestTree } from "./grow";
import type { FittedForest } from "./model";

/**
 * Persistence: one model.json with the task, the feature count, the hyperparameters and every tree's node arrays
 * (gbdt's layout) plus its leaf values (nodes x outputs, row-major). Numbers are written as JSON numbers, which
 * round-trip doubles exactly; a threshold of Infinity is written as null, as JSON.stringify does, and read back.
 */

const MODEL_FILE = "model.json";
const FORMAT = "automl-studio/forest@1";

const TreeFile = z.object({
  feature: z.array(z.number().int().min(-1)),
  threshold: z.array(z.number().nullable()),
  missingLeft: z.array(z.union([z.literal(0), z.literal(1)])),
  left: z.array(z.number().int().min(0)),
  right: z.array(z.number().int().min(0)),
  values: z.array(z.number()),
});

const ModelFile = z.object({
  format: z.literal(FORMAT),
  task: z.object({ type: z.enum(["binary", "multiclass", "regression"]), classes: z.array(z.string()) }),
  features: z.number().int().min(0),
  outputs: z.number().int().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  trees: z.array(TreeFile),
});
type ModelFile = z.infer<typeof ModelFile>;

/** Writes dir/model.json (dir created), through a temporary file so a reader never sees half of it. */
export async function saveForest(dir: string, model: FittedForest): Promise<void> {
  const file: ModelFile = {
    format: FORMAT,
    task: { type: model.task.type, classes: model.task.classes },
    features: model.features,
    outputs: model.outputs,
    params: model.params,
    trees: model.trees.map(({ tree: t, values }) => ({
      feature: Array.from(t.feature),
      threshold: Array.from(t.threshold, (v) => (v === Infinity ? null : v)),
      missingLeft: Array.from(t.missingLeft, (v) => (v ? 1 : 0)),
      left: Array.from(t.left),
      right: Array.from(t.right),
      values: Array.from(values),
    })),
  };
  await fs.mkdir(dir, { recursive: true });
  const target = path.join(dir, MODEL_FILE);
  const tmp = `${target}.tmp-${process.pid}`;
  await fs.writeFile(tmp, JSON.stringify(file));
  await fs.rename(tmp, target);
}

/** What a saved model consists of (FittedForest's constructor arguments). */
export interface ForestParts {
  task: Task;
  features: number;
  trees: ForestTree[];
  params: ModelFile["params"];
}

export async function loadForest(dir: string, task: Task): Promise<ForestParts> {
  const file = ModelFile.parse(JSON.parse(await fs.readFile(path.join(dir, MODEL_FILE), "utf8")));
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
    const tree = new Tree(
      {
        feature: Int32Array.from(t.feature),
        threshold: Float64Array.from(t.threshold, (v) => v ?? Infinity),
        missingLeft: Uint8Array.from(t.missingLeft),
        left: Int32Array.from(t.left),
        right: Int32Array.from(t.right),
        value,
      },
      file.features,
    );
    return { tree, values };
  });
  return { task: { type: task.type, classes }, features: file.features, trees, params: file.params };
}
