/**
 * A network architecture as a flat graph of nodes: the one stored form of every searched network (chains,
 * skip connections, parallel branches, and stacked cells once expanded), from which the exact model is
 * rebuilt. Nodes are listed in topological order: each reads only "input" or nodes listed before it.
 *
 * Ops (all on rank-2 tensors [rows, width]):
 *   - dense:    input -> Dense(units) -> BatchNorm? -> activation -> Dropout?  (no bias when batch-normalised)
 *   - gated:    a gated linear unit, (x W + b) * sigmoid(x V + c), `units` wide
 *   - identity: passes its input on (a cell's "skip" operation)
 *   - add:      the sum of two or more inputs of the same width
 *   - concat:   the inputs side by side (width: the sum)
 * The head (sigmoid, softmax or linear Dense) reads `output`.
 *
 * Layer names and weight order, shared by the TensorFlow.js model (build.ts) and the training engine, so
 * weights move between them by name (and by node id between a parent and a child architecture):
 *   - dense node `id`: Dense layer `id` [kernel [in, units], bias [units] unless batch-normalised];
 *     BatchNormalization layer `id.bn` [gamma, beta, movingMean, movingVariance] (epsilon 1e-3, momentum 0.99)
 *   - gated node `id`: Dense layers `id.value` and `id.gate`, each [kernel, bias]
 *   - the head: Dense layer `head` [kernel, bias]
 * Other layers (activations, dropout, add, concatenate, multiply) have no weights; their names start with the node id.
 */
import { z } from "zod";

export const NAS_ACTIVATIONS = ["relu", "elu", "tanh", "gelu", "selu", "linear"] as const;
export type NasActivation = (typeof NAS_ACTIVATIONS)[number];

/** Batch normalisation's epsilon and momentum (Keras' defaults, as tfjs-mlp uses): part of the layer convention above */
export const BN_EPSILON = 1e-3;
export const BN_MOMENTUM = 0.99;

/** A network's weights by layer name, each layer's arrays in getWeights() order, row-major (see the convention above). */
export type Weights = Map<string, Float32Array[]>;

const id = z.string().regex(/^[A-Za-z0-9_.]+$/, "node ids are letters, digits, '_' and '.'");

export const nodeSpecSchema = z.discriminatedUnion("op", [
  z
    .object({
      id,
      op: z.literal("dense"),
      input: id,
      units: z.number().int().min(1),
      activation: z.enum(NAS_ACTIVATIONS),
      batchNorm: z.boolean(),
      dropout: z.number().min(0).max(0.9),
      /** L2 penalty on the kernel, added to the training loss as l2 * sum(w^2) */
      l2: z.number().min(0),
    })
    .strict(),
  z.object({ id, op: z.literal("gated"), input: id, units: z.number().int().min(1) }).strict(),
  z.object({ id, op: z.literal("identity"), input: id }).strict(),
  z.object({ id, op: z.literal("add"), inputs: z.array(id).min(2) }).strict(),
  z.object({ id, op: z.literal("concat"), inputs: z.array(id).min(2) }).strict(),
]);
export type NodeSpec = z.infer<typeof nodeSpecSchema>;

export const architectureSchema = z
  .object({
    /** the width of the preprocessed input */
    inputs: z.number().int().min(1),
    nodes: z.array(nodeSpecSchema),
    /** the node the head reads ("input" for a model with no hidden nodes) */
    output: id,
    /** 1 (binary: sigmoid; regression: linear) or the number of classes (softmax) */
    outputs: z.number().int().min(1),
    head: z.enum(["sigmoid", "softmax", "linear"]),
  })
  .strict();
export type Architecture = z.infer<typeof architectureSchema>;

/** The ids a node reads, in order. */
export function nodeInputs(node: NodeSpec): string[] {
  return node.op === "add" || node.op === "concat" ? node.inputs : [node.input];
}

/**
 * The width of every node's output (and of "input"), checking the graph on the way: unique ids, inputs
 * that come earlier, equal widths into `add`. Throws with the offending node's id.
 */
export function nodeWidths(arch: Architecture): Map<string, number> {
  const widths = new Map<string, number>([["input", arch.inputs]]);
  for (const node of arch.nodes) {
    if (widths.has(node.id)) throw new Error(`architecture: node id "${node.id}" is used twice (or is the reserved "input")`);
    const ins = nodeInputs(node).map((i) => {
      const w = widths.get(i);
      if (w === undefined) throw new Error(`architecture: node "${node.id}" reads "${i}", which is not an earlier node`);
      return w;
    });
    switch (node.op) {
      case "dense":
      case "gated":
        widths.set(node.id, node.units);
        break;
      case "identity":
        widths.set(node.id, ins[0]);
        break;
      case "add":
        if (ins.some((w) => w !== ins[0])) throw new Error(`architecture: node "${node.id}" adds inputs of different widths (${ins.join(", ")})`);
        widths.set(node.id, ins[0]);
        break;
      case "concat":
        widths.set(node.id, ins.reduce((a, b) => a + b, 0));
        break;
    }
  }
  if (!widths.has(arch.output)) throw new Error(`architecture: output "${arch.output}" is not a node`);
  return widths;
}

/** Parses and checks stored or generated JSON; the error names what is wrong. */
export function parseArchitecture(json: unknown): Architecture {
  const arch = architectureSchema.parse(json);
  nodeWidths(arch);
  return arch;
}

/** Trainable parameters: kernels, biases, batch-norm scales and offsets (not its moving statistics), and the head. */
export function parameterCount(arch: Architecture): number {
  const widths = nodeWidths(arch);
  let count = 0;
  for (const node of arch.nodes) {
    const w = widths.get(nodeInputs(node)[0])!;
    if (node.op === "dense") count += w * node.units + (node.batchNorm ? 2 * node.units : node.units);
    if (node.op === "gated") count += 2 * (w * node.units + node.units);
  }
  return count + widths.get(arch.output)! * arch.outputs + arch.outputs;
}

/**
 * The weight shapes of every layer that has weights, by layer name, in getWeights() order: what `Weights` for
 * this architecture holds. Throws when two layers would share a name (e.g. a node called "head", or one called
 * "a.bn" beside a batch-normalised "a").
 */
export function layerShapes(arch: Architecture): Map<string, number[][]> {
  const widths = nodeWidths(arch);
  const shapes = new Map<string, number[][]>();
  const set = (name: string, owner: string, shape: number[][]) => {
    if (shapes.has(name)) throw new Error(`architecture: ${owner} needs layer name "${name}", which another layer already has`);
    shapes.set(name, shape);
  };
  for (const node of arch.nodes) {
    const w = widths.get(nodeInputs(node)[0])!;
    if (node.op === "dense") {
      const u = node.units;
      set(node.id, `node "${node.id}"`, node.batchNorm ? [[w, u]] : [[w, u], [u]]);
      if (node.batchNorm) set(`${node.id}.bn`, `node "${node.id}"`, [[u], [u], [u], [u]]);
    }
    if (node.op === "gated") {
      set(`${node.id}.value`, `node "${node.id}"`, [[w, node.units], [node.units]]);
      set(`${node.id}.gate`, `node "${node.id}"`, [[w, node.units], [node.units]]);
    }
  }
  set("head", "the head", [[widths.get(arch.output)!, arch.outputs], [arch.outputs]]);
  return shapes;
}

/** Checks that `weights` holds exactly the layers of `arch`, each with arrays of its shapes' sizes; throws naming the layer. */
export function checkWeights(arch: Architecture, weights: Weights): void {
  const shapes = layerShapes(arch);
  for (const name of weights.keys()) if (!shapes.has(name)) throw new Error(`weights: the architecture has no layer "${name}" with weights`);
  for (const [name, shape] of shapes) {
    const arrays = weights.get(name);
    if (!arrays) throw new Error(`weights: no weights for layer "${name}"`);
    const sizes = shape.map((s) => s.reduce((a, b) => a * b, 1));
    if (arrays.length !== sizes.length || arrays.some((a, i) => a.length !== sizes[i])) {
      throw new Error(`weights: layer "${name}" holds arrays of shapes ${JSON.stringify(shape)} (sizes ${sizes.join(", ")}), got sizes ${arrays.map((a) => a.length).join(", ")}`);
    }
  }
}

/**
 * The nodes the output does not depend on, in node order. A built model leaves them out (and so has none of their
 * layers), so a graph meant for building must not have any; e.g. a stacked cell that never reads its previous
 * cell leaves every other cell unused.
 */
export function unusedNodes(arch: Architecture): string[] {
  const used = new Set([arch.output]);
  for (let i = arch.nodes.length - 1; i >= 0; i--) {
    const node = arch.nodes[i];
    if (used.has(node.id)) for (const input of nodeInputs(node)) used.add(input);
  }
  return arch.nodes.filter((n) => !used.has(n.id)).map((n) => n.id);
}
