/**
 * Function-preserving network morphisms (Net2Net, Chen et al. 2016; network morphism, Wei et al. 2016): a child
 * architecture with weights that compute exactly the parent's function at inference, so a search can grow a
 * trained network and go on training it instead of starting over.
 *   - widen:  a dense (or gated) node gets more units, copies of randomly chosen ones; every consumer divides
 *             the incoming weights of a unit's copies by the number of copies, so their sum is unchanged.
 *   - deepen: a new dense node initialised to the identity is inserted after a node.
 * Neither modifies its arguments; the returned weights share no arrays with them.
 */
import type { Rng } from "../../automl/rng";
import { BN_EPSILON, checkWeights, layerShapes, nodeWidths, parseArchitecture, type Architecture, type NodeSpec, type Weights } from "./architecture";

export interface Morphed {
  arch: Architecture;
  weights: Weights;
}

/** How a widened tensor's units relate to the old ones: new unit j copies old unit source[j], which has copies[old] copies. */
interface Layout {
  source: Int32Array;
  copies: Int32Array;
}

const sameLayout = (a: Layout | null, b: Layout | null) =>
  a === b || (a !== null && b !== null && a.source.length === b.source.length && a.source.every((s, i) => s === b.source[i]));

/**
 * Tensors that must keep one unit layout: an add's inputs and output, and an identity's input and output. Returns
 * each tensor's group (a representative id).
 */
function layoutGroups(arch: Architecture): (id: string) => string {
  const parent = new Map<string, string>([["input", "input"], ...arch.nodes.map((n) => [n.id, n.id] as [string, string])]);
  const find = (id: string): string => {
    const p = parent.get(id)!;
    if (p === id) return id;
    const root = find(p);
    parent.set(id, root);
    return root;
  };
  for (const node of arch.nodes) {
    if (node.op === "add") for (const i of node.inputs) parent.set(find(i), find(node.id));
    if (node.op === "identity") parent.set(find(node.input), find(node.id));
  }
  return find;
}

/** A concat's layout from its inputs' (null when none changed). */
function concatLayout(node: Extract<NodeSpec, { op: "concat" }>, widths: Map<string, number>, layoutOf: (id: string) => Layout | null): Layout | null {
  const parts = node.inputs.map(layoutOf);
  if (parts.every((p) => p === null)) return null;
  const source: number[] = [];
  const copies: number[] = [];
  let offset = 0;
  node.inputs.forEach((id, k) => {
    const width = widths.get(id)!;
    const part = parts[k];
    for (let j = 0; j < (part ? part.source.length : width); j++) source.push(offset + (part ? part.source[j] : j));
    for (let o = 0; o < width; o++) copies.push(part ? part.copies[o] : 1);
    offset += width;
  });
  return { source: Int32Array.from(source), copies: Int32Array.from(copies) };
}

/**
 * Every tensor's new layout when `targetId` takes `layout`: its group (see layoutGroups) takes it too, a concat
 * reading a changed tensor changes accordingly, and so does the group of that concat. Throws where that cannot
 * preserve the function: the network input would change, or a group would need two different layouts.
 */
function planLayouts(arch: Architecture, widths: Map<string, number>, targetId: string, layout: Layout): (id: string) => Layout | null {
  const groupOf = layoutGroups(arch);
  const assigned = new Map<string, Layout>([[groupOf(targetId), layout]]);
  const layoutOf = (id: string) => assigned.get(groupOf(id)) ?? null;
  const concats = arch.nodes.filter((n): n is Extract<NodeSpec, { op: "concat" }> => n.op === "concat");
  for (let changed = true; changed; ) {
    changed = false;
    for (const node of concats) {
      const derived = concatLayout(node, widths, layoutOf);
      if (derived && !assigned.has(groupOf(node.id))) {
        assigned.set(groupOf(node.id), derived);
        changed = true;
      }
    }
  }
  if (layoutOf("input")) {
    throw new Error(`widen: widening "${targetId}" would widen the network input (they meet in an add), whose width is fixed`);
  }
  for (const node of concats) {
    if (!sameLayout(concatLayout(node, widths, layoutOf), layoutOf(node.id))) {
      throw new Error(`widen: widening "${targetId}" cannot preserve the function: concat "${node.id}" meets, in an add, tensors whose units are laid out differently from its own`);
    }
  }
  return layoutOf;
}

/** A [rows, cols] kernel with rows and columns remapped; a copied row is divided by its number of copies. */
function remapKernel(kernel: Float32Array, rows: number, cols: number, rowLayout: Layout | null, colLayout: Layout | null): Float32Array {
  const newRows = rowLayout ? rowLayout.source.length : rows;
  const newCols = colLayout ? colLayout.source.length : cols;
  const out = new Float32Array(newRows * newCols);
  for (let i = 0; i < newRows; i++) {
    const r = rowLayout ? rowLayout.source[i] : i;
    const copies = rowLayout ? rowLayout.copies[r] : 1;
    for (let j = 0; j < newCols; j++) out[i * newCols + j] = kernel[r * cols + (colLayout ? colLayout.source[j] : j)] / copies;
  }
  return out;
}

const remapVector = (v: Float32Array, layout: Layout | null) => (layout ? Float32Array.from(layout.source, (o) => v[o]) : v.slice());

/**
 * Widens dense or gated node `nodeId` to `newUnits`: units beyond the old width copy old units chosen by `rng`,
 * with their kernel columns, biases and batch-norm parameters and statistics. Every consumer (dense, gated, the
 * head, through identity and concat at the right offset) divides the rows it reads from a copied unit by its
 * number of copies. Nodes that meet the widened one in an add (directly or through identity or other adds) are
 * widened with the same copies, so the sum stays consistent; where even that cannot preserve the function
 * (the network input would widen, or concats disagree) it throws.
 */
export function widen(arch: Architecture, weights: Weights, nodeId: string, newUnits: number, rng: Rng): Morphed {
  const widths = nodeWidths(arch);
  checkWeights(arch, weights);
  const target = arch.nodes.find((n) => n.id === nodeId);
  if (!target) throw new Error(`widen: no node "${nodeId}"`);
  if (target.op !== "dense" && target.op !== "gated") throw new Error(`widen: "${nodeId}" is not a dense or gated node (it is ${target.op}); only those have units to widen`);
  const old = target.units;
  if (!Number.isInteger(newUnits) || newUnits <= old) throw new Error(`widen: "${nodeId}" has ${old} units; the new width must be a larger integer, got ${newUnits}`);

  const source = new Int32Array(newUnits);
  const copies = new Int32Array(old);
  for (let j = 0; j < newUnits; j++) {
    source[j] = j < old ? j : rng.int(0, old - 1);
    copies[source[j]]++;
  }
  const layoutOf = planLayouts(arch, widths, nodeId, { source, copies });

  const out: Weights = new Map();
  const nodes = arch.nodes.map((node): NodeSpec => {
    if (node.op !== "dense" && node.op !== "gated") return node;
    const rows = layoutOf(node.input);
    const cols = layoutOf(node.id);
    const fanIn = widths.get(node.input)!;
    const layers = node.op === "dense" ? [node.id] : [`${node.id}.value`, `${node.id}.gate`];
    for (const layer of layers) {
      const [kernel, ...rest] = weights.get(layer)!;
      out.set(layer, [remapKernel(kernel, fanIn, node.units, rows, cols), ...rest.map((bias) => remapVector(bias, cols))]);
    }
    if (node.op === "dense" && node.batchNorm) out.set(`${node.id}.bn`, weights.get(`${node.id}.bn`)!.map((v) => remapVector(v, cols)));
    return cols ? { ...node, units: cols.source.length } : node;
  });
  const [kernel, bias] = weights.get("head")!;
  out.set("head", [remapKernel(kernel, widths.get(arch.output)!, arch.outputs, layoutOf(arch.output), null), bias.slice()]);
  return { arch: parseArchitecture({ ...arch, nodes }), weights: out };
}

/** Whether a tensor is never negative (a ReLU's output, or sums, copies and concatenations of such). */
function nonNegative(arch: Architecture, id: string, memo = new Map<string, boolean>()): boolean {
  if (id === "input") return false;
  const known = memo.get(id);
  if (known !== undefined) return known;
  const node = arch.nodes.find((n) => n.id === id)!;
  let result: boolean;
  if (node.op === "dense") result = node.activation === "relu";
  else if (node.op === "identity") result = nonNegative(arch, node.input, memo);
  else if (node.op === "add" || node.op === "concat") result = node.inputs.every((i) => nonNegative(arch, i, memo));
  else result = false;
  memo.set(id, result);
  return result;
}

/**
 * Inserts a dense node after `afterNodeId` (a node or "input") computing the identity: kernel I, zero bias, no
 * dropout, linear activation, or ReLU when its input is never negative (ReLU is then the identity and keeps the
 * network's nonlinearity where more layers are added). Every reader of `afterNodeId` (and the head) reads the new
 * node instead. With `batchNorm`, the new node normalises with moving mean 0, variance 1, beta 0 and gamma
 * sqrt(1 + epsilon), exactly the identity at inference (training then normalises with batch statistics). Its l2
 * is that of the dense node it follows (0 otherwise), so the stack keeps one regularisation. Its id is
 * `${afterNodeId}.deep` (then .deep2, ...).
 */
export function deepen(arch: Architecture, weights: Weights, afterNodeId: string, opts: { batchNorm?: boolean } = {}): Morphed {
  const widths = nodeWidths(arch);
  checkWeights(arch, weights);
  const units = widths.get(afterNodeId);
  if (units === undefined) throw new Error(`deepen: no node "${afterNodeId}"`);
  const layers = layerShapes(arch);
  const taken = (id: string) => layers.has(id) || arch.nodes.some((n) => n.id === id || n.id.startsWith(`${id}.`));
  let id = `${afterNodeId}.deep`;
  for (let k = 2; taken(id); k++) id = `${afterNodeId}.deep${k}`;

  const before = arch.nodes.find((n) => n.id === afterNodeId);
  const batchNorm = opts.batchNorm ?? false;
  const inserted: NodeSpec = {
    id,
    op: "dense",
    input: afterNodeId,
    units,
    activation: nonNegative(arch, afterNodeId) ? "relu" : "linear",
    batchNorm,
    dropout: 0,
    l2: before?.op === "dense" ? before.l2 : 0,
  };
  const rewire = (i: string) => (i === afterNodeId ? id : i);
  const nodes = arch.nodes.map((n): NodeSpec => (n.op === "add" || n.op === "concat" ? { ...n, inputs: n.inputs.map(rewire) } : { ...n, input: rewire(n.input) }));
  nodes.splice(before ? arch.nodes.indexOf(before) + 1 : 0, 0, inserted);

  const out: Weights = new Map([...weights].map(([name, arrays]) => [name, arrays.map((a) => a.slice())]));
  const kernel = new Float32Array(units * units);
  for (let i = 0; i < units; i++) kernel[i * units + i] = 1;
  if (batchNorm) {
    out.set(id, [kernel]);
    out.set(`${id}.bn`, [new Float32Array(units).fill(Math.sqrt(1 + BN_EPSILON)), new Float32Array(units), new Float32Array(units), new Float32Array(units).fill(1)]);
  } else {
    out.set(id, [kernel, new Float32Array(units)]);
  }
  return { arch: parseArchitecture({ ...arch, nodes, output: rewire(arch.output) }), weights: out };
}
