import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Task } from "../family";
import { NumberArray, ParamsFile, readModelFile, TaskFile, writeModelFile } from "../shared/model-file";
import { TreeNodesFile, treeFromFile } from "../gbdt/persist";
import { Tree } from "../gbdt/tree";
import type { ForestTree } from "./grow";
import type { FittedForest } from "./model";

/**
 * Persistence: model.json (the task, the feature count, the hyperparameters and each tree's node count) and
 * trees.bin, the nodes in binary. A forest grown to pure leaves has millions of nodes (on diamonds, 100 extra trees
 * with scikit-learn's defaults: 6.2 million), so the format is about size and load time: JSON took 25 bytes a node,
 * and 1.3 s to load the default random forest's 94 MB, while here a split costs 13 bytes (children, missing side, an
 * index into a table of the forest's distinct thresholds) and a leaf its values (8 bytes an output), on top of every
 * node's 4-byte feature. Numbers are stored as they are in memory (float64, int32), so predictions round-trip bit for
 * bit.
 *
 * trees.bin is little-endian, sections end to end in this order (widest first, so each starts aligned), every tree's
 * nodes in node order within a section: float64 thresholds[table], float64 leafValues[leaves x outputs],
 * int32 feature[nodes] (-1 at a leaf), int32 left[splits], int32 right[splits], uint32 thresholdIndex[splits],
 * uint8 missingLeft[splits]. Version 1 (everything in model.json as JSON arrays) still loads.
 */

const FORMAT = "automl-studio/forest@2";
const FORMAT_V1 = "automl-studio/forest@1";
const BINARY_FILE = "trees.bin";

const Header = z.object({
  task: TaskFile,
  features: z.number().int().min(0),
  outputs: z.number().int().min(1),
  params: ParamsFile,
});

const ModelFile = Header.extend({
  format: z.literal(FORMAT),
  /** each tree's node count */
  nodes: z.array(z.number().int().min(1)),
  thresholds: z.number().int().min(0),
  splits: z.number().int().min(0),
});
type ModelFile = z.infer<typeof ModelFile>;

const ModelFileV1 = Header.extend({
  format: z.literal(FORMAT_V1),
  trees: z.array(TreeNodesFile.extend({ values: NumberArray })),
});

/** Writes dir/trees.bin, then dir/model.json (see writeModelFile), which names a complete trees.bin once it exists. */
export async function saveForest(dir: string, model: FittedForest): Promise<void> {
  const { trees, outputs } = model;
  const table = new Map<number, number>();
  let nodes = 0;
  let splits = 0;
  for (const { tree } of trees) {
    nodes += tree.feature.length;
    for (let i = 0; i < tree.feature.length; i++) {
      if (tree.feature[i] < 0) continue;
      splits++;
      if (!table.has(tree.threshold[i])) table.set(tree.threshold[i], table.size);
    }
  }
  const counts = { thresholds: table.size, leafValues: (nodes - splits) * outputs, nodes, splits };
  const bytes = new Uint8Array(sections(counts).end);
  const { thresholds, leafValues, feature, left, right, thresholdIndex, missingLeft } = views(bytes, counts);
  for (const [v, i] of table) thresholds[i] = v;
  let n = 0;
  let s = 0;
  let l = 0;
  for (const { tree, values } of trees) {
    feature.set(tree.feature, n);
    n += tree.feature.length;
    for (let i = 0; i < tree.feature.length; i++) {
      if (tree.feature[i] < 0) {
        leafValues.set(values.subarray(i * outputs, (i + 1) * outputs), l);
        l += outputs;
      } else {
        left[s] = tree.left[i];
        right[s] = tree.right[i];
        thresholdIndex[s] = table.get(tree.threshold[i])!;
        missingLeft[s] = tree.missingLeft[i];
        s++;
      }
    }
  }
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, BINARY_FILE), bytes);
  const file: ModelFile = {
    format: FORMAT,
    task: { type: model.task.type, classes: model.task.classes },
    features: model.features,
    outputs,
    params: model.params,
    nodes: trees.map(({ tree }) => tree.feature.length),
    thresholds: table.size,
    splits,
  };
  await writeModelFile(dir, file);
}

/** trees.bin's entry counts: table thresholds, leaf values (leaves x outputs), nodes, splits */
interface Counts {
  thresholds: number;
  leafValues: number;
  nodes: number;
  splits: number;
}

/** Byte offsets of trees.bin's sections, and its length. */
function sections(c: Counts) {
  const at = { thresholds: 0, leafValues: 8 * c.thresholds, feature: 8 * (c.thresholds + c.leafValues) };
  const left = at.feature + 4 * c.nodes;
  const right = left + 4 * c.splits;
  const thresholdIndex = right + 4 * c.splits;
  const missingLeft = thresholdIndex + 4 * c.splits;
  return { ...at, left, right, thresholdIndex, missingLeft, end: missingLeft + c.splits };
}

/** trees.bin's sections as typed views on `bytes` (which must start 8-byte aligned). */
function views(bytes: Uint8Array, c: Counts) {
  const s = sections(c);
  const at = (offset: number) => [bytes.buffer, bytes.byteOffset + offset] as const;
  return {
    thresholds: new Float64Array(...at(s.thresholds), c.thresholds),
    leafValues: new Float64Array(...at(s.leafValues), c.leafValues),
    feature: new Int32Array(...at(s.feature), c.nodes),
    left: new Int32Array(...at(s.left), c.splits),
    right: new Int32Array(...at(s.right), c.splits),
    thresholdIndex: new Uint32Array(...at(s.thresholdIndex), c.splits),
    missingLeft: new Uint8Array(...at(s.missingLeft), c.splits),
  };
}

/** What a saved model consists of (FittedForest's constructor arguments). */
export interface ForestParts {
  task: Task;
  features: number;
  trees: ForestTree[];
  params: ModelFile["params"];
}

export async function loadForest(dir: string, task: Task): Promise<ForestParts> {
  const file = await readModelFile(dir, z.discriminatedUnion("format", [ModelFile, ModelFileV1]));
  if (file.task.type !== task.type) throw new Error(`forest: the saved model is for a ${file.task.type} task, not ${task.type}`);
  const classes = task.classes.length ? task.classes : file.task.classes;
  const outputs = task.type === "multiclass" ? classes.length : 1;
  if (outputs !== file.outputs) throw new Error(`forest: the saved model has ${file.outputs} outputs, the task ${outputs}`);
  const trees = file.format === FORMAT ? await readTrees(dir, file) : treesOfV1(file, outputs);
  return { task: { type: task.type, classes }, features: file.features, trees, params: file.params };
}

async function readTrees(dir: string, file: ModelFile): Promise<ForestTree[]> {
  const { outputs, splits } = file;
  const nodes = file.nodes.reduce((a, b) => a + b, 0);
  const counts = { thresholds: file.thresholds, leafValues: (nodes - splits) * outputs, nodes, splits };
  const { end } = sections(counts);
  const buffer = await fs.readFile(path.join(dir, BINARY_FILE));
  if (buffer.length !== end) throw new Error(`forest: ${BINARY_FILE} has ${buffer.length} bytes, model.json describes ${end}`);
  // a read this size has its own buffer at offset 0, aligned for the typed views; copy where it does not
  const bytes = buffer.byteOffset % 8 === 0 ? buffer : new Uint8Array(buffer);
  const { thresholds, leafValues, feature, left, right, thresholdIndex, missingLeft } = views(bytes, counts);
  let n = 0;
  let s = 0;
  let l = 0;
  const trees = file.nodes.map((count) => {
    const t = {
      feature: feature.slice(n, n + count),
      threshold: new Float64Array(count),
      missingLeft: new Uint8Array(count),
      left: new Int32Array(count),
      right: new Int32Array(count),
      value: new Float64Array(count),
    };
    const values = new Float64Array(count * outputs);
    for (let i = 0; i < count; i++) {
      if (t.feature[i] < 0) {
        values.set(leafValues.subarray(l, l + outputs), i * outputs);
        t.value[i] = leafValues[l];
        l += outputs;
      } else {
        if (s >= splits) throw new Error(`forest: model.json counts ${splits} splits, ${BINARY_FILE} holds more`);
        const k = thresholdIndex[s];
        if (k >= thresholds.length) throw new Error(`forest: a split's threshold ${k} is outside the table of ${thresholds.length}`);
        t.threshold[i] = thresholds[k];
        t.left[i] = left[s];
        t.right[i] = right[s];
        t.missingLeft[i] = missingLeft[s];
        s++;
      }
    }
    n += count;
    return { tree: new Tree(t, file.features), values };
  });
  if (s !== splits) throw new Error(`forest: model.json counts ${splits} splits, ${BINARY_FILE} holds ${s}`);
  return trees;
}

function treesOfV1(file: z.infer<typeof ModelFileV1>, outputs: number): ForestTree[] {
  return file.trees.map((t) => {
    const values = Float64Array.from(t.values);
    const n = t.feature.length;
    if (values.length !== n * outputs) throw new Error(`forest: a saved tree has ${values.length} leaf values for ${n} nodes x ${outputs} outputs`);
    const value = new Float64Array(n);
    for (let i = 0; i < n; i++) if (t.feature[i] < 0) value[i] = values[i * outputs];
    return { tree: treeFromFile(t, value, file.features), values };
  });
}
