import { createRng } from "../../../automl/rng";
import { nodeInputs, nodeWidths, type Architecture, type NasActivation } from "../architecture";

/**
 * Where every trainable array of an architecture lives in the engine's one flat parameter vector (theta), and
 * where every batch-norm moving statistic lives in its flat statistics vector; the mapping to and from the
 * Keras layers of architecture.ts (layer names, getWeights() order).
 *
 * A "linear" is one Keras Dense layer: a dense node's `id`, a gated node's `id.value` and `id.gate`, the `head`.
 * Its kernel [inputs, units] (row-major, as Keras stores it) comes first; then its bias [units], so kernel and
 * bias together are one [inputs + 1, units] block; or, batch-normalised (no bias), the BN layer's gamma and beta.
 */

export const BN_EPSILON = 1e-3;
export const BN_MOMENTUM = 0.99;

export interface BatchNormSlots {
  /** the Keras BatchNormalization layer: `${id}.bn` */
  layer: string;
  gamma: number;
  beta: number;
  /** offset of the moving mean in the statistics vector; the moving variance follows it */
  stats: number;
}

export interface Linear {
  /** the Keras Dense layer's name */
  layer: string;
  /** the node it belongs to ("head" for the head) */
  node: string;
  inputs: number;
  units: number;
  /** offset of the kernel in theta */
  kernel: number;
  /** offset of the bias in theta; null when batch-normalised */
  bias: number | null;
  bn: BatchNormSlots | null;
  /** L2 penalty on the kernel: l2 * sum(kernel^2) is added to the training objective */
  l2: number;
  /** kernel initialiser */
  init: "he" | "lecun" | "glorot";
  /** false for a node the head does not depend on: it is not trained (no gradient, no penalty) */
  live: boolean;
}

export interface ParamLayout {
  arch: Architecture;
  /** width of every node's output (and "input") */
  widths: Map<string, number>;
  /** size of theta */
  size: number;
  /** size of the statistics vector (moving mean and variance of every batch-normalised dense node) */
  statsSize: number;
  /** every linear in theta order: nodes in architecture order, then the head */
  linears: Linear[];
  /** the linears of a node: one for dense, [value, gate] for gated; the head's under "head" */
  byNode: Map<string, Linear[]>;
  /** the nodes the head depends on ("output" and its ancestors), the only ones a training step computes */
  live: Set<string>;
}

/** The nodes `arch.output` depends on, itself included ("input" excluded). */
export function liveNodes(arch: Architecture): Set<string> {
  const live = new Set<string>();
  const byId = new Map(arch.nodes.map((n) => [n.id, n]));
  const stack = [arch.output];
  while (stack.length) {
    const id = stack.pop()!;
    const node = byId.get(id);
    if (!node || live.has(id)) continue;
    live.add(id);
    stack.push(...nodeInputs(node));
  }
  return live;
}

function initFor(activation: NasActivation): Linear["init"] {
  if (activation === "selu") return "lecun";
  if (activation === "relu" || activation === "elu" || activation === "gelu") return "he";
  return "glorot";
}

export function paramLayout(arch: Architecture): ParamLayout {
  const widths = nodeWidths(arch);
  const live = liveNodes(arch);
  const linears: Linear[] = [];
  const byNode = new Map<string, Linear[]>();
  let size = 0;
  let statsSize = 0;
  const add = (node: string, layer: string, inputs: number, units: number, opts: { bn: boolean; l2: number; init: Linear["init"] }) => {
    const kernel = size;
    size += inputs * units;
    let bias: number | null = null;
    let bn: BatchNormSlots | null = null;
    if (opts.bn) {
      bn = { layer: `${node}.bn`, gamma: size, beta: size + units, stats: statsSize };
      size += 2 * units;
      statsSize += 2 * units;
    } else {
      bias = size;
      size += units;
    }
    const linear: Linear = { layer, node, inputs, units, kernel, bias, bn, l2: opts.l2, init: opts.init, live: node === "head" || live.has(node) };
    linears.push(linear);
    byNode.set(node, [...(byNode.get(node) ?? []), linear]);
  };
  for (const node of arch.nodes) {
    const inputs = widths.get(nodeInputs(node)[0])!;
    if (node.op === "dense") add(node.id, node.id, inputs, node.units, { bn: node.batchNorm, l2: node.l2, init: initFor(node.activation) });
    if (node.op === "gated") {
      add(node.id, `${node.id}.value`, inputs, node.units, { bn: false, l2: 0, init: "glorot" });
      add(node.id, `${node.id}.gate`, inputs, node.units, { bn: false, l2: 0, init: "glorot" });
    }
  }
  add("head", "head", widths.get(arch.output)!, arch.outputs, { bn: false, l2: 0, init: "glorot" });
  return { arch, widths, size, statsSize, linears, byNode, live };
}

/** Fresh parameters from the seed: He / LeCun (truncated normal) or Glorot (uniform) kernels, zero biases, BN at identity. */
export function initialParams(layout: ParamLayout, seed: number): { theta: Float32Array; stats: Float32Array } {
  const rng = createRng(seed);
  const theta = new Float32Array(layout.size);
  const stats = new Float32Array(layout.statsSize);
  for (const l of layout.linears) {
    const n = l.inputs * l.units;
    if (l.init === "glorot") {
      const limit = Math.sqrt(6 / (l.inputs + l.units));
      for (let i = 0; i < n; i++) theta[l.kernel + i] = (rng.float() * 2 - 1) * limit;
    } else {
      // Keras' truncated normal: cut at 2 sd, scaled so that the truncated distribution has the wanted variance
      const sd = Math.sqrt((l.init === "he" ? 2 : 1) / l.inputs) / 0.8796256610342398;
      for (let i = 0; i < n; i++) {
        let z: number;
        do z = rng.normal();
        while (Math.abs(z) > 2);
        theta[l.kernel + i] = z * sd;
      }
    }
    if (l.bn) {
      theta.fill(1, l.bn.gamma, l.bn.gamma + l.units);
      stats.fill(1, l.bn.stats + l.units, l.bn.stats + 2 * l.units); // moving variance 1, moving mean 0
    }
  }
  return { theta, stats };
}

/**
 * The parameters as Keras layers hold them: layer name -> getWeights() order (see architecture.ts):
 * Dense [kernel, bias] (kernel only when batch-normalised), BatchNormalization [gamma, beta, movingMean, movingVariance].
 * The arrays are copies.
 */
export function exportWeights(layout: ParamLayout, theta: Float32Array, stats: Float32Array): Map<string, Float32Array[]> {
  const out = new Map<string, Float32Array[]>();
  const take = (v: Float32Array, offset: number, n: number) => v.slice(offset, offset + n);
  for (const l of layout.linears) {
    const kernel = take(theta, l.kernel, l.inputs * l.units);
    out.set(l.layer, l.bias === null ? [kernel] : [kernel, take(theta, l.bias, l.units)]);
    if (l.bn) {
      const u = l.units;
      out.set(l.bn.layer, [take(theta, l.bn.gamma, u), take(theta, l.bn.beta, u), take(stats, l.bn.stats, u), take(stats, l.bn.stats + u, u)]);
    }
  }
  return out;
}

/**
 * Copies the weights of the layers present in `weights` (exportWeights' form, e.g. a model's getWeights() by layer,
 * or a parent's inherited layers) into theta and stats; layers not named keep their values. Returns the layers
 * taken. Throws when a named layer's arrays do not fit the layout.
 */
export function importWeights(layout: ParamLayout, weights: Map<string, ArrayLike<number>[]>, theta: Float32Array, stats: Float32Array): string[] {
  const taken: string[] = [];
  const put = (layer: string, arrays: ArrayLike<number>[], parts: { into: Float32Array; offset: number; size: number }[]) => {
    if (arrays.length !== parts.length || arrays.some((a, i) => a.length !== parts[i].size)) {
      throw new Error(
        `nas engine: layer "${layer}" has weights of sizes [${arrays.map((a) => a.length).join(", ")}], expected [${parts.map((p) => p.size).join(", ")}]`,
      );
    }
    parts.forEach((p, i) => p.into.set(arrays[i], p.offset));
    taken.push(layer);
  };
  for (const l of layout.linears) {
    const dense = weights.get(l.layer);
    if (dense) {
      const parts = [{ into: theta, offset: l.kernel, size: l.inputs * l.units }];
      if (l.bias !== null) parts.push({ into: theta, offset: l.bias, size: l.units });
      put(l.layer, dense, parts);
    }
    const bn = l.bn && weights.get(l.bn.layer);
    if (l.bn && bn) {
      const u = l.units;
      put(l.bn.layer, bn, [
        { into: theta, offset: l.bn.gamma, size: u },
        { into: theta, offset: l.bn.beta, size: u },
        { into: stats, offset: l.bn.stats, size: u },
        { into: stats, offset: l.bn.stats + u, size: u },
      ]);
    }
  }
  return taken;
}

/** The L2 penalty sum(l2 * kernel^2) over the kernels. */
export function penalty(layout: ParamLayout, theta: Float32Array): number {
  let total = 0;
  for (const l of layout.linears) {
    if (!(l.l2 > 0) || !l.live) continue;
    let s = 0;
    for (let i = l.kernel, end = l.kernel + l.inputs * l.units; i < end; i++) s += theta[i] * theta[i];
    total += l.l2 * s;
  }
  return total;
}

/** Adds the penalty's gradient 2 * l2 * kernel to a flat gradient, in place. */
export function addPenaltyGradient(layout: ParamLayout, theta: Float32Array, grad: Float32Array): void {
  for (const l of layout.linears) {
    if (!(l.l2 > 0) || !l.live) continue;
    const c = 2 * l.l2;
    for (let i = l.kernel, end = l.kernel + l.inputs * l.units; i < end; i++) grad[i] += c * theta[i];
  }
}
