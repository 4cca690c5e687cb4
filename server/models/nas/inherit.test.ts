import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend";
import type { Params } from "../../automl/space/suggest";
import { buildModel, readWeights, writeWeights } from "./build";
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../../automl/rng";
import { inheritWeights, widenTowards } from "./inherit";
import { toArchitecture } from "./space";

beforeAll(async () => {
  await initBackend();
});

// stem 32 -> block 0 (two branches added, residual) -> block 1 (one branch, residual through a projection)
// -> block 2 (two branches concatenated) -> head
const parentParams: Params = {
  nas_space: "complex",
  complex_stem_units: 32,
  complex_batch_norm: false,
  complex_dropout: 0.1,
  complex_l2: 1e-4,
  complex_blocks: 3,
  complex_b0_branches: 2,
  complex_b0_merge: "add",
  complex_b0_units: 32,
  complex_b0_br0_activation: "relu",
  complex_b0_br1_activation: "tanh",
  complex_b0_residual: true,
  complex_b1_branches: 1,
  complex_b1_units: 24,
  complex_b1_br0_activation: "elu",
  complex_b1_residual: true,
  complex_b2_branches: 2,
  complex_b2_merge: "concat",
  complex_b2_br0_units: 16,
  complex_b2_br0_activation: "relu",
  complex_b2_br1_units: 20,
  complex_b2_br1_activation: "selu",
  complex_b2_residual: false,
};
const head = { outputs: 3, head: "softmax" } as const;

describe("inheritWeights", () => {
  it("a child differing in one block inherits every layer whose name and shapes match", () => {
    const parentArch = toArchitecture(parentParams, 7, head);
    const childArch = toArchitecture({ ...parentParams, complex_b1_units: 48 }, 7, head);
    const parentModel = buildModel(parentArch, 1);
    const childModel = buildModel(childArch, 2);
    const parentWeights = readWeights(parentModel);
    const childInitial = readWeights(childModel);

    const { weights, inherited } = inheritWeights(parentArch, parentWeights, childArch, childInitial);
    // block 1 is wider, so its branch and projection change shape, and so do block 2's branches that read it;
    // the head reads block 2's concat, 36 wide in both
    expect(inherited).toEqual(["stem", "b0.br0", "b0.br1", "head"]);
    expect([...weights.keys()]).toEqual(["stem", "b0.br0", "b0.br1", "b1.br0", "b1.proj", "b2.br0", "b2.br1", "head"]);

    writeWeights(childModel, weights);
    const after = readWeights(childModel);
    for (const name of inherited) expect(after.get(name)).toEqual(parentWeights.get(name));
    for (const name of ["b1.br0", "b1.proj", "b2.br0", "b2.br1"]) expect(after.get(name)).toEqual(childInitial.get(name));
    expect(after.get("stem")).not.toEqual(childInitial.get("stem")); // different seeds, so inheriting changed something

    weights.get("stem")![0][0] += 1; // copies: the parent's weights stay as they were
    expect(weights.get("stem")![0][0]).not.toBe(parentWeights.get("stem")![0][0]);
    parentModel.dispose();
    childModel.dispose();
  });

  it("a layer whose batch normalisation changed is not inherited (its bias comes and goes)", () => {
    const parentArch = toArchitecture(parentParams, 7, head);
    const childArch = toArchitecture({ ...parentParams, complex_batch_norm: true }, 7, head);
    const parentModel = buildModel(parentArch, 1);
    const childModel = buildModel(childArch, 2);
    const { inherited } = inheritWeights(parentArch, readWeights(parentModel), childArch, readWeights(childModel));
    // b1.proj is never batch-normalised; the head never is
    expect(inherited).toEqual(["b1.proj", "head"]);
    parentModel.dispose();
    childModel.dispose();
  });

  it("refuses weights that do not fit their architecture, naming the layer", () => {
    const parentArch = toArchitecture(parentParams, 7, head);
    const model = buildModel(parentArch, 1);
    const weights = readWeights(model);
    const short = new Map(weights);
    short.set("b0.br1", [new Float32Array(3), weights.get("b0.br1")![1]]);
    expect(() => inheritWeights(parentArch, short, parentArch, weights)).toThrow('weights: layer "b0.br1" holds arrays of shapes [[32,32],[32]]');
    model.dispose();
  });
});

describe("widenTowards", () => {
  it("a child with wider layers inherits every layer, and starts out computing its parent's function", () => {
    const parentArch = toArchitecture(parentParams, 7, head);
    // block 1 (a residual add through a projection) and one concat branch of block 2 are wider
    const childArch = toArchitecture({ ...parentParams, complex_b1_units: 48, complex_b2_br1_units: 30, complex_b0_units: 16 }, 7, head);
    const parentModel = buildModel(parentArch, 1);
    const childModel = buildModel(childArch, 2);
    const parentWeights = readWeights(parentModel);

    const grown = widenTowards(parentArch, parentWeights, childArch, createRng(3));
    // block 0 is narrower in the child: no widening narrows
    expect(grown.widened).toEqual(["b1.br0", "b2.br1"]);
    const { weights, inherited } = inheritWeights(grown.arch, grown.weights, childArch, readWeights(childModel));
    // block 0's branches, and block 1 that reads their narrower sum, start afresh; block 2 reads block 1's 48 units again
    expect(inherited).toEqual(["stem", "b2.br0", "b2.br1", "head"]);

    // with block 0 as the parent's, the child is the parent's function exactly
    const sameB0 = toArchitecture({ ...parentParams, complex_b1_units: 48, complex_b2_br1_units: 30 }, 7, head);
    const wider = buildModel(sameB0, 4);
    const all = widenTowards(parentArch, parentWeights, sameB0, createRng(3));
    const full = inheritWeights(all.arch, all.weights, sameB0, readWeights(wider));
    expect(full.inherited).toEqual(["stem", "b0.br0", "b0.br1", "b1.br0", "b1.proj", "b2.br0", "b2.br1", "head"]);
    writeWeights(wider, full.weights);
    const x = tf.randomNormal([64, 7], 0, 1, "float32", 5);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(parentModel.predict(x) as tf.Tensor, wider.predict(x) as tf.Tensor))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    expect(weights.has("b0.proj")).toBe(true); // the child's own projection: block 0 no longer matches the stem
    for (const m of [parentModel, childModel, wider]) m.dispose();
    x.dispose();
  });
});
