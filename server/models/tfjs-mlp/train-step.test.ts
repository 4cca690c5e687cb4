import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend";
import { BN_EPSILON, buildModel, flattenTrainable, movingStats, paramSlots, type NetSpec, type ParamSlot } from "./network";
import { forwardBackward, StepRunner, type Batch, type BatchWeight } from "./train-step";
import { Rng } from "./rng";
import { ACTIVATIONS } from "./space";

beforeAll(async () => {
  await initBackend();
});

/**
 * The same network written with plain ops, differentiated by TensorFlow.js: the reference for the hand-written pass.
 * With batch weights, the loss is the weighted mean sum(w*loss)/sum(w).
 */
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
  const none = tf.Reduction.NONE;
  let perRow: tf.Tensor;
  if (net.head === "sigmoid") {
    const y = tf.div(tf.sub(1, batch.target), 2); // target holds -(2y-1)
    perRow = tf.losses.sigmoidCrossEntropy(y, logits, undefined, undefined, none).reshape([-1]);
  } else if (net.head === "softmax") {
    perRow = tf.losses.softmaxCrossEntropy(batch.target, logits, undefined, undefined, none);
  } else {
    perRow = tf.square(tf.sub(logits, batch.target)).reshape([-1]);
  }
  if (!batch.weight) return tf.mean(perRow);
  const w = batch.weight.values.reshape([-1]);
  return tf.div(tf.sum(tf.mul(perRow, w)), tf.sum(w));
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

/** weights in [0, 3), some exactly 0, so a wrong normalisation or a dropped weight shows in the gradient */
function randomWeights(B: number, rng: Rng): BatchWeight {
  const w = Float32Array.from({ length: B }, (_, i) => (i % 5 === 0 ? 0 : rng.next() * 3));
  return { values: tf.tensor2d(w, [B, 1]), sum: w.reduce((a, b) => a + b, 0) };
}

describe("hand-written backward pass equals autodiff", () => {
  for (const c of cases) for (const weighted of [false, true]) {
    it(`${c.name}${weighted ? ", sample weights" : ""}`, () => {
      const net: NetSpec = { inputs: 5, ...c.net };
      const model = buildModel(net, 7);
      const slots = paramSlots(net);
      const theta = flattenTrainable(model, slots);
      const stats = movingStats(model, net);
      const rng = new Rng(3);
      const batch = randomBatch(net, 16, rng);
      if (weighted) batch.weight = randomWeights(16, rng);
      const [mine, lossSum, reference, refLoss] = tf.tidy(() => {
        const r = forwardBackward(net, slots, theta, stats, batch);
        const ref = tf.valueAndGrad((th: tf.Tensor) => referenceMeanLoss(net, slots, th as tf.Tensor1D, batch))(theta);
        return [r.grad.dataSync(), r.lossSum.dataSync()[0], ref.grad.dataSync(), ref.value.dataSync()[0]];
      });
      expect(mine.length).toBe(reference.length);
      expect(lossSum / (batch.weight?.sum ?? 16)).toBeCloseTo(refLoss, 4);
      let maxErr = 0;
      let maxRef = 0;
      for (let i = 0; i < mine.length; i++) {
        maxErr = Math.max(maxErr, Math.abs(mine[i] - reference[i]));
        maxRef = Math.max(maxRef, Math.abs(reference[i]));
      }
      expect(maxErr).toBeLessThan(1e-4 * Math.max(1, maxRef));
      tf.dispose([theta, ...stats.flat(), batch.x, batch.xT, batch.target, ...batch.masks.filter((m) => m !== null)]);
      batch.weight?.values.dispose();
      model.dispose();
    });
  }
});

it("integer weights equal repeating rows: a weight of 2 is the row twice", () => {
  const net: NetSpec = { inputs: 5, units: [6], activation: "tanh", batchNorm: false, dropout: 0, outputs: 3, head: "softmax" };
  const model = buildModel(net, 13);
  const slots = paramSlots(net);
  const theta = flattenTrainable(model, slots);
  const batch = randomBatch(net, 8, new Rng(9));
  const counts = [2, 1, 0, 3, 1, 1, 2, 1];
  const rows = counts.flatMap((c, r) => Array<number>(c).fill(r));
  const [weighted, repeated] = tf.tidy(() => {
    const w: BatchWeight = { values: tf.tensor2d(counts, [8, 1]), sum: rows.length };
    const a = forwardBackward(net, slots, theta, [], { ...batch, weight: w });
    const idx = tf.tensor1d(rows, "int32");
    const x = tf.gather(batch.x, idx);
    const b = forwardBackward(net, slots, theta, [], { x, xT: tf.transpose(x), target: tf.gather(batch.target, idx), masks: [null] });
    return [[a.lossSum.dataSync()[0], ...a.grad.dataSync()], [b.lossSum.dataSync()[0], ...b.grad.dataSync()]];
  });
  weighted.forEach((v, i) => expect(v).toBeCloseTo(repeated[i], 5));
  tf.dispose([theta, batch.x, batch.xT, batch.target]);
  model.dispose();
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

it("a batch whose weights are all 0 is no step at all (no Adam moment, no loss)", () => {
  const net: NetSpec = { inputs: 5, units: [4], activation: "relu", batchNorm: false, dropout: 0, outputs: 1, head: "linear" };
  const model = buildModel(net, 17);
  const slots = paramSlots(net);
  const runner = new StepRunner(net, slots, flattenTrainable(model, slots), [], { learningRate: 0.1, weightDecay: 0 });
  const batch = randomBatch(net, 8, new Rng(2));
  batch.weight = { values: tf.zeros([8, 1]), sum: 0 };
  const before = runner.theta.dataSync().slice();
  runner.step(batch);
  expect(Array.from(runner.theta.dataSync())).toEqual(Array.from(before));
  expect(runner.takeLossSum()).toBe(0);
  runner.dispose();
  tf.dispose([batch.x, batch.xT, batch.target, batch.weight.values]);
  model.dispose();
});
