import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../automl/rng";
import { fromUnit } from "../../automl/space/distributions";
import { RecordingSuggest } from "../../automl/space/recording-suggest";
import { initBackend } from "../backend";
import { checkWeights, layerShapes, nodeWidths, parameterCount, parseArchitecture, unusedNodes, type Architecture, type Weights } from "./architecture";
import { buildModel } from "./build";
import { defineSpace, toArchitecture } from "./space";

beforeAll(async () => {
  await initBackend();
});

const plain = { batchNorm: false, dropout: 0, l2: 0 };

const graph: Architecture = {
  inputs: 4,
  nodes: [
    { id: "a", op: "dense", input: "input", units: 8, activation: "relu", batchNorm: true, dropout: 0.1, l2: 0 },
    { id: "g", op: "gated", input: "a", units: 8 },
    { id: "skip", op: "identity", input: "a" },
    { id: "sum", op: "add", inputs: ["g", "skip"] },
    { id: "cat", op: "concat", inputs: ["sum", "input", "a"] },
  ],
  output: "cat",
  outputs: 3,
  head: "softmax",
};

describe("nodeWidths", () => {
  it("gives every node's width: units, the input's through identity and add, the sum through concat", () => {
    expect(Object.fromEntries(nodeWidths(graph))).toEqual({ input: 4, a: 8, g: 8, skip: 8, sum: 8, cat: 20 });
  });

  it("names the offending node", () => {
    const nodes = graph.nodes;
    expect(() => nodeWidths({ ...graph, nodes: [...nodes, { id: "a", op: "identity", input: "g" }] })).toThrow('node id "a" is used twice');
    expect(() => nodeWidths({ ...graph, nodes: [{ id: "x", op: "identity", input: "input" }, { id: "input", op: "identity", input: "x" }] })).toThrow(
      'node id "input" is used twice (or is the reserved "input")',
    );
    expect(() => nodeWidths({ ...graph, nodes: [{ id: "early", op: "identity", input: "a" }, ...nodes] })).toThrow('node "early" reads "a", which is not an earlier node');
    expect(() => nodeWidths({ ...graph, nodes: [...nodes, { id: "bad", op: "add", inputs: ["sum", "input"] }] })).toThrow('node "bad" adds inputs of different widths (8, 4)');
    expect(() => nodeWidths({ ...graph, output: "nowhere" })).toThrow('output "nowhere" is not a node');
  });
});

describe("unusedNodes", () => {
  it("lists the nodes the output does not depend on", () => {
    expect(unusedNodes(graph)).toEqual([]);
    expect(unusedNodes({ ...graph, output: "sum" })).toEqual(["cat"]);
    expect(unusedNodes({ ...graph, output: "a" })).toEqual(["g", "skip", "sum", "cat"]);
  });
});

describe("parseArchitecture", () => {
  it("accepts a valid graph through JSON and refuses malformed ones", () => {
    expect(parseArchitecture(JSON.parse(JSON.stringify(graph)))).toEqual(graph);
    expect(() => parseArchitecture({ ...graph, nodes: [{ ...graph.nodes[0], id: "a b" }] })).toThrow("node ids are letters, digits");
    expect(() => parseArchitecture({ ...graph, nodes: [{ id: "s", op: "add", inputs: ["input"] }], output: "s" })).toThrow();
    expect(() => parseArchitecture({ ...graph, nodes: [{ ...graph.nodes[0], extra: 1 }] })).toThrow();
    expect(() => parseArchitecture({ ...graph, output: "nowhere" })).toThrow('output "nowhere" is not a node');
  });
});

describe("layerShapes and checkWeights", () => {
  it("list each layer's weight shapes by the naming convention", () => {
    expect(Object.fromEntries(layerShapes(graph))).toEqual({
      a: [[4, 8]],
      "a.bn": [[8], [8], [8], [8]],
      "g.value": [[8, 8], [8]],
      "g.gate": [[8, 8], [8]],
      head: [[20, 3], [3]],
    });
  });

  it("refuse layer names used twice, and weights that do not fit, naming the layer", () => {
    const clash: Architecture = { ...graph, nodes: [...graph.nodes, { id: "a.bn", op: "dense", input: "cat", units: 2, activation: "relu", ...plain }], output: "a.bn" };
    expect(() => layerShapes(clash)).toThrow('architecture: node "a.bn" needs layer name "a.bn", which another layer already has');
    const head: Architecture = { ...graph, nodes: [{ id: "head", op: "dense", input: "input", units: 2, activation: "relu", ...plain }], output: "head" };
    expect(() => layerShapes(head)).toThrow('architecture: the head needs layer name "head"');

    const weights: Weights = new Map([...layerShapes(graph)].map(([name, shapes]) => [name, shapes.map((s) => new Float32Array(s.reduce((a, b) => a * b, 1)))]));
    expect(() => checkWeights(graph, weights)).not.toThrow();
    expect(() => checkWeights(graph, new Map([...weights, ["extra", []]]))).toThrow('weights: the architecture has no layer "extra" with weights');
    const missing = new Map(weights);
    missing.delete("g.gate");
    expect(() => checkWeights(graph, missing)).toThrow('weights: no weights for layer "g.gate"');
    expect(() => checkWeights(graph, new Map([...weights, ["a", [new Float32Array(32), new Float32Array(8)]]]))).toThrow('weights: layer "a" holds arrays of shapes [[4,8]]');
  });
});

describe("parameterCount", () => {
  it("counts the trainable weights of the built model, for sampled architectures of every space", () => {
    const spaces = new Set<string>();
    for (let seed = 0; seed < 9; seed++) {
      const rng = createRng(seed);
      const params = defineSpace(new RecordingSuggest((name, dist) => (name === "nas_space" ? ["chain", "complex", "cell"][seed % 3] : fromUnit(dist, rng.float()))));
      spaces.add(String(params.nas_space));
      const arch = toArchitecture(params, 7, seed % 2 ? { outputs: 3, head: "softmax" } : { outputs: 1, head: "linear" });
      const model = buildModel(arch, seed);
      const trainable = model.trainableWeights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b as number), 1), 0);
      // countParams() also counts batch norm's moving mean and variance, which parameterCount leaves out
      const moving = arch.nodes.reduce((n, node) => n + (node.op === "dense" && node.batchNorm ? 2 * node.units : 0), 0);
      expect(parameterCount(arch)).toBe(trainable);
      expect(model.countParams()).toBe(parameterCount(arch) + moving);
      model.dispose();
    }
    expect(spaces.size).toBe(3);
  });

  it("counts a small graph by hand", () => {
    // a: 4*8 (no bias under BN) + 2*8; g: 2*(8*8 + 8); head: 20*3 + 3
    expect(parameterCount(graph)).toBe(32 + 16 + 144 + 63);
  });
});
