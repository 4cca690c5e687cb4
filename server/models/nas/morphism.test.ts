import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../automl/rng";
import { initBackend } from "../backend";
import { BN_EPSILON, nodeWidths, type Architecture, type NodeSpec, type Weights } from "./architecture";
import { buildModel, readWeights, writeWeights } from "./build";
import { deepen, widen, type Morphed } from "./morphism";

beforeAll(async () => {
  await initBackend();
});

const plain = { batchNorm: false, dropout: 0, l2: 0 };

/** a cell of three blocks on inputs (before, previous), 10 wide, with every kind of op; its output adds blocks 1 and 2 */
function cell(c: number, before: string, previous: string): NodeSpec[] {
  const p = `cell${c}`;
  return [
    { id: `${p}.b0.left`, op: "dense", input: previous, units: 10, activation: "relu", batchNorm: true, dropout: 0.1, l2: 1e-4 },
    { id: `${p}.b0.right`, op: "identity", input: before },
    { id: `${p}.b0`, op: "add", inputs: [`${p}.b0.left`, `${p}.b0.right`] },
    { id: `${p}.b1.left`, op: "gated", input: `${p}.b0`, units: 10 },
    { id: `${p}.b1.right`, op: "dense", input: previous, units: 10, activation: "tanh", ...plain },
    { id: `${p}.b1`, op: "add", inputs: [`${p}.b1.left`, `${p}.b1.right`] },
    { id: `${p}.b2.left`, op: "dense", input: before, units: 10, activation: "tanh", batchNorm: true, dropout: 0, l2: 0 },
    { id: `${p}.b2.right`, op: "identity", input: `${p}.b0` },
    { id: `${p}.b2`, op: "add", inputs: [`${p}.b2.left`, `${p}.b2.right`] },
    { id: `${p}.out`, op: "add", inputs: [`${p}.b1`, `${p}.b2`] },
  ];
}

/** batch norm, parallel branches merged by concat, a residual add through a projection, then a cell stacked twice */
const parent: Architecture = {
  inputs: 6,
  nodes: [
    { id: "stem", op: "dense", input: "input", units: 12, activation: "relu", batchNorm: true, dropout: 0.1, l2: 1e-4 },
    { id: "b0.br0", op: "dense", input: "stem", units: 8, activation: "tanh", ...plain },
    { id: "b0.br1", op: "dense", input: "stem", units: 5, activation: "relu", batchNorm: true, dropout: 0.2, l2: 0 },
    { id: "b0.merge", op: "concat", inputs: ["b0.br0", "b0.br1"] },
    { id: "b0.proj", op: "dense", input: "stem", units: 13, activation: "linear", ...plain },
    { id: "b0.res", op: "add", inputs: ["b0.merge", "b0.proj"] },
    { id: "pre", op: "dense", input: "b0.res", units: 10, activation: "elu", batchNorm: true, dropout: 0, l2: 0 },
    ...cell(0, "pre", "pre"),
    ...cell(1, "pre", "cell0.out"),
  ],
  output: "cell1.out",
  outputs: 2,
  head: "linear",
};

function data(rows: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const rng = createRng(seed);
  const x = Array.from({ length: rows }, () => Array.from({ length: 6 }, () => rng.normal()));
  const y = x.map((r) => [Math.sin(r[0]) + r[1] * r[2], r[3] - 0.5 * r[4] * r[4] + r[5]]);
  return { x: tf.tensor2d(x), y: tf.tensor2d(y) };
}

function predict(morphed: Morphed, seed: number, x: tf.Tensor2D): Float32Array {
  const model = buildModel(morphed.arch, seed);
  writeWeights(model, morphed.weights);
  const out = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
  model.dispose();
  return Float32Array.from(out);
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe("network morphisms on a trained network", () => {
  it("widen and deepen (in the stem, a concat branch, a residual add, the cell) keep the predictions", async () => {
    const train = data(320, 1);
    const heldOut = data(64, 2);
    const model = buildModel(parent, 3);
    model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
    await model.fit(train.x, train.y, { epochs: 4, batchSize: 32, shuffle: false, verbose: 0 });
    const trained: Morphed = { arch: parent, weights: readWeights(model) };
    model.dispose();
    // the batch-norm statistics have moved away from their initial values (mean 0, variance 1)
    const [, , mean, variance] = trained.weights.get("cell1.b2.left.bn")!;
    expect(Math.max(...mean.map(Math.abs))).toBeGreaterThan(0.01);
    expect(Math.max(...variance.map((v) => Math.abs(v - 1)))).toBeGreaterThan(0.01);

    const expected = predict(trained, 3, heldOut.x);
    expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(0.5); // the 1e-5 below is small next to the outputs

    const rng = createRng(11);
    const steps: [string, (m: Morphed) => Morphed][] = [
      ["widen stem (read by three dense nodes)", (m) => widen(m.arch, m.weights, "stem", 20, rng)],
      ["widen a branch merged by concat into a residual add", (m) => widen(m.arch, m.weights, "b0.br1", 9, rng)],
      ["widen a cell op (its whole add group)", (m) => widen(m.arch, m.weights, "cell0.b0.left", 16, rng)],
      ["deepen the stem, batch-normalised", (m) => deepen(m.arch, m.weights, "stem", { batchNorm: true })],
      ["deepen after the residual add", (m) => deepen(m.arch, m.weights, "b0.res")],
      ["deepen inside the cell", (m) => deepen(m.arch, m.weights, "cell0.b0.left")],
      ["deepen the output", (m) => deepen(m.arch, m.weights, "cell1.out")],
      ["widen a deepened node", (m) => widen(m.arch, m.weights, "b0.res.deep", 24, rng)],
    ];
    let current = trained;
    for (const [what, step] of steps) {
      current = step(current);
      const diff = maxAbsDiff(predict(current, 5, heldOut.x), expected);
      expect(diff, what).toBeLessThan(1e-5);
    }
    heldOut.x.dispose();
    heldOut.y.dispose();
    train.x.dispose();
    train.y.dispose();

    const widths = nodeWidths(current.arch);
    expect(widths.get("stem")).toBe(20);
    expect(widths.get("b0.merge")).toBe(17); // 8 + 9
    expect(widths.get("b0.proj")).toBe(17); // follows the concat it is added to
    expect(widths.get("b0.res.deep")).toBe(24);
    expect(widths.get("pre")).toBe(16); // the cells' input is added in the cells, so it widened with them
    expect(widths.get("cell1.out")).toBe(16);
    expect(current.arch.output).toBe("cell1.out.deep");
    const byId = new Map(current.arch.nodes.map((n) => [n.id, n]));
    expect(byId.get("cell0.b0.left.deep")).toMatchObject({ op: "dense", activation: "relu", units: 16 });
    expect(byId.get("cell0.b0")).toMatchObject({ inputs: ["cell0.b0.left.deep", "cell0.b0.right"] });
    expect(byId.get("b0.res.deep")).toMatchObject({ activation: "linear" });
    expect(byId.get("pre")).toMatchObject({ input: "b0.res.deep" });
  });
});

/** 2 inputs -> a (3 units) -> b (2 units) -> head, with known weights */
function small(): Morphed {
  const arch: Architecture = {
    inputs: 2,
    nodes: [
      { id: "a", op: "dense", input: "input", units: 3, activation: "relu", ...plain },
      { id: "b", op: "dense", input: "a", units: 2, activation: "tanh", ...plain },
    ],
    output: "b",
    outputs: 1,
    head: "sigmoid",
  };
  const weights: Weights = new Map([
    ["a", [Float32Array.of(1, 2, 3, 4, 5, 6), Float32Array.of(0.1, 0.2, 0.3)]],
    ["b", [Float32Array.of(1, 2, 3, 4, 5, 6), Float32Array.of(-1, 1)]],
    ["head", [Float32Array.of(7, 8), Float32Array.of(0.5)]],
  ]);
  return { arch, weights };
}

describe("widen", () => {
  it("copies the chosen units' columns and divides the consumer's rows by the number of copies", () => {
    const { arch, weights } = small();
    const before = weights.get("b")![0].slice();
    const out = widen(arch, weights, "a", 5, createRng(1));
    const [kernel, bias] = out.weights.get("a")!;
    // columns 3 and 4 copy old units; which ones is the rng's choice, read back from the bias
    const source = [0, 1, 2, ...Array.from(bias.slice(3), (b) => [0.1, 0.2, 0.3].findIndex((v) => Math.abs(v - b) < 1e-7))];
    expect(source.slice(3).every((s) => s >= 0)).toBe(true);
    expect(Array.from(kernel)).toEqual([0, 1].flatMap((r) => source.map((s) => [1, 2, 3, 4, 5, 6][r * 3 + s])));
    const copies = [0, 1, 2].map((o) => source.filter((s) => s === o).length);
    const [bKernel, bBias] = out.weights.get("b")!;
    expect(Array.from(bKernel)).toEqual(source.flatMap((s) => [0, 1].map((c) => Math.fround([1, 2, 3, 4, 5, 6][s * 2 + c] / copies[s]))));
    expect(Array.from(bBias)).toEqual([-1, 1]);
    expect(out.weights.get("head")!.map((a) => Array.from(a))).toEqual([[7, 8], [0.5]]);
    expect(out.arch.nodes[0]).toMatchObject({ id: "a", units: 5 });
    expect(Array.from(weights.get("b")![0])).toEqual(Array.from(before)); // the input is untouched
  });

  it("widens the head's input rows when the widened node is the output", () => {
    const { arch, weights } = small();
    const out = widen(arch, weights, "b", 4, createRng(2));
    const source = [0, 1, ...Array.from(out.weights.get("b")![1].slice(2), (b) => (b === -1 ? 0 : 1))];
    const copies = [0, 1].map((o) => source.filter((s) => s === o).length);
    expect(Array.from(out.weights.get("head")![0])).toEqual(source.map((s) => Math.fround([7, 8][s] / copies[s])));
  });

  it("refuses what it cannot preserve, saying why", () => {
    const { arch, weights } = small();
    expect(() => widen(arch, weights, "a", 3, createRng(1))).toThrow('widen: "a" has 3 units; the new width must be a larger integer, got 3');
    expect(() => widen(arch, weights, "nope", 4, createRng(1))).toThrow('widen: no node "nope"');

    const residual: Architecture = {
      inputs: 2,
      nodes: [
        { id: "a", op: "dense", input: "input", units: 2, activation: "relu", ...plain },
        { id: "sum", op: "add", inputs: ["a", "input"] },
      ],
      output: "sum",
      outputs: 1,
      head: "linear",
    };
    const rw: Weights = new Map([
      ["a", [new Float32Array(4), new Float32Array(2)]],
      ["head", [new Float32Array(2), new Float32Array(1)]],
    ]);
    expect(() => widen(residual, rw, "a", 4, createRng(1))).toThrow('widen: widening "a" would widen the network input');
    expect(() => widen(residual, rw, "sum", 4, createRng(1))).toThrow('widen: "sum" is not a dense or gated node (it is add)');

    // x and y are concatenated in both orders and the two concatenations added: widening x cannot suit both
    const crossed: Architecture = {
      inputs: 2,
      nodes: [
        { id: "x", op: "dense", input: "input", units: 2, activation: "relu", ...plain },
        { id: "y", op: "dense", input: "input", units: 2, activation: "relu", ...plain },
        { id: "xy", op: "concat", inputs: ["x", "y"] },
        { id: "yx", op: "concat", inputs: ["y", "x"] },
        { id: "sum", op: "add", inputs: ["xy", "yx"] },
      ],
      output: "sum",
      outputs: 1,
      head: "linear",
    };
    const cw: Weights = new Map([
      ["x", [new Float32Array(4), new Float32Array(2)]],
      ["y", [new Float32Array(4), new Float32Array(2)]],
      ["head", [new Float32Array(4), new Float32Array(1)]],
    ]);
    expect(() => widen(crossed, cw, "x", 3, createRng(1))).toThrow('concat "yx" meets, in an add, tensors whose units are laid out differently');
  });
});

describe("deepen", () => {
  it("inserts an identity dense node, ReLU after a ReLU and linear otherwise, rewiring the readers", () => {
    const { arch, weights } = small();
    const afterA = deepen(arch, weights, "a");
    expect(afterA.arch.nodes.map((n) => n.id)).toEqual(["a", "a.deep", "b"]);
    expect(afterA.arch.nodes[1]).toEqual({ id: "a.deep", op: "dense", input: "a", units: 3, activation: "relu", batchNorm: false, dropout: 0, l2: 0 });
    expect(afterA.arch.nodes[2]).toMatchObject({ input: "a.deep" });
    expect(afterA.weights.get("a.deep")!.map((w) => Array.from(w))).toEqual([[1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0]]);

    const again = deepen(afterA.arch, afterA.weights, "a");
    expect(again.arch.nodes.map((n) => n.id)).toEqual(["a", "a.deep2", "a.deep", "b"]);

    const afterB = deepen(arch, weights, "b", { batchNorm: true });
    expect(afterB.arch.output).toBe("b.deep");
    expect(afterB.arch.nodes[2]).toMatchObject({ activation: "linear", batchNorm: true });
    const [gamma, beta, mean, variance] = afterB.weights.get("b.deep.bn")!;
    expect(Array.from(gamma)).toEqual([Math.fround(Math.sqrt(1 + BN_EPSILON)), Math.fround(Math.sqrt(1 + BN_EPSILON))]);
    expect([beta, mean, variance].map((v) => Array.from(v))).toEqual([[0, 0], [0, 0], [1, 1]]);
    expect(afterB.weights.get("b.deep")!.length).toBe(1); // no bias under batch norm

    const afterInput = deepen(arch, weights, "input");
    expect(afterInput.arch.nodes.slice(0, 2)).toMatchObject([{ id: "input.deep", input: "input", units: 2, activation: "linear" }, { id: "a", input: "input.deep" }]);
    expect(() => deepen(arch, weights, "nope")).toThrow('deepen: no node "nope"');
  });
});
