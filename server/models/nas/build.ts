/**
 * Builds the TensorFlow.js model of an `Architecture` (functional API), with the layer names and weight order
 * of architecture.ts, and moves weights in and out of it as a `Weights` map (weight inheritance, morphisms,
 * and the training engine handing its trained weights over).
 */
import * as tf from "@tensorflow/tfjs";
import { deriveSeed } from "../../automl/rng";
import { BN_EPSILON, BN_MOMENTUM, layerShapes, nodeInputs, unusedNodes, type Architecture, type NasActivation, type NodeSpec, type Weights } from "./architecture";

/** He for the ReLU family, LeCun for SELU, Glorot for tanh, linear, gated units and the head (as tfjs-mlp). */
function kernelInitializer(kind: NasActivation | "gated" | "head", seed: number) {
  if (kind === "selu") return tf.initializers.leCunNormal({ seed });
  if (kind === "relu" || kind === "elu" || kind === "gelu") return tf.initializers.heNormal({ seed });
  return tf.initializers.glorotUniform({ seed });
}

function applyNode(node: NodeSpec, ins: tf.SymbolicTensor[], seed: number): tf.SymbolicTensor {
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
  switch (node.op) {
    case "dense": {
      let x = apply(
        tf.layers.dense({
          name: node.id,
          units: node.units,
          useBias: !node.batchNorm,
          kernelInitializer: kernelInitializer(node.activation, seed),
          biasInitializer: "zeros",
          // the model carries the penalty too, so a plain model.fit trains what the architecture says
          ...(node.l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2: node.l2 }) } : {}),
        }),
        ins[0],
      );
      if (node.batchNorm) x = apply(tf.layers.batchNormalization({ name: `${node.id}.bn`, axis: -1, epsilon: BN_EPSILON, momentum: BN_MOMENTUM }), x);
      if (node.activation !== "linear") x = apply(tf.layers.activation({ name: `${node.id}.act`, activation: node.activation }), x);
      if (node.dropout > 0) x = apply(tf.layers.dropout({ name: `${node.id}.dropout`, rate: node.dropout, seed }), x);
      return x;
    }
    case "gated": {
      const dense = (part: "value" | "gate") =>
        tf.layers.dense({
          name: `${node.id}.${part}`,
          units: node.units,
          activation: part === "gate" ? "sigmoid" : "linear",
          kernelInitializer: kernelInitializer("gated", deriveSeed(seed, part)),
          biasInitializer: "zeros",
        });
      return apply(tf.layers.multiply({ name: `${node.id}.mul` }), [apply(dense("value"), ins[0]), apply(dense("gate"), ins[0])]);
    }
    case "identity":
      // a layer of its own, not its input passed through: an add of two identities of one node would otherwise get the
      // same tensor twice, which tfjs-layers' predict disposes twice ("Cannot read properties of undefined")
      return apply(tf.layers.activation({ activation: "linear", name: node.id }), ins[0]);
    case "add":
      return apply(tf.layers.add({ name: node.id }), ins);
    case "concat":
      return apply(tf.layers.concatenate({ name: node.id, axis: -1 }), ins);
  }
}

/**
 * The model of `arch`. Initial weights depend only on `seed` and each node's index (zero biases); dropout layers
 * are present and, as always in TensorFlow.js, active only in training.
 */
export function buildModel(arch: Architecture, seed: number): tf.LayersModel {
  layerShapes(arch); // checks the graph and that layer names are unique, with errors that name the node
  const unused = unusedNodes(arch);
  // the model would silently leave them out, and their weights would have nowhere to go
  if (unused.length > 0) throw new Error(`buildModel: node(s) ${unused.join(", ")} do not reach the output "${arch.output}"`);
  const input = tf.input({ shape: [arch.inputs], name: "input" });
  const outputs = new Map<string, tf.SymbolicTensor>([["input", input]]);
  arch.nodes.forEach((node, index) => {
    outputs.set(node.id, applyNode(node, nodeInputs(node).map((i) => outputs.get(i)!), deriveSeed(seed, index)));
  });
  const head = tf.layers
    .dense({ name: "head", units: arch.outputs, activation: arch.head, kernelInitializer: kernelInitializer("head", deriveSeed(seed, "head")), biasInitializer: "zeros" })
    .apply(outputs.get(arch.output)!) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: head, name: "nas" });
}

/** Every layer's weights (copies), by layer name; layers without weights are left out. */
export function readWeights(model: tf.LayersModel): Weights {
  const weights: Weights = new Map();
  for (const layer of model.layers) {
    // getWeights() returns the variables themselves: copy their data, dispose nothing
    if (layer.weights.length > 0) weights.set(layer.name, layer.getWeights().map((t) => Float32Array.from(t.dataSync())));
  }
  return weights;
}

/**
 * Sets every layer's weights from `weights`, which must name exactly the model's layers that have weights, each
 * with arrays of the layer's sizes (the shapes are the layer's own). Throws naming the layer otherwise.
 */
export function writeWeights(model: tf.LayersModel, weights: Weights): void {
  const layers = model.layers.filter((l) => l.weights.length > 0);
  const missing = layers.filter((l) => !weights.has(l.name)).map((l) => l.name);
  if (missing.length > 0) throw new Error(`writeWeights: no weights for layer(s) ${missing.join(", ")}`);
  const names = new Set(layers.map((l) => l.name));
  const extra = [...weights.keys()].filter((n) => !names.has(n));
  if (extra.length > 0) throw new Error(`writeWeights: the model has no layer(s) ${extra.join(", ")} with weights`);
  tf.tidy(() => {
    for (const layer of layers) {
      const arrays = weights.get(layer.name)!;
      if (arrays.length !== layer.weights.length) throw new Error(`writeWeights: layer "${layer.name}" has ${layer.weights.length} weight arrays, got ${arrays.length}`);
      const tensors = layer.weights.map((w, i) => {
        const size = (w.shape as number[]).reduce((a, b) => a * b, 1);
        if (arrays[i].length !== size) throw new Error(`writeWeights: layer "${layer.name}" weight ${i} has shape [${w.shape.join(", ")}], got ${arrays[i].length} values`);
        return tf.tensor(arrays[i], w.shape as number[], "float32");
      });
      layer.setWeights(tensors);
    }
  });
}
