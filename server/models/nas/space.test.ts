import { describe, expect, it } from "vitest";
import { createRng } from "../../automl/rng";
import { fromUnit } from "../../automl/space/distributions";
import { RecordingSuggest } from "../../automl/space/recording-suggest";
import type { Params } from "../../automl/space/suggest";
import { parseArchitecture, unusedNodes } from "./architecture";
import { defineSpace, MAX_BRANCHES, MAX_CELL_BLOCKS, MAX_CHAIN_DEPTH, MAX_COMPLEX_BLOCKS, toArchitecture, trainingConfig, type NasSpace } from "./space";

/** one random trial: every name uniform over its distribution, as random search asks it */
function sample(seed: number, fixed: Params = {}): Params {
  const rng = createRng(seed);
  return defineSpace(new RecordingSuggest((name, dist) => fixed[name] ?? fromUnit(dist, rng.float())));
}

const head = { outputs: 1, head: "sigmoid" } as const;
const TRAINING = ["optimizer", "learning_rate", "lr_schedule", "batch_size"];

/** the names a trial of `space` must have asked, given the values it drew */
function expectedNames(p: Params): string[] {
  const names = ["nas_space"];
  const space = p.nas_space as NasSpace;
  if (space === "chain") {
    names.push("chain_depth");
    for (let i = 0; i < Number(p.chain_depth); i++) names.push(...["units", "activation", "dropout", "batch_norm", "l2"].map((n) => `chain_${n}_${i}`));
  } else if (space === "complex") {
    names.push("complex_stem_units", "complex_batch_norm", "complex_dropout", "complex_l2", "complex_blocks");
    for (let b = 0; b < Number(p.complex_blocks); b++) {
      const pre = `complex_b${b}_`;
      const branches = Number(p[`${pre}branches`]);
      names.push(`${pre}branches`);
      if (branches > 1) names.push(`${pre}merge`);
      const concat = p[`${pre}merge`] === "concat";
      if (!concat) names.push(`${pre}units`);
      for (let k = 0; k < branches; k++) names.push(...(concat ? [`${pre}br${k}_units`] : []), `${pre}br${k}_activation`);
      names.push(`${pre}residual`);
    }
  } else {
    names.push("cell_width", "cell_blocks", "cell_stack", "cell_batch_norm", "cell_dropout", "cell_l2");
    for (let j = 0; j < Number(p.cell_blocks); j++) names.push(...["left", "left_op", "right", "right_op"].map((n) => `cell_b${j}_${n}`));
  }
  return [...names, ...TRAINING];
}

describe("NAS search space", () => {
  it("random trials of every space expand to valid, deterministic architectures, asking only active names", () => {
    const seen = { chain: 0, complex: 0, cell: 0 };
    let largest = 0;
    for (let seed = 0; seed < 300; seed++) {
      const params = sample(seed);
      seen[params.nas_space as NasSpace]++;
      expect(Object.keys(params)).toEqual(expectedNames(params));
      const arch = toArchitecture(params, 9, head);
      expect(parseArchitecture(JSON.parse(JSON.stringify(arch)))).toEqual(arch);
      expect(toArchitecture(JSON.parse(JSON.stringify(params)) as Params, 9, head)).toEqual(arch);
      expect(arch.inputs).toBe(9);
      expect(unusedNodes(arch)).toEqual([]);
      largest = Math.max(largest, arch.nodes.length);
    }
    expect(seen.chain).toBeGreaterThan(60);
    expect(seen.complex).toBeGreaterThan(60);
    expect(seen.cell).toBeGreaterThan(60);
    // the largest possible: a 4-block cell stacked 4 times, 13 nodes a cell, and the stem
    expect(largest).toBeLessThanOrEqual(1 + 4 * (3 * MAX_CELL_BLOCKS + 1));
  });

  it("expands a chain layer by layer", () => {
    const params = sample(1, { nas_space: "chain", chain_depth: 2, chain_units_0: 64, chain_activation_0: "selu", chain_batch_norm_0: true, chain_units_1: 16, chain_dropout_1: 0.25 });
    const arch = toArchitecture(params, 5, { outputs: 3, head: "softmax" });
    expect(arch.nodes).toEqual([
      { id: "dense0", op: "dense", input: "input", units: 64, activation: "selu", batchNorm: true, dropout: params.chain_dropout_0, l2: params.chain_l2_0 },
      { id: "dense1", op: "dense", input: "dense0", units: 16, activation: params.chain_activation_1, batchNorm: params.chain_batch_norm_1, dropout: 0.25, l2: params.chain_l2_1 },
    ]);
    expect(arch).toMatchObject({ inputs: 5, output: "dense1", outputs: 3, head: "softmax" });
    expect(MAX_CHAIN_DEPTH).toBe(5);
  });

  it("expands complex blocks: merged branches, residuals with a projection where widths differ", () => {
    const params = sample(2, {
      nas_space: "complex", complex_stem_units: 32, complex_batch_norm: false, complex_dropout: 0, complex_l2: 1e-5, complex_blocks: 2,
      complex_b0_branches: 2, complex_b0_merge: "concat", complex_b0_br0_units: 16, complex_b0_br0_activation: "relu",
      complex_b0_br1_units: 24, complex_b0_br1_activation: "tanh", complex_b0_residual: true,
      complex_b1_branches: 3, complex_b1_merge: "add", complex_b1_units: 40, complex_b1_residual: true,
      complex_b1_br0_activation: "elu", complex_b1_br1_activation: "elu", complex_b1_br2_activation: "gelu",
    });
    const arch = toArchitecture(params, 4, head);
    const reg = { batchNorm: false, dropout: 0, l2: 1e-5 };
    expect(arch.nodes).toEqual([
      { id: "stem", op: "dense", input: "input", units: 32, activation: "relu", ...reg },
      { id: "b0.br0", op: "dense", input: "stem", units: 16, activation: "relu", ...reg },
      { id: "b0.br1", op: "dense", input: "stem", units: 24, activation: "tanh", ...reg },
      { id: "b0.merge", op: "concat", inputs: ["b0.br0", "b0.br1"] },
      { id: "b0.proj", op: "dense", input: "stem", units: 40, activation: "linear", ...reg },
      { id: "b0.res", op: "add", inputs: ["b0.merge", "b0.proj"] },
      { id: "b1.br0", op: "dense", input: "b0.res", units: 40, activation: "elu", ...reg },
      { id: "b1.br1", op: "dense", input: "b0.res", units: 40, activation: "elu", ...reg },
      { id: "b1.br2", op: "dense", input: "b0.res", units: 40, activation: "gelu", ...reg },
      { id: "b1.merge", op: "add", inputs: ["b1.br0", "b1.br1", "b1.br2"] },
      { id: "b1.res", op: "add", inputs: ["b1.merge", "b0.res"] }, // 40 = 40: no projection
    ]);
    expect(arch.output).toBe("b1.res");
    expect([MAX_COMPLEX_BLOCKS, MAX_BRANCHES]).toEqual([4, 3]);
  });

  it("expands a cell and repeats it with fresh nodes, reading the two previous cells' outputs", () => {
    const params = sample(3, {
      nas_space: "cell", cell_width: 20, cell_blocks: 2, cell_stack: 2, cell_batch_norm: false, cell_dropout: 0, cell_l2: 1e-4,
      cell_b0_left: 1, cell_b0_left_op: "dense_relu", cell_b0_right: 0, cell_b0_right_op: "identity",
      cell_b1_left: 2, cell_b1_left_op: "gated", cell_b1_right: 0, cell_b1_right_op: "dense_tanh",
    });
    const arch = toArchitecture(params, 4, head);
    const reg = { batchNorm: false, dropout: 0, l2: 1e-4 };
    const cell = (c: number, before: string, previous: string) => [
      { id: `cell${c}.b0.left`, op: "dense", input: previous, units: 20, activation: "relu", ...reg },
      { id: `cell${c}.b0.right`, op: "identity", input: before },
      { id: `cell${c}.b0`, op: "add", inputs: [`cell${c}.b0.left`, `cell${c}.b0.right`] },
      { id: `cell${c}.b1.left`, op: "gated", input: `cell${c}.b0`, units: 20 },
      { id: `cell${c}.b1.right`, op: "dense", input: before, units: 20, activation: "tanh", ...reg },
      { id: `cell${c}.b1`, op: "add", inputs: [`cell${c}.b1.left`, `cell${c}.b1.right`] },
    ];
    // block 0 is read by block 1, so each cell's output is block 1 alone
    expect(arch.nodes).toEqual([
      { id: "stem", op: "dense", input: "input", units: 20, activation: "relu", ...reg },
      ...cell(0, "stem", "stem"),
      ...cell(1, "stem", "cell0.b1"),
    ]);
    expect(arch.output).toBe("cell1.b1");

    // with no block read by another, the cell's output adds them all
    const wide = toArchitecture({ ...params, cell_b1_left: 1, cell_stack: 1 }, 4, head);
    expect(wide.nodes.at(-1)).toEqual({ id: "cell0.out", op: "add", inputs: ["cell0.b0", "cell0.b1"] });
    expect(wide.output).toBe("cell0.out");

    // a cell that reads only the cell before the previous one leaves every other cell out: those are dropped
    const skipping = toArchitecture({ ...params, cell_b0_left: 0, cell_b0_left_op: "identity", cell_stack: 3 }, 4, head);
    expect([...new Set(skipping.nodes.map((n) => n.id.split(".")[0]))]).toEqual(["stem", "cell0", "cell2"]);
    expect(skipping.nodes.find((n) => n.id === "cell2.b0.left")).toEqual({ id: "cell2.b0.left", op: "identity", input: "cell0.b1" });
  });

  it("the training hyperparameters are asked in every space and read back typed", () => {
    for (const nas_space of ["chain", "complex", "cell"]) {
      const params = sample(4, { nas_space, optimizer: "sgd_momentum", learning_rate: 0.01, lr_schedule: "step", batch_size: 256 });
      expect(trainingConfig(params)).toEqual({ optimizer: "sgd_momentum", learning_rate: 0.01, lr_schedule: "step", batch_size: 256 });
    }
  });

  it("refuses params that miss a value or fall outside the space, naming it", () => {
    const params = sample(5, { nas_space: "chain", chain_depth: 3 });
    const { chain_units_2: _, ...missing } = params;
    expect(() => toArchitecture(missing, 4, head)).toThrow('the space asks "chain_units_2"');
    expect(() => toArchitecture({ ...params, chain_units_0: 1024 }, 4, head)).toThrow('"chain_units_0"');
    expect(() => trainingConfig({ ...params, batch_size: 100 })).toThrow('"batch_size"');
  });
});
