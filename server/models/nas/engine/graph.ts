import * as tf from "@tensorflow/tfjs";
import type { NasActivation, NodeSpec } from "../architecture";
import { activationGrad, transpose2d } from "../../layers/backprop";
import { BN_EPSILON, type Linear, type ParamLayout } from "./layout";

/**
 * Forward and hand-written backward pass of an architecture's graph, for one batch, from TensorFlow.js ops.
 *
 * Built only from the ops that are fast on the wasm backend (where every op costs a fixed few microseconds and
 * matMul with transposeA/transposeB takes a naive loop 10-20x slower than XNNPACK's plain path): every product is a
 * plain matMul: the kernel and bias gradients are one product [x^T; 1] d with x^T an explicit transpose (the batch's
 * input arrives transposed from the JS side), the input gradient is d W^T with W^T supplied by the caller (built on
 * the JS side from the flat parameters), batch-norm column sums are [1,B] x [B,n] products (the wasm Sum kernel
 * transposes first when the reduced axis is not the innermost one), bias and ReLU are fused into the forward matMul. engine.test.ts checks every op
 * kind's gradient against TensorFlow.js autodiff.
 */

/** The parameters of one step, as tensors (StepParams of a store: made from theta once per step). */
export interface StepParams {
  kernel(l: Linear): tf.Tensor2D; // [inputs, units]
  /** kernel^T [units, inputs]: only asked for where the linear's input needs a gradient */
  kernelT(l: Linear): tf.Tensor2D;
  bias(l: Linear): tf.Tensor1D;
  gamma(l: Linear): tf.Tensor1D;
  beta(l: Linear): tf.Tensor1D;
}

/** Moving statistics, for the inference forward pass only. */
export interface InferenceParams extends StepParams {
  movingMean(l: Linear): tf.Tensor1D;
  movingVariance(l: Linear): tf.Tensor1D;
}

export interface StepBatch {
  x: tf.Tensor2D; // [B, inputs]
  /** [x^T; 1]: x^T with a row of ones below, [inputs + 1, B], built on the JS side with the batch (null: made here where needed) */
  xT: tf.Tensor2D | null;
  /** sigmoid head: -(2y-1) as [B,1]; softmax: one-hot [B,k]; linear: the targets [B,k] */
  target: tf.Tensor2D;
  /** inverted-dropout masks [B, units] by dense node id (0 or 1/(1-rate)) */
  masks: Map<string, tf.Tensor2D>;
  /** per-row sample weights [B,1] and their sum (computed on the JS side: no device sync) */
  weight?: { values: tf.Tensor2D; sum: number };
}

/** A gradient block: the first `size` numbers of `value` (row-major, any shape) are theta[offset, offset + size)'s. */
export interface GradPart {
  offset: number;
  size: number;
  value: tf.Tensor;
}

export interface BatchMoments {
  linear: Linear;
  mean: tf.Tensor; // [1, units]
  variance: tf.Tensor; // [1, units], biased (the normalisation's)
}

export interface StepResult {
  /** sum over the rows of the per-row loss (cross-entropy, or squared error summed over outputs), times the weights */
  lossSum: tf.Scalar;
  /** gradient of the mean loss (weighted: sum(w loss) / sum(w)) w.r.t. every trainable block of the live nodes */
  grads: GradPart[];
  /** batch statistics of every batch-normalised live node, for the moving averages */
  moments: BatchMoments[];
}

/** activations the wasm _FusedMatMul applies itself */
const FUSED = new Set<NasActivation>(["relu", "elu", "linear"]);

function activate(kind: NasActivation, z: tf.Tensor2D): tf.Tensor2D {
  switch (kind) {
    case "relu":
      return tf.relu(z);
    case "elu":
      return tf.elu(z);
    case "tanh":
      return tf.tanh(z);
    case "selu":
      return tf.selu(z);
    case "gelu": // exactly tfjs-layers' gelu: x * 0.5 * (1 + erf(x / sqrt 2))
      return tf.mul(z, tf.mul(0.5, tf.add(1, tf.erf(tf.mul(z, Math.SQRT1_2)))));
    case "linear":
      return z;
  }
}

interface DenseCache {
  input: tf.Tensor2D;
  a: tf.Tensor2D; // activation output before dropout
  pre: tf.Tensor2D | null; // activation input, kept for gelu
  out: tf.Tensor2D;
  zhat?: tf.Tensor2D;
  invStd?: tf.Tensor2D; // [1, units]
}

interface GatedCache {
  input: tf.Tensor2D;
  value: tf.Tensor2D; // x Wv + bv
  gate: tf.Tensor2D; // sigmoid(x Wg + bg)
}

type DenseNode = Extract<NodeSpec, { op: "dense" }>;

/** The per-batch helpers: a ones row, column sums and means (as [1,B] x [B,n] products). */
function batchHelpers(B: number) {
  const ones = tf.ones([1, B]) as tf.Tensor2D;
  const meanRow = tf.fill([1, B], 1 / B) as tf.Tensor2D;
  return {
    ones,
    colSum: (t: tf.Tensor) => tf.matMul(ones, t as tf.Tensor2D),
    colMean: (t: tf.Tensor) => tf.matMul(meanRow, t as tf.Tensor2D),
  };
}

type Helpers = ReturnType<typeof batchHelpers>;

function denseForward(
  node: DenseNode,
  l: Linear,
  input: tf.Tensor2D,
  params: StepParams,
  training: { mask: tf.Tensor2D | undefined; h: Helpers; moments: BatchMoments[] } | { inference: InferenceParams },
): DenseCache {
  const act = node.activation;
  let a: tf.Tensor2D;
  let pre: tf.Tensor2D | null = null;
  const cache: Partial<DenseCache> = {};
  if (l.bn) {
    const z = tf.matMul(input, params.kernel(l));
    let u: tf.Tensor2D;
    if ("inference" in training) {
      const p = training.inference;
      const scale = tf.mul(params.gamma(l), tf.rsqrt(tf.add(p.movingVariance(l), BN_EPSILON)));
      u = tf.add(tf.mul(tf.sub(z, p.movingMean(l)), scale), params.beta(l));
    } else {
      const { colMean } = training.h;
      const mean = colMean(z);
      const centered = tf.sub(z, mean);
      const variance = colMean(tf.square(centered));
      const invStd = tf.rsqrt(tf.add(variance, BN_EPSILON)) as tf.Tensor2D;
      const zhat = tf.mul(centered, invStd) as tf.Tensor2D;
      u = tf.add(tf.mul(zhat, params.gamma(l)), params.beta(l));
      Object.assign(cache, { zhat, invStd });
      training.moments.push({ linear: l, mean, variance });
    }
    pre = u;
    a = activate(act, u);
  } else if (FUSED.has(act)) {
    a = tf.fused.matMul({ a: input, b: params.kernel(l), bias: params.bias(l), activation: act as "relu" | "elu" | "linear" }) as tf.Tensor2D;
  } else {
    pre = tf.fused.matMul({ a: input, b: params.kernel(l), bias: params.bias(l) }) as tf.Tensor2D;
    a = activate(act, pre);
  }
  const mask = "inference" in training ? undefined : training.mask;
  const out = mask ? (tf.mul(a, mask) as tf.Tensor2D) : a;
  return { ...cache, input, a, pre: act === "gelu" ? pre : null, out };
}

function gatedForward(value: Linear, gate: Linear, input: tf.Tensor2D, params: StepParams): GatedCache & { out: tf.Tensor2D } {
  const v = tf.fused.matMul({ a: input, b: params.kernel(value), bias: params.bias(value) }) as tf.Tensor2D;
  const g = tf.fused.matMul({ a: input, b: params.kernel(gate), bias: params.bias(gate), activation: "sigmoid" }) as tf.Tensor2D;
  return { input, value: v, gate: g, out: tf.mul(v, g) };
}

/** Runs the live nodes forward; returns every node's output (and "input"), plus the caches a backward pass needs. */
function forwardNodes(
  layout: ParamLayout,
  params: StepParams,
  x: tf.Tensor2D,
  training: { batch: StepBatch; h: Helpers; moments: BatchMoments[] } | { inference: InferenceParams },
) {
  const values = new Map<string, tf.Tensor2D>([["input", x]]);
  const dense = new Map<string, DenseCache>();
  const gated = new Map<string, GatedCache>();
  const get = (id: string) => values.get(id)!;
  for (const node of layout.arch.nodes) {
    if (!layout.live.has(node.id)) continue;
    switch (node.op) {
      case "dense": {
        const l = layout.byNode.get(node.id)![0];
        const mode = "inference" in training ? training : { mask: training.batch.masks.get(node.id), h: training.h, moments: training.moments };
        const c = denseForward(node, l, get(node.input), params, mode);
        dense.set(node.id, c);
        values.set(node.id, c.out);
        break;
      }
      case "gated": {
        const [v, g] = layout.byNode.get(node.id)!;
        const c = gatedForward(v, g, get(node.input), params);
        gated.set(node.id, c);
        values.set(node.id, c.out);
        break;
      }
      case "identity":
        values.set(node.id, get(node.input));
        break;
      case "add":
        values.set(node.id, node.inputs.length === 2 ? tf.add(get(node.inputs[0]), get(node.inputs[1])) : tf.addN(node.inputs.map(get)));
        break;
      case "concat":
        values.set(node.id, tf.concat(node.inputs.map(get), 1));
        break;
    }
  }
  return { values, dense, gated };
}

/**
 * Forward and backward pass for one batch in training mode (batch statistics, dropout). Call inside tf.tidy.
 * Sample weights change the loss only (batch-norm statistics stay the batch's plain moments).
 */
export function trainStep(layout: ParamLayout, params: StepParams, batch: StepBatch): StepResult {
  const { arch } = layout;
  const B = batch.x.shape[0];
  const h = batchHelpers(B);
  const moments: BatchMoments[] = [];
  const { values, dense, gated } = forwardNodes(layout, params, batch.x, { batch, h, moments });
  const head = layout.byNode.get("head")![0];
  const hOut = values.get(arch.output)!;
  const z = tf.fused.matMul({ a: hOut, b: params.kernel(head), bias: params.bias(head) }) as tf.Tensor2D;

  // the loss (summed over rows, weighted if the batch is) and its gradient w.r.t. the logits (of the (weighted) mean)
  const w = batch.weight;
  const rowScale = (factor: number) => (w ? tf.mul(w.values, factor / w.sum) : factor / B);
  const weightedSum = (perRow: tf.Tensor) => tf.sum(w ? tf.mul(perRow, w.values) : perRow) as tf.Scalar;
  let lossSum: tf.Scalar;
  let dz: tf.Tensor2D;
  if (arch.head === "sigmoid") {
    const negM = tf.mul(z, batch.target); // -(2y-1) z
    lossSum = weightedSum(tf.softplus(negM));
    dz = tf.mul(tf.sigmoid(negM), tf.mul(batch.target, rowScale(1)));
  } else if (arch.head === "softmax") {
    const p = tf.softmax(z);
    const picked = tf.sum(tf.mul(p, batch.target), 1, true); // [B,1]: the true class's probability
    lossSum = tf.neg(weightedSum(tf.log(tf.clipByValue(picked, 1e-30, 1))));
    dz = tf.mul(tf.sub(p, batch.target), rowScale(1));
  } else {
    const r = tf.sub(z, batch.target);
    lossSum = weightedSum(tf.square(r));
    dz = tf.mul(r, rowScale(2));
  }

  // backward: every node's output gradient is the sum of what its readers send it
  const grads: GradPart[] = [];
  const pending = new Map<string, tf.Tensor2D[]>();
  const send = (id: string, g: tf.Tensor2D) => {
    if (id === "input") return;
    const list = pending.get(id);
    if (list) list.push(g);
    else pending.set(id, [g]);
  };
  // [t^T; 1] per input tensor: the kernel and bias gradients of a linear in one product (see linearGrads)
  const augmented = new Map<tf.Tensor, tf.Tensor2D>();
  if (batch.xT) augmented.set(batch.x, batch.xT);
  const inputT = (t: tf.Tensor2D) => {
    let r = augmented.get(t);
    if (!r) augmented.set(t, (r = tf.concat([transpose2d(t), h.ones], 0)));
    return r;
  };
  /**
   * Kernel and bias gradients of a linear from its input and the gradient `d` of its output (pre-activation):
   * [x^T; 1] d = [x^T d; 1^T d] is the kernel's gradient followed by the bias's, which is how theta stores them.
   * (The bias's column sum as a separate 1^T d product would cost as much as the kernel's: the wasm matMul packs
   * its right operand, d, for every new tensor, at about 6 ns per element.)
   */
  const linearGrads = (l: Linear, input: tf.Tensor2D, d: tf.Tensor2D, withBias: boolean) => {
    const g = tf.matMul(inputT(input), d); // [inputs + 1, units]
    grads.push({ offset: l.kernel, size: (l.inputs + (withBias ? 1 : 0)) * l.units, value: g });
  };
  const inputGrad = (l: Linear, inputId: string, d: tf.Tensor2D) => {
    if (inputId !== "input") send(inputId, tf.matMul(d, params.kernelT(l)));
  };

  linearGrads(head, hOut, dz, true);
  inputGrad(head, arch.output, dz);
  for (let i = arch.nodes.length - 1; i >= 0; i--) {
    const node = arch.nodes[i];
    const parts = pending.get(node.id);
    if (!parts) continue; // not live
    const d = parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor2D);
    switch (node.op) {
      case "dense": {
        const l = layout.byNode.get(node.id)![0];
        const c = dense.get(node.id)!;
        const mask = batch.masks.get(node.id);
        const dPre = activationGrad(node.activation, mask ? tf.mul(d, mask) : d, c.a, c.pre);
        let dZ: tf.Tensor2D;
        if (l.bn) {
          // with S1 = colSum(dPre zhat) (gamma's gradient) and S2 = colSum(dPre) (beta's), gamma and beta being
          // neighbours in theta: dZ = invStd gamma (dPre - S2/B - zhat S1/B)
          const S = h.colSum(tf.concat([tf.mul(dPre, c.zhat!), dPre], 1)); // [1, 2 units] = [S1 | S2]
          grads.push({ offset: l.bn.gamma, size: 2 * l.units, value: S });
          const [S1, S2] = tf.split(tf.mul(S, 1 / B), 2, 1);
          dZ = tf.mul(tf.mul(c.invStd!, params.gamma(l)), tf.sub(tf.sub(dPre, S2), tf.mul(c.zhat!, S1))) as tf.Tensor2D;
        } else {
          dZ = dPre;
        }
        linearGrads(l, c.input, dZ, !l.bn);
        inputGrad(l, node.input, dZ);
        break;
      }
      case "gated": {
        const [v, g] = layout.byNode.get(node.id)!;
        const c = gated.get(node.id)!;
        const dValue = tf.mul(d, c.gate) as tf.Tensor2D;
        const dGate = tf.mul(tf.mul(d, c.value), tf.mul(c.gate, tf.sub(1, c.gate))) as tf.Tensor2D;
        linearGrads(v, c.input, dValue, true);
        linearGrads(g, c.input, dGate, true);
        if (node.input !== "input") send(node.input, tf.add(tf.matMul(dValue, params.kernelT(v)), tf.matMul(dGate, params.kernelT(g))));
        break;
      }
      case "identity":
        send(node.input, d);
        break;
      case "add":
        for (const id of node.inputs) send(id, d);
        break;
      case "concat": {
        const parts = tf.split(d, node.inputs.map((id) => layout.widths.get(id)!), 1);
        node.inputs.forEach((id, k) => send(id, parts[k] as tf.Tensor2D));
        break;
      }
    }
  }
  return { lossSum, grads, moments };
}

/** The model's output (sigmoid / softmax probabilities or linear values) in inference mode: moving statistics, no dropout. */
export function inferenceForward(layout: ParamLayout, params: InferenceParams, x: tf.Tensor2D): tf.Tensor2D {
  const { values } = forwardNodes(layout, params, x, { inference: params });
  const head = layout.byNode.get("head")![0];
  const activation = layout.arch.head === "softmax" ? "linear" : layout.arch.head;
  const z = tf.fused.matMul({ a: values.get(layout.arch.output)!, b: params.kernel(head), bias: params.bias(head), activation }) as tf.Tensor2D;
  return layout.arch.head === "softmax" ? tf.softmax(z) : z;
}
