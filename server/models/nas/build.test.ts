import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../automl/rng";
import { initBackend } from "../backend";
import { toArchitecture } from "./space";
import { BN_EPSILON, layerShapes, nodeInputs, type Architecture, type Weights } from "./architecture";
import { buildModel, readWeights, writeWeights } from "./build";

beforeAll(async () => {
  await initBackend();
});

const plain = { batchNorm: false, dropout: 0, l2: 0 };

/** every op, batch norm, dropout, a residual add and a concat, over a 5-wide input */
const mixed: Architecture = {
  inputs: 5,
  nodes: [
    { id: "a", op: "dense", input: "input", units: 6, activation: "relu", batchNorm: true, dropout: 0.3, l2: 0.01 },
    { id: "b", op: "gated", input: "a", units: 6 },
    { id: "skip", op: "identity", input: "a" },
    { id: "sum", op: "add", inputs: ["b", "skip"] },
    { id: "c", op: "dense", input: "input", units: 3, activation: "tanh", ...plain },
    { id: "d", op: "dense", input: "sum", units: 4, activation: "selu", ...plain },
    { id: "e", op: "dense", input: "sum", units: 4, activation: "elu", batchNorm: true, dropout: 0, l2: 0 },
    { id: "cat", op: "concat", inputs: ["c", "d", "e", "input"] },
    { id: "f", op: "dense", input: "cat", units: 5, activation: "linear", ...plain },
  ],
  output: "f",
  outputs: 3,
  head: "softmax",
};

/** random weights of the architecture's shapes, with positive batch-norm variances */
function randomWeights(arch: Architecture, seed: number): Weights {
  const rng = createRng(seed);
  const weights: Weights = new Map();
  for (const [name, shapes] of layerShapes(arch)) {
    weights.set(
      name,
      shapes.map((shape, i) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const variance = name.endsWith(".bn") && i === 3;
        return Float32Array.from({ length: size }, () => (variance ? 0.5 + rng.float() : rng.normal(0, 0.5)));
      }),
    );
  }
  return weights;
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const activations: Record<string, (v: number) => number> = {
  relu: (v) => Math.max(0, v),
  elu: (v) => (v > 0 ? v : Math.exp(v) - 1),
  tanh: Math.tanh,
  selu: (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * (Math.exp(v) - 1)),
  linear: (v) => v,
};
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** x [rows] times kernel [rows, cols] plus bias */
function affine(x: number[], kernel: Float32Array, bias: Float32Array | undefined, cols: number): number[] {
  return Array.from({ length: cols }, (_, j) => x.reduce((s, v, i) => s + v * kernel[i * cols + j], bias ? bias[j] : 0));
}

/** The forward pass architecture.ts describes, in plain numbers, for one row. */
function reference(arch: Architecture, weights: Weights, row: number[]): number[] {
  const values = new Map<string, number[]>([["input", row]]);
  for (const node of arch.nodes) {
    const ins = nodeInputs(node).map((i) => values.get(i)!);
    let out: number[];
    if (node.op === "dense") {
      const [kernel, bias] = weights.get(node.id)!;
      out = affine(ins[0], kernel, node.batchNorm ? undefined : bias, node.units);
      if (node.batchNorm) {
        const [gamma, beta, mean, variance] = weights.get(`${node.id}.bn`)!;
        out = out.map((v, j) => ((v - mean[j]) / Math.sqrt(variance[j] + BN_EPSILON)) * gamma[j] + beta[j]);
      }
      out = out.map(activations[node.activation]);
    } else if (node.op === "gated") {
      const [vk, vb] = weights.get(`${node.id}.value`)!;
      const [gk, gb] = weights.get(`${node.id}.gate`)!;
      const gate = affine(ins[0], gk, gb, node.units);
      out = affine(ins[0], vk, vb, node.units).map((v, j) => v * sigmoid(gate[j]));
    } else if (node.op === "identity") {
      out = ins[0];
    } else if (node.op === "add") {
      out = ins[0].map((_, j) => ins.reduce((s, v) => s + v[j], 0));
    } else {
      out = ins.flat();
    }
    values.set(node.id, out);
  }
  const [kernel, bias] = weights.get("head")!;
  const logits = affine(values.get(arch.output)!, kernel, bias, arch.outputs);
  if (arch.head === "sigmoid") return logits.map(sigmoid);
  if (arch.head === "linear") return logits;
  const top = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - top));
  return e.map((v) => v / e.reduce((a, b) => a + b, 0));
}

function predict(model: tf.LayersModel, rows: number[][]): number[][] {
  return tf.tidy(() => (model.predict(tf.tensor2d(rows), { batchSize: rows.length }) as tf.Tensor).arraySync() as number[][]);
}

describe("buildModel", () => {
  it("names and shapes every layer by the convention and computes what architecture.ts describes", () => {
    const model = buildModel(mixed, 1);
    const shapes = Object.fromEntries(model.layers.filter((l) => l.weights.length > 0).map((l) => [l.name, l.weights.map((w) => w.shape)]));
    expect(shapes).toEqual(Object.fromEntries(layerShapes(mixed)));
    // the model lists layers by depth; the set is what matters (linear "f" has no activation layer; identity "skip" is a layer)
    expect(model.layers.map((l) => l.name).sort()).toEqual(
      ["input", "a", "a.bn", "a.act", "a.dropout", "b.value", "b.gate", "b.mul", "sum", "c", "c.act", "d", "d.act", "e", "e.bn", "e.act", "cat", "f", "skip", "head"].sort(),
    );

    const weights = randomWeights(mixed, 2);
    writeWeights(model, weights);
    const rng = createRng(3);
    const rows = Array.from({ length: 8 }, () => Array.from({ length: 5 }, () => rng.normal()));
    const got = predict(model, rows);
    const want = rows.map((r) => reference(mixed, weights, r));
    expect(Math.max(...got.flatMap((p, i) => p.map((v, j) => Math.abs(v - want[i][j]))))).toBeLessThan(1e-5);
    expect(got[0].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    model.dispose();
  });

  it("refuses nodes that do not reach the output, which the model would leave out", () => {
    expect(() => buildModel({ ...mixed, output: "sum" }, 1)).toThrow('buildModel: node(s) c, d, e, cat, f do not reach the output "sum"');
  });

  it("seeds each node's initial weights from the seed and its index, with the initialiser suited to its activation", () => {
    const n = 64;
    const arch: Architecture = {
      inputs: n,
      nodes: [
        { id: "r1", op: "dense", input: "input", units: n, activation: "relu", ...plain },
        { id: "r2", op: "dense", input: "input", units: n, activation: "relu", ...plain },
        { id: "s", op: "dense", input: "input", units: n, activation: "selu", ...plain },
        { id: "t", op: "dense", input: "input", units: n, activation: "tanh", ...plain },
        { id: "g", op: "gated", input: "input", units: n },
        { id: "all", op: "add", inputs: ["r1", "r2", "s", "t", "g"] },
      ],
      output: "all",
      outputs: 1,
      head: "linear",
    };
    const initial = (seed: number) => {
      const model = buildModel(arch, seed);
      const weights = readWeights(model);
      model.dispose();
      return weights;
    };
    const first = initial(7);
    expect(initial(7)).toEqual(first);
    expect(initial(8).get("r1")).not.toEqual(first.get("r1"));
    expect(first.get("r1")).not.toEqual(first.get("r2")); // same shape, another node index

    for (const [name, arrays] of first) expect(Math.max(...arrays[1].map(Math.abs)), `${name} bias`).toBe(0);
    const maxAbs = (name: string) => Math.max(...first.get(name)![0].map(Math.abs));
    const sd = (name: string) => Math.sqrt(first.get(name)![0].reduce((s, v) => s + v * v, 0) / (n * n));
    const glorot = Math.sqrt(6 / (n + n));
    for (const name of ["t", "g.value", "g.gate"]) {
      expect(maxAbs(name)).toBeLessThanOrEqual(glorot);
      expect(maxAbs(name)).toBeGreaterThan(0.95 * glorot); // uniform: fills its range
    }
    // He and LeCun normal (truncated at two deviations in TensorFlow.js): He's spread is sqrt(2) times LeCun's
    expect(maxAbs("s")).toBeLessThanOrEqual(2 * Math.sqrt(1 / n));
    expect(maxAbs("r1")).toBeGreaterThan(2 * Math.sqrt(1 / n));
    expect(maxAbs("r1")).toBeLessThanOrEqual(2 * Math.sqrt(2 / n));
    expect(sd("r1") / sd("s")).toBeCloseTo(Math.SQRT2, 1);
  });

  it("keeps dropout layers, inactive at inference, and carries the l2 penalty on the kernel", () => {
    const model = buildModel(mixed, 1);
    const dropout = model.getLayer("a.dropout");
    expect(dropout.getClassName()).toBe("Dropout");
    expect(dropout.getConfig().rate).toBe(0.3);
    expect(model.getLayer("a").getConfig().kernelRegularizer).toEqual({ className: "L1L2", config: { l1: 0, l2: 0.01 } });
    expect(model.getLayer("c").getConfig().kernelRegularizer).toBeNull();

    const withoutDropout = buildModel({ ...mixed, nodes: mixed.nodes.map((n) => (n.op === "dense" ? { ...n, dropout: 0 } : n)) }, 2);
    writeWeights(withoutDropout, readWeights(model));
    const rows = [[1, -2, 0.5, 3, -1]];
    expect(predict(model, rows)).toEqual(predict(withoutDropout, rows));
    expect(predict(model, rows)).toEqual(predict(model, rows));
    model.dispose();
    withoutDropout.dispose();
  });
});

describe("readWeights / writeWeights", () => {
  it("move every layer's weights between models, by name", () => {
    const a = buildModel(mixed, 1);
    const b = buildModel(mixed, 2);
    expect(readWeights(b).get("a")).not.toEqual(readWeights(a).get("a"));
    writeWeights(b, readWeights(a));
    expect(readWeights(b)).toEqual(readWeights(a));
    const rows = [[0.1, 0.2, 0.3, 0.4, 0.5]];
    expect(predict(b, rows)).toEqual(predict(a, rows));

    const read = readWeights(a);
    read.get("a")![0][0] = 99; // copies: the model is untouched
    expect(readWeights(a).get("a")![0][0]).not.toBe(99);
    a.dispose();
    b.dispose();
  });

  it("refuse a map that does not fit the model, naming the layer", () => {
    const model = buildModel(mixed, 1);
    const weights = readWeights(model);
    const missing = new Map(weights);
    missing.delete("e.bn");
    expect(() => writeWeights(model, missing)).toThrow("writeWeights: no weights for layer(s) e.bn");
    expect(() => writeWeights(model, new Map([...weights, ["zzz", []]]))).toThrow("writeWeights: the model has no layer(s) zzz with weights");
    expect(() => writeWeights(model, new Map([...weights, ["c", [new Float32Array(15)]]]))).toThrow('writeWeights: layer "c" has 2 weight arrays, got 1');
    expect(() => writeWeights(model, new Map([...weights, ["c", [new Float32Array(14), new Float32Array(3)]]]))).toThrow(
      'writeWeights: layer "c" weight 0 has shape [5, 3], got 14 values',
    );
    model.dispose();
  });
});

describe("buildModel with repeated inputs", () => {
  it("predicts a stacked cell whose block adds two identities of one node (the first cell's inputs are both the stem)", () => {
    // a trial's params that once failed in predict with "Cannot read properties of undefined (reading 'backend')"
    const params = {
      nas_space: "cell", cell_width: 28, cell_blocks: 3, cell_stack: 3, cell_batch_norm: true, cell_dropout: 0.47, cell_l2: 1e-4,
      cell_b0_left: 0, cell_b0_left_op: "dense_tanh", cell_b0_right: 1, cell_b0_right_op: "identity",
      cell_b1_left: 0, cell_b1_left_op: "identity", cell_b1_right: 1, cell_b1_right_op: "identity",
      cell_b2_left: 0, cell_b2_left_op: "gated", cell_b2_right: 1, cell_b2_right_op: "dense_relu",
      optimizer: "rmsprop", learning_rate: 0.008, lr_schedule: "step", batch_size: 512,
    };
    const model = buildModel(toArchitecture(params, 6, { outputs: 1, head: "sigmoid" }), 1);
    const rng = createRng(4);
    const rows = Array.from({ length: 5 }, () => Array.from({ length: 6 }, () => rng.normal()));
    const first = predict(model, rows);
    expect(first.flat().every((p) => p >= 0 && p <= 1)).toBe(true);
    // twice: the failure was a tensor the first call had disposed
    expect(predict(model, rows)).toEqual(first);
    model.dispose();
  });
});
