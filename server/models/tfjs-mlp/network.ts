import * as tf from "@tensorflow/tfjs";
import type { Task } from "../family";
import type { Activation } from "./space";
import { Rng } from "./rng";

/** The shape of one MLP: everything needed to rebuild it. */
export interface NetSpec {
  inputs: number;
  units: number[];
  activation: Activation;
  batchNorm: boolean;
  dropout: number;
  /** 1 (binary: sigmoid; regression: linear) or the number of classes (softmax) */
  outputs: number;
  head: "sigmoid" | "softmax" | "linear";
}

/** Keras' default; the training step normalises with the same epsilon as the layer does at inference */
export const BN_EPSILON = 1e-3;
export const BN_MOMENTUM = 0.99;

export function headFor(task: Task): Pick<NetSpec, "outputs" | "head"> {
  if (task.type === "binary") return { outputs: 1, head: "sigmoid" };
  if (task.type === "multiclass") return { outputs: task.classes.length, head: "softmax" };
  return { outputs: 1, head: "linear" };
}

/** Initialiser suited to the activation: He for the ReLU family, LeCun for SELU, Glorot for tanh and the head. */
function kernelInitializer(activation: Activation | "head", seed: number) {
  if (activation === "selu") return tf.initializers.leCunNormal({ seed });
  if (activation === "tanh" || activation === "head") return tf.initializers.glorotUniform({ seed });
  return tf.initializers.heNormal({ seed });
}

/**
 * Builds the Keras-style model that is saved and used for inference:
 * [Dense (no bias with BN) -> BatchNorm? -> Activation -> Dropout?] x depth -> Dense head.
 * Initial weights come from `seed` alone.
 */
export function buildModel(spec: NetSpec, seed: number): tf.Sequential {
  const rng = new Rng(seed);
  const model = tf.sequential({ name: "mlp" });
  spec.units.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        name: `hidden_${i}`,
        units,
        useBias: !spec.batchNorm,
        kernelInitializer: kernelInitializer(spec.activation, rng.int()),
        ...(i === 0 ? { inputShape: [spec.inputs] } : {}),
      }),
    );
    if (spec.batchNorm) {
      model.add(tf.layers.batchNormalization({ name: `batchnorm_${i}`, axis: -1, epsilon: BN_EPSILON, momentum: BN_MOMENTUM }));
    }
    model.add(tf.layers.activation({ name: `activation_${i}`, activation: spec.activation }));
    if (spec.dropout > 0) model.add(tf.layers.dropout({ name: `dropout_${i}`, rate: spec.dropout }));
  });
  model.add(
    tf.layers.dense({
      name: "output",
      units: spec.outputs,
      activation: spec.head,
      kernelInitializer: kernelInitializer("head", rng.int()),
      ...(spec.units.length === 0 ? { inputShape: [spec.inputs] } : {}),
    }),
  );
  return model;
}

/** One trainable array in the flat parameter vector the training step updates. */
export interface ParamSlot {
  layer: string;
  role: "kernel" | "bias" | "gamma" | "beta";
  shape: number[];
  size: number;
  offset: number;
}

/** The trainable parameters in training order: per hidden layer kernel then bias (or BN gamma, beta); then the head. */
export function paramSlots(spec: NetSpec): ParamSlot[] {
  const slots: ParamSlot[] = [];
  let offset = 0;
  const add = (layer: string, role: ParamSlot["role"], shape: number[]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    slots.push({ layer, role, shape, size, offset });
    offset += size;
  };
  let fanIn = spec.inputs;
  spec.units.forEach((u, i) => {
    add(`hidden_${i}`, "kernel", [fanIn, u]);
    if (spec.batchNorm) {
      add(`batchnorm_${i}`, "gamma", [u]);
      add(`batchnorm_${i}`, "beta", [u]);
    } else {
      add(`hidden_${i}`, "bias", [u]);
    }
    fanIn = u;
  });
  add("output", "kernel", [fanIn, spec.outputs]);
  add("output", "bias", [spec.outputs]);
  return slots;
}

/** The model's trainable weights as one flat vector (in paramSlots order). */
export function flattenTrainable(model: tf.LayersModel, slots: ParamSlot[]): tf.Tensor1D {
  return tf.tidy(() => {
    const parts = slots.map((s) => {
      const layer = model.getLayer(s.layer);
      const w = layer.getWeights(); // dense: kernel, bias; batchnorm: gamma, beta, moving mean, moving variance
      const index = s.role === "kernel" || s.role === "gamma" ? 0 : 1;
      return w[index].reshape([-1]);
    });
    return tf.concat(parts) as tf.Tensor1D;
  });
}

/** Batch-norm moving statistics, per hidden layer: [mean, variance]. */
export function movingStats(model: tf.LayersModel, spec: NetSpec): tf.Tensor1D[][] {
  if (!spec.batchNorm) return [];
  return spec.units.map((_, i) => {
    const w = model.getLayer(`batchnorm_${i}`).getWeights();
    return [w[2].clone() as tf.Tensor1D, w[3].clone() as tf.Tensor1D];
  });
}

/** Writes a flat parameter vector (and BN moving statistics) into the model's layers. */
export function assignWeights(model: tf.LayersModel, spec: NetSpec, slots: ParamSlot[], theta: tf.Tensor1D, stats: tf.Tensor1D[][]): void {
  tf.tidy(() => {
    const parts = tf.split(theta, slots.map((s) => s.size));
    const byLayer = new Map<string, tf.Tensor[]>();
    slots.forEach((s, i) => {
      const list = byLayer.get(s.layer) ?? [];
      list.push(parts[i].reshape(s.shape));
      byLayer.set(s.layer, list);
    });
    spec.units.forEach((_, i) => {
      if (spec.batchNorm) byLayer.get(`batchnorm_${i}`)!.push(stats[i][0], stats[i][1]);
    });
    for (const [name, weights] of byLayer) model.getLayer(name).setWeights(weights);
  });
}
