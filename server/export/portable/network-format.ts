import { z } from "zod";
import type { Matrix, Task } from "../../models/family";

/**
 * The portable form of a neural network (the "mlp" and "nas" families): a graph of operations on named tensors,
 * listed in topological order. Every tensor is a matrix [rows, width]; the graph's input tensor is called "input"
 * (the preprocessed, feature-selected matrix, `inputs` columns) and every op writes one tensor named by its `id`,
 * reading only "input" or tensors written by ops before it. The tensor named `output` holds the logits; `head`
 * says how they become predictions:
 *   - "sigmoid" (binary, 1 logit):  p = 1 / (1 + exp(-z)) is P(class 1); the predictions are [1 - p, p] per row
 *   - "softmax" (multiclass, k logits): exp(z_j - max z) / sum over j, per row
 *   - "linear"  (regression, 1 value): z * targetScaler.std + targetScaler.mean (the network was trained on the
 *     standardised target)
 * Both families end in one dense layer (op id "output" for mlp, "head" for nas) that produces these logits.
 *
 * Ops (x is the input tensor, rows x width):
 *   - dense:      x @ kernel + bias (kernel [width, units], bias [units], or null where a batch norm follows)
 *   - batch_norm: (x - movingMean) * gamma / sqrt(movingVariance + epsilon) + beta, per column (inference form)
 *   - activation: elementwise; relu max(x, 0); elu x > 0 ? x : exp(x) - 1; selu 1.0507009873554805 * (x > 0 ? x :
 *                 1.6732632423543772 * (exp(x) - 1)); tanh; sigmoid; gelu x * (1 + erf(x / sqrt 2)) / 2 with erf as
 *                 TensorFlow.js computes it (Abramowitz & Stegun 7.1.26, error below 1.5e-7)
 *   - dropout:    identity at prediction (inverted dropout with `rate` in training)
 *   - identity:   x unchanged (a searched cell's skip operation)
 *   - add:        the elementwise sum of the inputs (equal widths); multiply: their elementwise product
 *   - concat:     the inputs side by side, in order (width: the sum)
 * The mlp family is a chain [dense -> batch_norm? -> activation -> dropout?] x depth -> dense; the nas family adds
 * residual connections and parallel branches (add, concat), gated units (dense, dense -> sigmoid, multiply) and
 * stacked searched cells (identity, add). The studio computes all of it in float32.
 *
 * Fields marked "training" do not affect predictions: they say how the studio trained the network, so that it can
 * be retrained from scratch the same way (notebook python/network.py). The random draws (initial kernels, each
 * epoch's row order, dropout masks) follow from the fit's seed by the family's generators, which network.py ports:
 * mlp, TensorFlow.js's seeded initialisers (server/models/tfjs-mlp/network.ts); nas, the engine's own
 * (server/models/nas/engine/layout.ts); both shuffle and draw masks with server/models/tfjs-mlp/rng.ts.
 */

/** A float32 array: its shape and the little-endian IEEE-754 bytes of its values in row-major (C) order, base64. */
export const Float32Tensor = z
  .object({ dtype: z.literal("float32"), shape: z.array(z.number().int().nonnegative()), base64: z.string() })
  .strict();
export type Float32Tensor = z.infer<typeof Float32Tensor>;

const name = z.string().min(1);

/** Training: how a kernel was drawn before training; biases and beta start at 0, gamma at 1. */
export const KernelInit = z.discriminatedUnion("distribution", [
  /** normal(0, std), values beyond 2 std redrawn (He / LeCun normal) */
  z.object({ distribution: z.literal("truncated_normal"), std: z.number().positive() }).strict(),
  /** uniform in [-limit, limit] (Glorot uniform) */
  z.object({ distribution: z.literal("uniform"), limit: z.number().positive() }).strict(),
]);

export type KernelInit = z.infer<typeof KernelInit>;

export const ACTIVATION_FNS = ["relu", "elu", "selu", "tanh", "gelu", "sigmoid"] as const;
export type ActivationFn = (typeof ACTIVATION_FNS)[number];

export const NetworkOp = z.discriminatedUnion("op", [
  z
    .object({
      op: z.literal("dense"),
      id: name,
      input: name,
      kernel: Float32Tensor,
      bias: Float32Tensor.nullable(),
      init: KernelInit,
      /** training: the penalty l2 * sum(kernel^2) added to the loss */
      l2: z.number().min(0),
    })
    .strict(),
  z
    .object({
      op: z.literal("batch_norm"),
      id: name,
      input: name,
      gamma: Float32Tensor,
      beta: Float32Tensor,
      movingMean: Float32Tensor,
      movingVariance: Float32Tensor,
      epsilon: z.number().positive(),
      /**
       * training: normalise with the batch's mean and (biased) variance; after each step moving = momentum * moving +
       * (1 - momentum) * batch, the variance's batch value unbiased by B / (B - 1)
       */
      momentum: z.number().min(0).max(1),
    })
    .strict(),
  z.object({ op: z.literal("activation"), id: name, input: name, fn: z.enum(ACTIVATION_FNS) }).strict(),
  z.object({ op: z.literal("dropout"), id: name, input: name, rate: z.number().min(0).lt(1) }).strict(),
  z.object({ op: z.literal("identity"), id: name, input: name }).strict(),
  z.object({ op: z.enum(["add", "concat", "multiply"]), id: name, inputs: z.array(name).min(2) }).strict(),
]);
export type NetworkOp = z.infer<typeof NetworkOp>;

/** Training: the learning rate at `progress` epochs (fractional within an epoch: batch start row / rows). */
export const LrSchedule = z.discriminatedUnion("type", [
  z.object({ type: z.literal("constant") }).strict(),
  /** base * (minFactor + (1 - minFactor) * (1 + cos(pi * min(progress / epochs, 1))) / 2) */
  z.object({ type: z.literal("cosine"), epochs: z.number().positive(), minFactor: z.number().min(0).max(1) }).strict(),
  /** base * factor ^ floor(progress / everyEpochs) */
  z.object({ type: z.literal("step"), everyEpochs: z.number().positive(), factor: z.number().positive() }).strict(),
]);

/**
 * Training, per epoch: the rows in a fresh random order, cut into batches of batchSize (the last one smaller); per
 * batch the mean loss (weighted: sum(w loss) / sum(w); a batch whose weights sum to 0 is skipped) plus the ops' L2
 * penalties, one optimizer step (Keras' update rules):
 *   - adam:    m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2); theta -= lr sqrt(1 - beta2^t) / (1 - beta1^t) m / (sqrt(v) + epsilon)
 *   - rmsprop: v = beta2 v + (1 - beta2) g^2; s = lr g / (sqrt(v) + epsilon); momentum > 0: m = momentum m + s, theta -= m; else theta -= s
 *   - sgd:     m = momentum m - lr g; theta += m
 * The loss: binary cross-entropy on the sigmoid logit, categorical cross-entropy on the softmax, squared error on
 * the standardised target (mean and population standard deviation of the training target).
 */
export const NetworkTraining = z
  .object({
    optimizer: z.enum(["adam", "rmsprop", "sgd"]),
    learningRate: z.number().positive(),
    schedule: LrSchedule,
    batchSize: z.number().int().positive(),
    beta1: z.number(),
    beta2: z.number(),
    epsilon: z.number(),
    momentum: z.number(),
  })
  .strict();
export type NetworkTraining = z.infer<typeof NetworkTraining>;

export const PortableNetwork = z
  .object({
    kind: z.literal("network"),
    family: z.enum(["mlp", "nas"]),
    /** the width of the tensor "input" */
    inputs: z.number().int().positive(),
    ops: z.array(NetworkOp),
    /** the tensor holding the logits */
    output: name,
    head: z.enum(["sigmoid", "softmax", "linear"]),
    /** regression: the training target's mean and standard deviation; null for classifiers */
    targetScaler: z.object({ mean: z.number(), std: z.number() }).nullable(),
    training: NetworkTraining,
  })
  .strict();
export type PortableNetwork = z.infer<typeof PortableNetwork>;

/** Rows evaluated at a time: bounds the memory of the intermediate tensors. */
const CHUNK_ROWS = 1024;

const decoded = new WeakMap<Float32Tensor, Float32Array>();

/** A tensor's values (decoded once per tensor object); throws when the bytes do not fit the shape. */
function tensorValues(t: Float32Tensor): Float32Array {
  let values = decoded.get(t);
  if (!values) {
    const bytes = Uint8Array.from(atob(t.base64), (c) => c.charCodeAt(0));
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (bytes.length !== size * 4) throw new Error(`network: a tensor of shape [${t.shape.join(", ")}] holds ${bytes.length} bytes, not ${size * 4}`);
    const view = new DataView(bytes.buffer);
    values = Float32Array.from({ length: size }, (_, i) => view.getFloat32(4 * i, true));
    decoded.set(t, values);
  }
  return values;
}

interface Value {
  width: number;
  data: Float32Array;
}

const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

/** TensorFlow.js's erf (Abramowitz & Stegun 7.1.26) */
function erf(x: number): number {
  const v = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * v);
  const poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return Math.sign(x) * (1 - poly * Math.exp(-v * v));
}

const ACTIVATIONS: Record<ActivationFn, (x: number) => number> = {
  relu: (x) => (x > 0 ? x : 0),
  elu: (x) => (x > 0 ? x : Math.exp(x) - 1),
  selu: (x) => (x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * (Math.exp(x) - 1)),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  gelu: (x) => x * 0.5 * (1 + erf(x / Math.SQRT2)),
};

function vector(t: Float32Tensor, size: number, what: string): Float32Array {
  const v = tensorValues(t);
  if (v.length !== size) throw new Error(`network: ${what} has ${v.length} values, expected ${size}`);
  return v;
}

function dense(op: Extract<NetworkOp, { op: "dense" }>, x: Value, rows: number): Value {
  const [inputs, units] = op.kernel.shape;
  if (op.kernel.shape.length !== 2 || inputs !== x.width) throw new Error(`network: dense "${op.id}" has a kernel of shape [${op.kernel.shape.join(", ")}] for an input ${x.width} wide`);
  const kernel = tensorValues(op.kernel);
  const bias = op.bias && vector(op.bias, units, `the bias of "${op.id}"`);
  const out = new Float32Array(rows * units);
  for (let r = 0; r < rows; r++) {
    // a float32 accumulator per output, as the studio's matrix product has
    const acc = out.subarray(r * units, (r + 1) * units);
    for (let i = 0; i < inputs; i++) {
      const a = x.data[r * inputs + i];
      const k = i * units;
      for (let j = 0; j < units; j++) acc[j] += a * kernel[k + j];
    }
    if (bias) for (let j = 0; j < units; j++) acc[j] += bias[j];
  }
  return { width: units, data: out };
}

function batchNorm(op: Extract<NetworkOp, { op: "batch_norm" }>, x: Value, rows: number): Value {
  const w = x.width;
  const [gamma, beta, mean, variance] = [op.gamma, op.beta, op.movingMean, op.movingVariance].map((t) => vector(t, w, `batch norm "${op.id}"`));
  const out = new Float32Array(rows * w);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < w; j++) out[r * w + j] = beta[j] + ((x.data[r * w + j] - mean[j]) * gamma[j]) / Math.sqrt(variance[j] + op.epsilon);
  }
  return { width: w, data: out };
}

function merge(op: Extract<NetworkOp, { op: "add" | "concat" | "multiply" }>, ins: Value[], rows: number): Value {
  if (op.op === "concat") {
    const width = ins.reduce((n, v) => n + v.width, 0);
    const out = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) {
      let offset = r * width;
      for (const v of ins) {
        out.set(v.data.subarray(r * v.width, (r + 1) * v.width), offset);
        offset += v.width;
      }
    }
    return { width, data: out };
  }
  const width = ins[0].width;
  if (ins.some((v) => v.width !== width)) throw new Error(`network: "${op.id}" merges tensors of widths ${ins.map((v) => v.width).join(", ")}`);
  const out = Float32Array.from(ins[0].data);
  for (const v of ins.slice(1)) {
    if (op.op === "add") for (let i = 0; i < out.length; i++) out[i] += v.data[i];
    else for (let i = 0; i < out.length; i++) out[i] *= v.data[i];
  }
  return { width, data: out };
}

/** The logits of `rows` rows of x (row-major, model.inputs wide). */
function logits(model: PortableNetwork, x: Float32Array, rows: number): Value {
  const values = new Map<string, Value>([["input", { width: model.inputs, data: x }]]);
  const read = (id: string, by: string) => {
    const v = values.get(id);
    if (!v) throw new Error(`network: op "${by}" reads "${id}", which no earlier op writes`);
    return v;
  };
  for (const op of model.ops) {
    if (values.has(op.id)) throw new Error(`network: tensor "${op.id}" is written twice`);
    let out: Value;
    switch (op.op) {
      case "dense":
        out = dense(op, read(op.input, op.id), rows);
        break;
      case "batch_norm":
        out = batchNorm(op, read(op.input, op.id), rows);
        break;
      case "activation": {
        const v = read(op.input, op.id);
        const f = ACTIVATIONS[op.fn];
        out = { width: v.width, data: v.data.map(f) };
        break;
      }
      case "dropout":
      case "identity":
        out = read(op.input, op.id);
        break;
      default:
        out = merge(op, op.inputs.map((id) => read(id, op.id)), rows);
    }
    values.set(op.id, out);
  }
  return read(model.output, "output");
}

/**
 * The model's predictions, as the family's FittedModel.predict gives them: binary rows x 2 and multiclass rows x k
 * probabilities (row-major), regression one value per row. Pure: no TensorFlow.js.
 */
export function predictNetwork(model: PortableNetwork, x: Matrix, task: Task): Float32Array {
  if (x.cols !== model.inputs) throw new Error(`network: expected ${model.inputs} columns, got ${x.cols}`);
  const expected = { binary: "sigmoid", multiclass: "softmax", regression: "linear" }[task.type];
  if (model.head !== expected) throw new Error(`network: a ${model.head} head does not predict a ${task.type} task`);
  const k = task.type === "binary" ? 2 : task.type === "multiclass" ? task.classes.length : 1;
  const out = new Float32Array(x.rows * k);
  for (let start = 0; start < x.rows; start += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, x.rows - start);
    const z = logits(model, x.data.subarray(start * x.cols, (start + rows) * x.cols), rows);
    const width = task.type === "multiclass" ? k : 1;
    if (z.width !== width) throw new Error(`network: the logits are ${z.width} wide, a ${task.type} task needs ${width}`);
    for (let r = 0; r < rows; r++) {
      const row = start + r;
      if (task.type === "binary") {
        const p = Math.fround(ACTIVATIONS.sigmoid(z.data[r]));
        out[2 * row] = 1 - p;
        out[2 * row + 1] = p;
      } else if (task.type === "regression") {
        const scaler = model.targetScaler ?? { mean: 0, std: 1 };
        out[row] = z.data[r] * scaler.std + scaler.mean;
      } else {
        const zr = z.data.subarray(r * k, (r + 1) * k);
        const max = Math.max(...zr);
        let sum = 0;
        for (let j = 0; j < k; j++) sum += Math.exp(zr[j] - max);
        for (let j = 0; j < k; j++) out[row * k + j] = Math.exp(zr[j] - max) / sum;
      }
    }
  }
  return out;
}
