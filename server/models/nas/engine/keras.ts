import * as tf from "@tensorflow/tfjs";
import type { ParamLayout } from "./layout";

/**
 * Moving weights between the engine and a tf.LayersModel built from the same architecture (layer names and weight
 * order per architecture.ts): the engine's exportWeights() form, layer name -> Float32Array[] in getWeights() order.
 */

/** The weights of the model's layers that the layout names (for NasTrainer's `weights`: start from the model's init). */
export function modelWeights(model: tf.LayersModel, layout: ParamLayout): Map<string, Float32Array[]> {
  const names = new Set(model.layers.map((l) => l.name));
  const out = new Map<string, Float32Array[]>();
  for (const l of layout.linears) {
    for (const name of [l.layer, ...(l.bn ? [l.bn.layer] : [])]) {
      if (names.has(name)) out.set(name, model.getLayer(name).getWeights().map((w) => (w.dataSync() as Float32Array).slice()));
    }
  }
  return out;
}

/**
 * Sets the model's layers from exported weights (shapes from the layers themselves). Layers the model lacks (a node
 * the head does not depend on, which a model built from `output` leaves out) are skipped; returns the names set.
 */
export function loadIntoModel(model: tf.LayersModel, weights: Map<string, Float32Array[]>): string[] {
  const names = new Set(model.layers.map((l) => l.name));
  const loaded: string[] = [];
  for (const [name, arrays] of weights) {
    if (!names.has(name)) continue;
    const layer = model.getLayer(name);
    const current = layer.getWeights();
    if (current.length !== arrays.length) throw new Error(`nas engine: layer "${name}" holds ${current.length} weights, got ${arrays.length}`);
    const tensors = arrays.map((a, i) => tf.tensor(a, current[i].shape));
    try {
      layer.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
    loaded.push(name);
  }
  return loaded;
}
