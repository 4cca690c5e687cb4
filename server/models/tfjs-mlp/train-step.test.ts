import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend";
import { BN_EPSILON, buildModel, flattenTrainable, movingStats, paramSlots, type NetSpec, type ParamSlot } from "./network";
import { forwardBackward, type Batch } from "./train-step";
import { Rng } from "./rng";
import { ACTIVATIONS } from "./space";

beforeAll(async () => {
  await initBackend();
});

/** The same network written with plain ops, differentiated by TensorFlow.js: the reference for the hand-written pass. */
function referenceMeanLoss(net: NetSpec, slots: ParamSlot[], theta: tf.Tensor1D, batch: Batch): tf.Scalar {
  const parts = tf.split(theta, slots.map((s) => s.size)).map((p, i) => p.reshape(slots[i].shape));
  let k = 0;
  let h: tf.Tensor = batch.x;
  net.units.forEach((_, i) => {
    let z = tf.matMul(h as tf.Tensor2D, parts[k++] as tf.Tensor2D) as tf.Tensor;
    if (net.batchNorm) {
      const { mean, variance } = tf.moments(z, 0);
      z = tf.add(tf.mul(tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, BN_EPSILON))), parts[k++]), parts[k++]);
    } else {
      z = tf.add(z, parts[k++]);
    }
    const a =
      net.activation === "relu" ? tf.relu(z)
      : net.activation === "elu" ? tf.elu(z)
      : net.activation === "tanh" ? tf.tanh(z)
      : net.activation === "selu" ? tf.selu(z)
      : tf.mul(z, tf.mul(0.5, tf.add(1, tf.erf(tf.div(z, Math.SQRT2)))));
    h = batch.masks[i] ? tf.mul(a, batch.masks[i]!) : a;
  });
  const logits = tf.add(tf.matMul(h as tf.Tensor2D, parts[k++] as tf.Tensor2D), parts[k++]);
  if (net.head === "sigmoid") {
    const y = tf.div(tf.sub(1, batch.target), 2); // target holds -(2y-1)
    return tf.losses.sigmoidCrossEntropy(y, logits) as tf.Scalar;
  }
  if (net.head === "softmax") return tf.losses.softmaxCrossEntropy(batch.target, logits) as tf.Scalar;
  return tf.mean(tf.square(tf.sub(logits, batch.target)));
}

function randomBatch(net: NetSpec, B: number, rng: Rng): Batch {
  const x = tf.tensor2d(Float32Array.from({ length: B * net.inputs }, () => rng.next() * 4 - 2), [B, net.inputs]);
  let target: tf.Tensor2D;
  if (net.head === "sigmoid") target = tf.tensor2d(Float32Array.from({ length: B }, () => (rng.next() < 0.5 ? -1 : 1)), [B, 1]);
  else if (net.head === "softmax") {
    const t = new Float32Array(B * net.outputs);
    for (let r = 0; r < B; r++) t[r * net.outputs + Math.floor(rng.next() * net.outputs)] = 1;
    target = tf.tensor2d(t, [B, net.outputs]);
  } else target = tf.tensor2d(Float32Array.from({ length: B }, () => rng.next() * 2 - 1), [B, 1]);
  const masks = net.units.map((u) => (net.dropout > 0 ? tf.tensor2d(rng.dropoutMask(B * u, net.dropout), [B, u]) : null));
  return { x, xT: tf.transpose(x), target, masks };
}

const cases: { name: string; net: Omit<NetSpec, "inputs"> }[] = [
  ...ACTIVATIONS.map((activation) => ({
    name: `${activation}, dropout, sigmoid head`,
    net: { units: [7, 6], activation, batchNorm: false, dropout: 0.3, outputs: 1, head: "sigmoid" as const },
  })),
  ...ACTIVATIONS.map((activation) => ({
    name: `${activation}, batch norm, softmax head`,
    net: { units: [6, 5], activation, batchNorm: true, dropout: 0, outputs: 3, head: "softmax" as const },
  })),
  { name: "relu, batch norm + dropout, linear head", net: { units: [8], activation: "relu", batchNorm: true, dropout: 0.2, outputs: 1, head: "linear" } },
  { name: "no hidden layer, softmax head", net: { units: [], activation: "relu", batchNorm: false, dropout: 0, outputs: 4, head: "softmax" } },
];

describe("hand-written backward pass equals autodiff", () => {
  for (const c of cases) {
    it(c.name, () => {
      const net: NetSpec = { inputs: 5, ...c.net };
      const model = buildModel(net, 7);
      const slots = paramSlots(net);
      const theta = flattenTrainable(model, slots);
      const stats = movingStats(model, net);
      const batch = randomBatch(net, 16, new Rng(3));
      const [mine, lossSum, reference, refLoss] = tf.tidy(() => {
        const r = forwardBackward(net, slots, theta, stats, batch);
        const ref = tf.valueAndGrad((th: tf.Tensor) => referenceMeanLoss(net, slots, th as tf.Tensor1D, batch))(theta);
        return [r.grad.dataSync(), r.lossSum.dataSync()[0], ref.grad.dataSync(), ref.value.dataSync()[0]];
      });
      expect(mine.length).toBe(reference.length);
      expect(lossSum / 16).toBeCloseTo(refLoss, 4);
      let maxErr = 0;
      let maxRef = 0;
      for (let i = 0; i < mine.length; i++) {
        maxErr = Math.max(maxErr, Math.abs(mine[i] - reference[i]));
        maxRef = Math.max(maxRef, Math.abs(reference[i]));
      }
      expect(maxErr).toBeLessThan(1e-4 * Math.max(1, maxRef));
      tf.dispose([theta, ...stats.flat(), batch.x, batch.xT, batch.target, ...batch.masks.filter((m) => m !== null)]);
      model.dispose();
    });
  }
});

it("the training forward pass is the saved model's forward pass", () => {
  const net: NetSpec = { inputs: 5, units: [9, 4], activation: "gelu", batchNorm: false, dropout: 0.4, outputs: 1, head: "sigmoid" };
  const model = buildModel(net, 11);
  const slots = paramSlots(net);
  const theta = flattenTrainable(model, slots);
  const batch = randomBatch({ ...net, dropout: 0 }, 32, new Rng(5));
  const [viaLoss, viaModel] = tf.tidy(() => {
    // with target -(2y-1) = -1 (y = 1), the per-row loss is softplus(-z) = -log(sigmoid(z))
    const ones = tf.fill([32, 1], -1) as tf.Tensor2D;
    const perRow = Array.from({ length: 32 }, (_, r) => {
      const one: Batch = { x: batch.x.slice([r, 0], [1, 5]), xT: batch.xT.slice([0, r], [5, 1]), target: ones.slice([r, 0], [1, 1]), masks: [null, null] };
      return Math.exp(-forwardBackward(net, slots, theta, [], one).lossSum.dataSync()[0]);
    });
    return [perRow, Array.from((model.predict(batch.x) as tf.Tensor).dataSync())];
  });
  viaLoss.forEach((p, i) => expect(p).toBeCloseTo(viaModel[i], 5));
  tf.dispose([theta, batch.x, batch.xT, batch.target]);
  model.dispose();
});
