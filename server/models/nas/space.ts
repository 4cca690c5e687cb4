/**
 * The NAS search spaces, asked define-by-run: a Choice `nas_space` picks one of three, and only that space's
 * names (prefixed chain_*, complex_*, cell_*) are asked; the training hyperparameters are asked in every branch.
 *   - chain:   a plain stack of dense layers, each with its own width, activation and regularisation;
 *   - complex: a stem, then blocks of parallel branches merged by add or concat, with an optional residual
 *              connection (the connections are the searched decisions);
 *   - cell:    one searched cell (NASNet/ENAS-style) of blocks that each combine two inputs by add, stacked.
 * A trial stores only its params: `toArchitecture` replays them through the same code that asks them, so the
 * expansion cannot drift from the space, and adds the input width and head known only at fit time.
 * Kept modest for a CPU-bound engine: at most 53 nodes (a 4-block cell stacked 4 times).
 */
import { z } from "zod";
import { RecordingSuggest, replaySampler } from "../../automl/space/recording-suggest";
import type { Params, Suggest } from "../../automl/space/suggest";
import { parseArchitecture, unusedNodes, type Architecture, type NasActivation, type NodeSpec } from "./architecture";

/** Bump when a name, range or expansion below changes. */
export const SPACE_VERSION = "nas/1";

export const NAS_SPACES = ["chain", "complex", "cell"] as const;
export type NasSpace = (typeof NAS_SPACES)[number];
/** "linear" is left out: between dense layers it adds parameters but no expressiveness */
export const HIDDEN_ACTIVATIONS = ["relu", "elu", "tanh", "gelu", "selu"] as const satisfies readonly NasActivation[];
export const CELL_OPS = ["dense_relu", "dense_tanh", "identity", "gated"] as const;
export type CellOp = (typeof CELL_OPS)[number];
export const OPTIMIZERS = ["adam", "rmsprop", "sgd_momentum"] as const;
export const LR_SCHEDULES = ["constant", "cosine", "step"] as const;
export const BATCH_SIZES = [64, 128, 256, 512] as const;

export const MAX_CHAIN_DEPTH = 5;
export const MAX_COMPLEX_BLOCKS = 4;
export const MAX_BRANCHES = 3;
export const MAX_CELL_BLOCKS = 4;
export const MAX_CELL_STACK = 4;

/** What the spaces decide: the hidden graph, without the input width and the head. */
type Body = Pick<Architecture, "nodes" | "output">;

type Regularisation = Pick<Extract<NodeSpec, { op: "dense" }>, "batchNorm" | "dropout" | "l2">;

function dense(id: string, input: string, units: number, activation: NasActivation, reg: Regularisation): NodeSpec {
  return { id, op: "dense", input, units, activation, ...reg };
}

const askWidth = (s: Suggest, name: string, high: number) => s.int(name, 16, high, { log: true });
const askL2 = (s: Suggest, name: string) => s.float(name, 1e-6, 1e-2, { log: true });

function askChain(s: Suggest): Body {
  const depth = s.int("chain_depth", 1, MAX_CHAIN_DEPTH);
  const nodes: NodeSpec[] = [];
  let previous = "input";
  for (let i = 0; i < depth; i++) {
    const units = askWidth(s, `chain_units_${i}`, 512);
    const activation = s.choice(`chain_activation_${i}`, HIDDEN_ACTIVATIONS);
    const dropout = s.float(`chain_dropout_${i}`, 0, 0.5);
    const batchNorm = s.bool(`chain_batch_norm_${i}`);
    const l2 = askL2(s, `chain_l2_${i}`);
    nodes.push(dense(`dense${i}`, previous, units, activation, { batchNorm, dropout, l2 }));
    previous = `dense${i}`;
  }
  return { nodes, output: previous };
}

/**
 * Block b reads the previous block's output (the stem for the first): branches b{b}.br{k} merged into b{b}.merge
 * (add or concat; a single branch is used as is), then, with a residual connection, b{b}.res adds the block's
 * input, through a linear projection b{b}.proj when the widths differ (as ResNet does).
 */
function askComplex(s: Suggest): Body {
  const stemUnits = askWidth(s, "complex_stem_units", 256);
  const batchNorm = s.bool("complex_batch_norm");
  const dropout = s.float("complex_dropout", 0, 0.5);
  const l2 = askL2(s, "complex_l2");
  const blocks = s.int("complex_blocks", 1, MAX_COMPLEX_BLOCKS);
  // the stem only maps the input to a working width; its activation is not worth a decision
  const nodes: NodeSpec[] = [dense("stem", "input", stemUnits, "relu", { batchNorm, dropout: 0, l2 })];
  let previous = "stem";
  let previousWidth = stemUnits;
  for (let b = 0; b < blocks; b++) {
    const p = `complex_b${b}_`;
    const branches = s.int(`${p}branches`, 1, MAX_BRANCHES);
    const merge = branches > 1 ? s.choice(`${p}merge`, ["add", "concat"] as const) : "add";
    // adding needs equal widths, so an add (or single-branch) block asks one width for all its branches
    const shared = merge === "add" ? askWidth(s, `${p}units`, 256) : null;
    const outs: string[] = [];
    let width = 0;
    for (let k = 0; k < branches; k++) {
      const units = shared ?? askWidth(s, `${p}br${k}_units`, 256);
      const activation = s.choice(`${p}br${k}_activation`, HIDDEN_ACTIVATIONS);
      nodes.push(dense(`b${b}.br${k}`, previous, units, activation, { batchNorm, dropout, l2 }));
      outs.push(`b${b}.br${k}`);
      width = merge === "add" ? units : width + units;
    }
    let out = outs[0];
    if (branches > 1) {
      nodes.push({ id: `b${b}.merge`, op: merge, inputs: outs });
      out = `b${b}.merge`;
    }
    if (s.bool(`${p}residual`)) {
      let skip = previous;
      if (previousWidth !== width) {
        nodes.push(dense(`b${b}.proj`, previous, width, "linear", { batchNorm: false, dropout: 0, l2 }));
        skip = `b${b}.proj`;
      }
      nodes.push({ id: `b${b}.res`, op: "add", inputs: [out, skip] });
      out = `b${b}.res`;
    }
    previous = out;
    previousWidth = width;
  }
  return { nodes, output: previous };
}

interface CellBlock {
  inputs: [number, number];
  ops: [CellOp, CellOp];
}

/**
 * A cell has two inputs, index 0 the output of the cell before the previous one and 1 the previous cell's (both
 * the stem for the first cell); block j adds two ops, each on one of indexes 0..j+1 (2 + i is block i). The
 * cell's output is the add of the blocks no later block reads. The same decisions are expanded `cell_stack`
 * times with fresh weights: nodes cell{c}.b{j}.left / .right / cell{c}.b{j} and cell{c}.out.
 */
function askCell(s: Suggest): Body {
  const width = askWidth(s, "cell_width", 256);
  const blockCount = s.int("cell_blocks", 1, MAX_CELL_BLOCKS);
  const stack = s.int("cell_stack", 1, MAX_CELL_STACK);
  const batchNorm = s.bool("cell_batch_norm");
  const dropout = s.float("cell_dropout", 0, 0.5);
  const l2 = askL2(s, "cell_l2");
  const blocks: CellBlock[] = [];
  for (let j = 0; j < blockCount; j++) {
    const left = s.int(`cell_b${j}_left`, 0, j + 1);
    const leftOp = s.choice(`cell_b${j}_left_op`, CELL_OPS);
    const right = s.int(`cell_b${j}_right`, 0, j + 1);
    const rightOp = s.choice(`cell_b${j}_right_op`, CELL_OPS);
    blocks.push({ inputs: [left, right], ops: [leftOp, rightOp] });
  }
  const read = new Set(blocks.flatMap((b) => b.inputs));
  const unread = blocks.map((_, j) => j).filter((j) => !read.has(j + 2));

  const nodes: NodeSpec[] = [dense("stem", "input", width, "relu", { batchNorm, dropout: 0, l2 })];
  const op = (id: string, input: string, kind: CellOp): NodeSpec => {
    if (kind === "identity") return { id, op: "identity", input };
    if (kind === "gated") return { id, op: "gated", input, units: width };
    return dense(id, input, width, kind === "dense_relu" ? "relu" : "tanh", { batchNorm, dropout, l2 });
  };
  let before = "stem";
  let previous = "stem";
  for (let c = 0; c < stack; c++) {
    const states = [before, previous];
    blocks.forEach((block, j) => {
      const id = `cell${c}.b${j}`;
      nodes.push(op(`${id}.left`, states[block.inputs[0]], block.ops[0]), op(`${id}.right`, states[block.inputs[1]], block.ops[1]));
      nodes.push({ id, op: "add", inputs: [`${id}.left`, `${id}.right`] });
      states.push(id);
    });
    let out = states[2 + unread[0]];
    if (unread.length > 1) {
      out = `cell${c}.out`;
      nodes.push({ id: out, op: "add", inputs: unread.map((j) => states[2 + j]) });
    }
    before = previous;
    previous = out;
  }
  return { nodes, output: previous };
}

function askBody(s: Suggest): Body {
  const space = s.choice("nas_space", NAS_SPACES);
  if (space === "chain") return askChain(s);
  if (space === "complex") return askComplex(s);
  return askCell(s);
}

/** How a trial trains, whatever its space. */
export const TrainingConfig = z
  .object({
    optimizer: z.enum(OPTIMIZERS),
    learning_rate: z.number().positive(),
    lr_schedule: z.enum(LR_SCHEDULES),
    batch_size: z.number().int().positive(),
  })
  .strict();
export type TrainingConfig = z.infer<typeof TrainingConfig>;

function askTraining(s: Suggest): TrainingConfig {
  return {
    optimizer: s.choice("optimizer", OPTIMIZERS),
    learning_rate: s.float("learning_rate", 1e-4, 3e-2, { log: true }),
    lr_schedule: s.choice("lr_schedule", LR_SCHEDULES),
    batch_size: s.choice("batch_size", BATCH_SIZES),
  };
}

/** A Suggest that also keeps every value it hands out in `into`. */
function keeping(s: Suggest, into: Params): Suggest {
  const keep = <T extends string | number | boolean>(name: string, value: T): T => {
    into[name] = value;
    return value;
  };
  return {
    int: (name, low, high, opts) => keep(name, s.int(name, low, high, opts)),
    float: (name, low, high, opts) => keep(name, s.float(name, low, high, opts)),
    choice: (name, choices) => keep(name, s.choice(name, choices)),
    bool: (name) => keep(name, s.bool(name)),
    fixed: (name, value) => keep(name, s.fixed(name, value)),
  };
}

/** Asks one NAS trial's hyperparameters: the space, its architecture decisions, then training. */
export function defineSpace(suggest: Suggest): Params {
  const params: Params = {};
  const s = keeping(suggest, params);
  askBody(s);
  askTraining(s);
  return params;
}

/**
 * The architecture a trial's params describe, for an input `inputs` wide and the task's head. Pure and
 * deterministic; other keys in `params` (training, preprocessing) are ignored. Throws naming a missing or
 * out-of-range value.
 */
export function toArchitecture(params: Params, inputs: number, head: Pick<Architecture, "outputs" | "head">): Architecture {
  const body = askBody(new RecordingSuggest(replaySampler(params), "stored params"));
  const arch = parseArchitecture({ inputs, nodes: body.nodes, output: body.output, outputs: head.outputs, head: head.head });
  // a cell that never reads its previous cell leaves every other stacked cell out of the computation: drop those
  const unused = new Set(unusedNodes(arch));
  return unused.size === 0 ? arch : { ...arch, nodes: arch.nodes.filter((n) => !unused.has(n.id)) };
}

/** The training hyperparameters of a trial's params, checked against the space (throws naming a missing or out-of-range value). */
export function trainingConfig(params: Params): TrainingConfig {
  return TrainingConfig.parse(askTraining(new RecordingSuggest(replaySampler(params), "stored params")));
}
