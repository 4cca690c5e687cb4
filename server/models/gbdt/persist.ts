import { z } from "zod";
import type { Task } from "../family";
import { arrayOf, NumberArray, ParamsFile, readModelFile, TaskFile, writeModelFile } from "../shared/model-file";
import type { FittedGbdt } from "./model";
import { Tree } from "./tree";

/**
 * Persistence: one model.json with the task, the feature count, the base score, the hyperparameters and every tree's
 * node arrays. Numbers are written as JSON numbers, which round-trip doubles exactly; a threshold of Infinity (a split
 * of missing values from all others) is written as null, as JSON.stringify does, and read back as Infinity.
 *
 * Version 2 adds categorical splits: a tree that has any also holds catStart and catBits (tree.ts). Version 1 files
 * (no categorical splits) load as they are.
 */

const FORMAT = "automl-studio/gbdt@2";
const FORMATS = [FORMAT, "automl-studio/gbdt@1"] as const;

const isIndex = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

/** a tree's node arrays but its leaf values (which the forest stores its own way) */
export const TreeNodesFile = z.object({
  feature: arrayOf<number>("integers from -1", (v) => Number.isInteger(v) && (v as number) >= -1),
  threshold: arrayOf<number | null>("numbers or nulls", (v) => v === null || typeof v === "number"),
  missingLeft: arrayOf<0 | 1>("0s and 1s", (v) => v === 0 || v === 1),
  left: arrayOf<number>("node indices", isIndex),
  right: arrayOf<number>("node indices", isIndex),
  /** categorical splits only (tree.ts: TreeArrays.catStart, catBits) */
  catStart: arrayOf<number>("offsets", isIndex).optional(),
  catBits: arrayOf<number>("32-bit words", (v) => isIndex(v) && (v as number) <= 0xffffffff).optional(),
});
type TreeNodesFile = z.infer<typeof TreeNodesFile>;

const TreeFile = TreeNodesFile.extend({ value: NumberArray });

export function treeNodesToFile(t: Tree): TreeNodesFile {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold, (v) => (v === Infinity ? null : v)),
    missingLeft: Array.from(t.missingLeft, (v) => (v ? 1 : 0)),
    left: Array.from(t.left),
    right: Array.from(t.right),
    ...(t.catStart && t.catBits && { catStart: Array.from(t.catStart), catBits: Array.from(t.catBits) }),
  };
}

/** The tree of saved node arrays `t`, with leaf values `value` (one per node), over `features` features. */
export function treeFromFile(t: TreeNodesFile, value: Float64Array, features: number): Tree {
  return new Tree(
    {
      feature: Int32Array.from(t.feature),
      threshold: Float64Array.from(t.threshold, (v) => v ?? Infinity),
      missingLeft: Uint8Array.from(t.missingLeft),
      left: Int32Array.from(t.left),
      right: Int32Array.from(t.right),
      value,
      ...(t.catStart && { catStart: Int32Array.from(t.catStart) }),
      ...(t.catBits && { catBits: Uint32Array.from(t.catBits) }),
    },
    features,
  );
}

const ModelFile = z.object({
  format: z.enum(FORMATS),
  task: TaskFile,
  features: z.number().int().min(0),
  baseScore: z.array(z.number()),
  params: ParamsFile,
  trees: z.array(TreeFile),
});
type ModelFile = z.infer<typeof ModelFile>;

/** Writes dir/model.json (see writeModelFile). */
export async function saveGbdt(dir: string, model: FittedGbdt): Promise<void> {
  const file: ModelFile = {
    format: FORMAT,
    task: { type: model.task.type, classes: model.task.classes },
    features: model.features,
    baseScore: Array.from(model.baseScore),
    params: model.params,
    trees: model.trees.map((t) => ({ ...treeNodesToFile(t), value: Array.from(t.value) })),
  };
  await writeModelFile(dir, file);
}

/** What a saved model consists of (FittedGbdt's constructor arguments). */
export interface GbdtParts {
  task: Task;
  features: number;
  baseScore: Float64Array;
  trees: Tree[];
  params: ModelFile["params"];
}

export async function loadGbdt(dir: string, task: Task): Promise<GbdtParts> {
  const file = await readModelFile(dir, ModelFile);
  if (file.task.type !== task.type) throw new Error(`gbdt: the saved model is for a ${file.task.type} task, not ${task.type}`);
  const classes = task.classes.length ? task.classes : file.task.classes;
  if (task.type === "multiclass" && classes.length !== file.baseScore.length) {
    throw new Error(`gbdt: the saved model has ${file.baseScore.length} classes, the task ${classes.length}`);
  }
  const trees = file.trees.map((t) => treeFromFile(t, Float64Array.from(t.value), file.features));
  return { task: { type: task.type, classes }, features: file.features, baseScore: Float64Array.from(file.baseScore), trees, params: file.params };
}
