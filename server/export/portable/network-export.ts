import type * as tf from "@tensorflow/tfjs";
import type { Task } from "../../models/family";
import { loadMlp, type MlpParts } from "../../models/tfjs-mlp/persist";
import { parseParams } from "../../models/tfjs-mlp/space";
import { BN_EPSILON, BN_MOMENTUM } from "../../models/tfjs-mlp/network";
import { loadNas, type NasParts } from "../../models/nas/persist";
import { nodeInputs } from "../../models/nas/architecture";
import { engineConfig, MAX_EPOCHS } from "../../models/nas/fit";
import { trainingConfig } from "../../models/nas/space";
import { paramLayout, parseTrainingConfig, type Linear } from "../../models/nas/engine";
import { sgdMomentum } from "../../models/nas/engine/optimizer";
import type { ActivationFn, Float32Tensor, KernelInit, NetworkOp, NetworkTraining, PortableNetwork } from "./network-format";

/**
 * portable.json of a saved network (network-format.ts), read through the families' own load code (a TensorFlow.js
 * layers model plus family.json): the layers' weights become the graph's tensors, and the family's settings
 * the training section.
 */
export async function portableNetwork(modelDir: string, task: Task, family: string): Promise<PortableNetwork> {
  if (family === "mlp") {
    const parts = await loadMlp(modelDir, task);
    try {
      return fromMlp(parts);
    } finally {
      parts.model.dispose();
    }
  }
  if (family === "nas") {
    const parts = await loadNas(modelDir, task);
    try {
      return fromNas(parts);
    } finally {
      parts.model.dispose();
    }
  }
  throw new Error(`network: the ${family} family is not a network family`);
}

function tensor(values: Float32Array, shape: number[]): Float32Tensor {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return { dtype: "float32", shape, base64: Buffer.from(bytes).toString("base64") };
}

/** a layer's weights as tensors of their own shapes, in getWeights() order */
function layerWeights(model: tf.LayersModel, layer: string): Float32Tensor[] {
  return model
    .getLayer(layer)
    .getWeights()
    .map((w) => tensor(w.dataSync() as Float32Array, w.shape));
}

/** Keras' normal initialisers draw from a normal cut at 2 sd; the NAS engine rescales so the cut one has the wanted sd. */
const TRUNCATED_SD = 0.8796256610342398;

function init(kind: "he" | "lecun" | "glorot", inputs: number, units: number, corrected: boolean): KernelInit {
  if (kind === "glorot") return { distribution: "uniform", limit: Math.sqrt(6 / (inputs + units)) };
  const std = Math.sqrt((kind === "he" ? 2 : 1) / Math.max(1, inputs));
  return { distribution: "truncated_normal", std: corrected ? std / TRUNCATED_SD : std };
}

/** Dense [-> batch norm] [-> activation] [-> dropout]; returns the ops and the id of the last one. */
function denseBlock(
  model: tf.LayersModel,
  names: { dense: string; bn: string; act: string; dropout: string },
  input: string,
  o: { activation: ActivationFn | "linear"; batchNorm: boolean; dropout: number; init: KernelInit; l2: number },
): { ops: NetworkOp[]; out: string } {
  const [kernel, bias] = layerWeights(model, names.dense);
  const ops: NetworkOp[] = [{ op: "dense", id: names.dense, input, kernel, bias: o.batchNorm ? null : bias, init: o.init, l2: o.l2 }];
  let out = names.dense;
  if (o.batchNorm) {
    const [gamma, beta, movingMean, movingVariance] = layerWeights(model, names.bn);
    ops.push({ op: "batch_norm", id: names.bn, input: out, gamma, beta, movingMean, movingVariance, epsilon: BN_EPSILON, momentum: BN_MOMENTUM });
    out = names.bn;
  }
  if (o.activation !== "linear") {
    ops.push({ op: "activation", id: names.act, input: out, fn: o.activation });
    out = names.act;
  }
  if (o.dropout > 0) {
    ops.push({ op: "dropout", id: names.dropout, input: out, rate: o.dropout });
    out = names.dropout;
  }
  return { ops, out };
}

function headOp(model: tf.LayersModel, layer: string, input: string, inputs: number, outputs: number, l2: number): NetworkOp {
  const [kernel, bias] = layerWeights(model, layer);
  // TensorFlow.js' initialisers in the MLP, the engine's in NAS: both Glorot uniform for the head
  return { op: "dense", id: layer, input, kernel, bias, init: init("glorot", inputs, outputs, false), l2 };
}

/** tfjs-mlp/network.ts: He (truncated at 2 sd, uncorrected, as TensorFlow.js draws) for the ReLU family, LeCun for SELU, Glorot for tanh */
function fromMlp({ model, spec, scaler, params }: MlpParts): PortableNetwork {
  const p = parseParams(params);
  const ops: NetworkOp[] = [];
  let previous = "input";
  let width = spec.inputs;
  spec.units.forEach((units, i) => {
    const kind = spec.activation === "selu" ? "lecun" : spec.activation === "tanh" ? "glorot" : "he";
    const block = denseBlock(
      model,
      { dense: `hidden_${i}`, bn: `batchnorm_${i}`, act: `activation_${i}`, dropout: `dropout_${i}` },
      previous,
      { activation: spec.activation, batchNorm: spec.batchNorm, dropout: spec.dropout, init: init(kind, width, units, false), l2: p.weight_decay },
    );
    ops.push(...block.ops);
    previous = block.out;
    width = units;
  });
  // the weight decay applies to every kernel, the head's included (train-step.ts)
  ops.push(headOp(model, "output", previous, width, spec.outputs, p.weight_decay));
  const training: NetworkTraining = {
    optimizer: "adam",
    learningRate: p.learning_rate,
    schedule: { type: "constant" },
    batchSize: p.batch_size,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    momentum: 0,
  };
  return { kind: "network", family: "mlp", inputs: spec.inputs, ops, output: "output", head: spec.head, targetScaler: scaler, training };
}

/** nas/build.ts's layers; initialisers and penalties from the engine's layout (engine/layout.ts), which trained it */
function fromNas({ model, arch, scaler, params }: NasParts): PortableNetwork {
  const layout = paramLayout(arch);
  const linear = (node: string, k = 0): Linear => layout.byNode.get(node)![k];
  const initOf = (l: Linear) => init(l.init, l.inputs, l.units, l.init !== "glorot");
  const outOf = new Map<string, string>([["input", "input"]]);
  const ops: NetworkOp[] = [];
  for (const node of arch.nodes) {
    const ins = nodeInputs(node).map((id) => outOf.get(id)!);
    let out = node.id;
    if (node.op === "dense") {
      const l = linear(node.id);
      const names = { dense: node.id, bn: `${node.id}.bn`, act: `${node.id}.act`, dropout: `${node.id}.dropout` };
      const block = denseBlock(model, names, ins[0], { ...node, init: initOf(l), l2: l.l2 });
      ops.push(...block.ops);
      out = block.out;
    } else if (node.op === "gated") {
      const [value, gate] = [linear(node.id, 0), linear(node.id, 1)];
      for (const l of [value, gate]) {
        const [kernel, bias] = layerWeights(model, l.layer);
        ops.push({ op: "dense", id: l.layer, input: ins[0], kernel, bias, init: initOf(l), l2: l.l2 });
      }
      ops.push({ op: "activation", id: `${gate.layer}.sigmoid`, input: gate.layer, fn: "sigmoid" });
      ops.push({ op: "multiply", id: node.id, inputs: [value.layer, `${gate.layer}.sigmoid`] });
    } else if (node.op === "identity") {
      ops.push({ op: "identity", id: node.id, input: ins[0] });
    } else {
      ops.push({ op: node.op, id: node.id, inputs: ins });
    }
    outOf.set(node.id, out);
  }
  const head = linear("head");
  ops.push(headOp(model, "head", outOf.get(arch.output)!, head.inputs, head.units, head.l2));
  const cfg = parseTrainingConfig(engineConfig(trainingConfig(params), Number(params.max_epochs ?? MAX_EPOCHS)));
  const schedule = cfg.schedule.type === "cosine" ? { ...cfg.schedule, minFactor: cfg.schedule.minFactor ?? 0 } : cfg.schedule;
  const training: NetworkTraining = {
    optimizer: cfg.optimizer,
    learningRate: cfg.learningRate,
    schedule,
    batchSize: cfg.batchSize,
    beta1: cfg.beta1,
    beta2: cfg.beta2,
    epsilon: cfg.epsilon,
    momentum: sgdMomentum(cfg),
  };
  return { kind: "network", family: "nas", inputs: arch.inputs, ops, output: "head", head: arch.head, targetScaler: scaler, training };
}
