/**
 * Weight inheritance (as in ENAS and evolutionary NAS with inheritance): a child architecture starts from its
 * parent's trained weights wherever a layer survived unchanged, and from its own initial weights elsewhere.
 */
import type { Rng } from "../../automl/rng";
import { checkWeights, layerShapes, type Architecture, type Weights } from "./architecture";
import { widen, type Morphed } from "./morphism";

export interface Inheritance {
  /** the child's weights: the parent's where inherited, the child's initial ones elsewhere (copies, never shared) */
  weights: Weights;
  /** the layers that took the parent's weights, in the child's node order */
  inherited: string[];
}

const sameShapes = (a: number[][], b: number[][]) => a.length === b.length && a.every((s, i) => s.length === b[i].length && s.every((d, k) => d === b[i][k]));

/**
 * Every layer of the child whose name and weight shapes match a layer of the parent takes that layer's weights
 * (a dense layer whose input width or batch normalisation changed does not). The match is by name and shape
 * only: what a layer computes from also depends on the layers before it, which is why inherited weights are a
 * starting point for training, not a trained model.
 */
export function inheritWeights(parentArch: Architecture, parentWeights: Weights, childArch: Architecture, childInitialWeights: Weights): Inheritance {
  checkWeights(parentArch, parentWeights);
  checkWeights(childArch, childInitialWeights);
  const parentShapes = layerShapes(parentArch);
  const weights: Weights = new Map();
  const inherited: string[] = [];
  for (const [name, shapes] of layerShapes(childArch)) {
    const fromParent = parentShapes.has(name) && sameShapes(parentShapes.get(name)!, shapes);
    weights.set(name, (fromParent ? parentWeights : childInitialWeights).get(name)!.map((a) => a.slice()));
    if (fromParent) inherited.push(name);
  }
  return { weights, inherited };
}

/**
 * Grows the parent towards the child before inheriting, by function-preserving widening (morphism.ts): every dense
 * or gated node the child has under the same id with more units is widened to that width, so a child that only
 * widened a layer inherits every layer and starts out computing exactly its parent's function (and the layers
 * after a widened one keep matching too). A widening that cannot preserve the function (see widen) is skipped.
 * Narrower layers are left to the name-and-shape match: no narrowing preserves the function.
 */
export function widenTowards(parentArch: Architecture, parentWeights: Weights, childArch: Architecture, rng: Rng): Morphed & { widened: string[] } {
  let grown: Morphed = { arch: parentArch, weights: parentWeights };
  const widened: string[] = [];
  for (const node of childArch.nodes) {
    if (node.op !== "dense" && node.op !== "gated") continue;
    const before = grown.arch.nodes.find((n) => n.id === node.id);
    if (!before || before.op !== node.op || before.units >= node.units) continue;
    try {
      grown = widen(grown.arch, grown.weights, node.id, node.units, rng);
      widened.push(node.id);
    } catch {
      // e.g. a node that meets the network input in an add: the child starts this layer afresh instead
    }
  }
  return { ...grown, widened };
}
