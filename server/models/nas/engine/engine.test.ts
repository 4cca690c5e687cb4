import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../backend";
import { Rng } from "../../tfjs-mlp/rng";
import type { Architecture, NodeSpec } from "../architecture";
import { parseTrainingConfig } from "./config";
import { trainStep, type StepBatch } from "./graph";
import { addPenaltyGradient, BN_EPSILON, exportWeights, importWeights, initialParams, paramLayout, type ParamLayout } from "./layout";
import { DeviceStore, HostStore } from "./store";
import { loadIntoModel, modelWeights } from "./keras";
import { NasTrainer } from "./trainer";
import { installWasmMatMulFix } from "../../wasm-matmul";

beforeAll(async () => {
  await initBackend();
});

/** Every op kind: dense (BN, dropout, L2, all six activations), gated, identity, add (3 inputs, one repeated), concat, fan-out, a dead node. */
function everyOp(head: Architecture["head"], outputs: number): Architecture {
  const nodes: NodeSpec[] = [
    { id: "d1", op: "dense", input: "input", units: 6, activation: "relu", batchNorm: true, dropout: 0.3, l2: 0.01 },
    { id: "g1", op: "gated", input: "input", units: 6 },
    { id: "a1", op: "add", inputs: ["d1", "g1"] },
    { id: "d2", op: "dense", input: "a1", units: 4, activation: "gelu", batchNorm: false, dropout: 0, l2: 0.02 },
    { id: "i1", op: "identity", input: "d2" },
    { id: "c1", op: "concat", inputs: ["i1", "a1", "d1"] },
    { id: "d3", op: "dense", input: "c1", units: 5, activation: "elu", batchNorm: true, dropout: 0.2, l2: 0 },
    { id: "d4", op: "dense", input: "d3", units: 3, activation: "tanh", batchNorm: false, dropout: 0, l2: 0 },
    { id: "d5", op: "dense", input: "d3", units: 3, activation: "selu", batchNorm: false, dropout: 0.1, l2: 0 },
    { id: "a2", op: "add", inputs: ["d4", "d5", "d4"] },
    { id: "dead", op: "dense", input: "d1", units: 2, activation: "relu", batchNorm: true, dropout: 0, l2: 0.5 },
    { id: "d6", op: "dense", input: "a2", units: 4, activation: "linear", batchNorm: true, dropout: 0, l2: 0.01 },
    { id: "c2", op: "concat", inputs: ["d6", "d2"] },
  ];
  return { inputs: 5, nodes, output: "c2", outputs, head };
}

const GELU = (z: tf.Tensor) => tf.mul(z, tf.mul(0.5, tf.add(1, tf.erf(tf.div(z, Math.SQRT2)))));

/** The objective written with plain ops on slices of theta, for TensorFlow.js autodiff: mean (weighted) loss + L2. */
function referenceObjective(layout: ParamLayout, theta: tf.Tensor1D, batch: StepBatch): { objective: tf.Scalar; dataLoss: tf.Scalar } {
  const { arch } = layout;
  const block = (offset: number, shape: number[]) => tf.slice(theta, offset, shape.reduce((a, b) => a * b, 1)).reshape(shape);
  const kernel = (id: string, k = 0) => {
    const l = layout.byNode.get(id)![k];
    return block(l.kernel, [l.inputs, l.units]) as tf.Tensor2D;
  };
  const values = new Map<string, tf.Tensor2D>([["input", batch.x]]);
  let penalty: tf.Tensor = tf.scalar(0);
  for (const node of arch.nodes) {
    if (!layout.live.has(node.id)) continue;
    const get = (id: string) => values.get(id)!;
    if (node.op === "dense") {
      const l = layout.byNode.get(node.id)![0];
      let z: tf.Tensor = tf.matMul(get(node.input), kernel(node.id));
      if (l.bn) {
        const { mean, variance } = tf.moments(z, 0);
        z = tf.add(tf.mul(tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, BN_EPSILON))), block(l.bn.gamma, [l.units])), block(l.bn.beta, [l.units]));
      } else {
        z = tf.add(z, block(l.bias!, [l.units]));
      }
      const act = { relu: tf.relu, elu: tf.elu, tanh: tf.tanh, selu: tf.selu, gelu: GELU, linear: (t: tf.Tensor) => t }[node.activation];
      const a = act(z);
      const mask = batch.masks.get(node.id);
      values.set(node.id, (mask ? tf.mul(a, mask) : a) as tf.Tensor2D);
      if (node.l2 > 0) penalty = tf.add(penalty, tf.mul(node.l2, tf.sum(tf.square(kernel(node.id)))));
    } else if (node.op === "gated") {
      const [v, g] = layout.byNode.get(node.id)!;
      const value = tf.add(tf.matMul(get(node.input), kernel(node.id, 0)), block(v.bias!, [v.units]));
      const gate = tf.sigmoid(tf.add(tf.matMul(get(node.input), kernel(node.id, 1)), block(g.bias!, [g.units])));
      values.set(node.id, tf.mul(value, gate) as tf.Tensor2D);
    } else if (node.op === "identity") {
      values.set(node.id, get(node.input));
    } else if (node.op === "add") {
      values.set(node.id, node.inputs.map(get).reduce((a, b) => tf.add(a, b)));
    } else {
      values.set(node.id, tf.concat(node.inputs.map(get), 1));
    }
  }
  const head = layout.byNode.get("head")![0];
  const logits = tf.add(tf.matMul(values.get(arch.output)!, kernel("head")), block(head.bias!, [head.units]));
  const none = tf.Reduction.NONE;
  let perRow: tf.Tensor;
  if (arch.head === "sigmoid") {
    const y = tf.div(tf.sub(1, batch.target), 2); // target holds -(2y-1)
    perRow = tf.losses.sigmoidCrossEntropy(y, logits, undefined, undefined, none).reshape([-1]);
  } else if (arch.head === "softmax") {
    perRow = tf.losses.softmaxCrossEntropy(batch.target, logits, undefined, undefined, none);
  } else {
    perRow = tf.sum(tf.square(tf.sub(logits, batch.target)), 1);
  }
  let dataLoss: tf.Scalar;
  if (!batch.weight) dataLoss = tf.mean(perRow);
  else {
    const w = batch.weight.values.reshape([-1]);
    dataLoss = tf.div(tf.sum(tf.mul(perRow, w)), tf.sum(w));
  }
  return { objective: tf.add(dataLoss, penalty), dataLoss };
}

function randomBatch(layout: ParamLayout, B: number, rng: Rng, weighted: boolean): StepBatch {
  const { arch } = layout;
  const x = tf.tensor2d(Float32Array.from({ length: B * arch.inputs }, () => rng.next() * 4 - 2), [B, arch.inputs]);
  const k = arch.outputs;
  let target: tf.Tensor2D;
  if (arch.head === "sigmoid") target = tf.tensor2d(Float32Array.from({ length: B }, () => (rng.next() < 0.5 ? -1 : 1)), [B, 1]);
  else if (arch.head === "softmax") {
    const t = new Float32Array(B * k);
    for (let r = 0; r < B; r++) t[r * k + Math.floor(rng.next() * k)] = 1;
    target = tf.tensor2d(t, [B, k]);
  } else target = tf.tensor2d(Float32Array.from({ length: B * k }, () => rng.next() * 2 - 1), [B, k]);
  const masks = new Map<string, tf.Tensor2D>();
  for (const n of arch.nodes) if (n.op === "dense" && n.dropout > 0) masks.set(n.id, tf.tensor2d(rng.dropoutMask(B * n.units, n.dropout), [B, n.units]));
  const batch: StepBatch = { x, xT: tf.concat([tf.transpose(x), tf.ones([1, B])], 0), target, masks };
  if (weighted) {
    // some weights exactly 0, so a wrong normalisation or a dropped weight shows in the gradient
    const w = Float32Array.from({ length: B }, (_, i) => (i % 5 === 0 ? 0 : rng.next() * 3));
    batch.weight = { values: tf.tensor2d(w, [B, 1]), sum: w.reduce((a, b) => a + b, 0) };
  }
  return batch;
}

const cfg = parseTrainingConfig({ optimizer: "adam", learningRate: 1e-3, batchSize: 16 });

describe("hand-written backward pass equals autodiff", () => {
  const heads: [Architecture["head"], number][] = [
    ["sigmoid", 1],
    ["softmax", 3],
    ["linear", 2],
  ];
  for (const [head, outputs] of heads) {
    for (const weighted of [false, true]) {
      it(`every op kind, ${head} head${weighted ? ", sample weights" : ""}`, () => {
        const layout = paramLayout(everyOp(head, outputs));
        const { theta, stats } = initialParams(layout, 7);
        // BN gamma/beta away from 1/0 so that their gradients are exercised in general position
        const rng = new Rng(3);
        for (const l of layout.linears) if (l.bn) for (let j = 0; j < l.units; j++) theta[l.bn.gamma + j] += rng.next() - 0.5;
        const batch = randomBatch(layout, 16, rng, weighted);
        const host = new HostStore(layout, cfg, theta, stats);
        const device = new DeviceStore(layout, cfg, theta, stats);
        const thetaT = tf.tensor1d(theta);
        const [mine, viaDevice, lossSum, reference, refLoss] = tf.tidy(() => {
          const flat = (grads: ReturnType<typeof trainStep>["grads"]) => {
            const g = new Float32Array(layout.size);
            for (const p of grads) g.set((p.value.dataSync() as Float32Array).subarray(0, p.size), p.offset);
            addPenaltyGradient(layout, theta, g);
            return g;
          };
          const r = trainStep(layout, host.stepParams(), batch);
          const d = trainStep(layout, device.stepParams(), batch);
          const ref = tf.valueAndGrad((th: tf.Tensor) => referenceObjective(layout, th as tf.Tensor1D, batch).objective)(thetaT);
          const dataLoss = referenceObjective(layout, thetaT, batch).dataLoss.dataSync()[0];
          return [flat(r.grads), flat(d.grads), r.lossSum.dataSync()[0], ref.grad.dataSync(), dataLoss] as const;
        });
        expect(lossSum / (batch.weight?.sum ?? 16)).toBeCloseTo(refLoss, 4);
        let maxErr = 0;
        let maxRef = 0;
        for (let i = 0; i < reference.length; i++) {
          maxErr = Math.max(maxErr, Math.abs(mine[i] - reference[i]), Math.abs(viaDevice[i] - reference[i]));
          maxRef = Math.max(maxRef, Math.abs(reference[i]));
        }
        expect(maxRef).toBeGreaterThan(0);
        expect(maxErr).toBeLessThan(1e-4 * Math.max(1, maxRef));
        // the dead node gets no gradient (and no penalty)
        const dead = layout.byNode.get("dead")![0];
        expect(Array.from(mine.subarray(dead.kernel, dead.kernel + dead.inputs * dead.units)).every((v) => v === 0)).toBe(true);
        tf.dispose([thetaT, batch.x, batch.xT!, batch.target, ...batch.masks.values(), ...(batch.weight ? [batch.weight.values] : [])]);
        host.dispose();
        device.dispose();
      });
    }
  }
});

/** A small residual network: stem, one block, head. */
const residual: Architecture = {
  inputs: 6,
  nodes: [
    { id: "stem", op: "dense", input: "input", units: 8, activation: "relu", batchNorm: false, dropout: 0, l2: 0 },
    { id: "b.fc1", op: "dense", input: "stem", units: 8, activation: "relu", batchNorm: true, dropout: 0.1, l2: 1e-4 },
    { id: "b.fc2", op: "dense", input: "b.fc1", units: 8, activation: "linear", batchNorm: false, dropout: 0, l2: 0 },
    { id: "b.add", op: "add", inputs: ["stem", "b.fc2"] },
  ],
  output: "b.add",
  outputs: 1,
  head: "sigmoid",
};

function binaryData(rows: number, cols: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let t = 0;
    for (let j = 0; j < cols; j++) {
      const v = rng.next() * 2 - 1;
      x[i * cols + j] = v;
      t += v * ((j % 3) - 1) + (j === 0 ? v * v : 0);
    }
    y[i] = t > 0 ? 1 : 0;
  }
  return { x: { rows, cols, data: x }, y };
}

describe("trainer", () => {
  it("learns: the loss falls and predictions separate the classes", () => {
    const data = binaryData(2000, 6, 1);
    const trainer = new NasTrainer(residual, { optimizer: "adam", learningRate: 0.01, batchSize: 64, schedule: { type: "cosine", epochs: 6 } }, { seed: 1 });
    const losses = Array.from({ length: 6 }, () => trainer.trainEpochSync(data).loss);
    expect(losses[5]).toBeLessThan(losses[0] * 0.6);
    const p = trainer.predict(data.x);
    let correct = 0;
    for (let i = 0; i < data.y.length; i++) correct += (p[i] > 0.5 ? 1 : 0) === data.y[i] ? 1 : 0;
    expect(correct / data.y.length).toBeGreaterThan(0.9);
    trainer.dispose();
  });

  for (const optimizer of ["adam", "rmsprop", "sgd"] as const) {
    it(`host and device stores train identically (${optimizer}, step schedule, sample weights)`, () => {
      const data = { ...binaryData(300, 6, 2), sampleWeight: Float32Array.from({ length: 300 }, (_, i) => (i % 7) / 3) };
      const config = { optimizer, learningRate: 0.01, batchSize: 32, momentum: optimizer === "rmsprop" ? 0.5 : undefined, schedule: { type: "step" as const, everyEpochs: 1, factor: 0.5 } };
      const [a, b] = (["host", "device"] as const).map((store) => {
        const t = new NasTrainer(residual, config, { seed: 5, store });
        const losses = [t.trainEpochSync(data).loss, t.trainEpochSync(data).loss];
        const s = t.state();
        t.dispose();
        return { losses, s };
      });
      expect(a.losses[0]).toBeCloseTo(b.losses[0], 5);
      expect(a.losses[1]).toBeCloseTo(b.losses[1], 5);
      for (const key of ["theta", "stats", "m", "v"] as const) {
        const maxDiff = a.s[key].reduce((m, v, i) => Math.max(m, Math.abs(v - b.s[key][i])), 0);
        expect(maxDiff, key).toBeLessThan(1e-5);
      }
      expect(a.s.t).toBe(b.s.t);
    });
  }

  it("a checkpointed trainer continues exactly", () => {
    const data = binaryData(200, 6, 3);
    const config = { optimizer: "adam" as const, learningRate: 0.01, batchSize: 32 };
    const straight = new NasTrainer(residual, config, { seed: 9 });
    straight.trainEpochSync(data);
    const saved = straight.state();
    straight.trainEpochSync(data);
    const resumed = new NasTrainer(residual, config, { seed: 123 });
    resumed.restore(saved);
    resumed.trainEpochSync(data);
    expect(Array.from(resumed.state().theta)).toEqual(Array.from(straight.state().theta));
    straight.dispose();
    resumed.dispose();
  });
});

describe("weights in Keras form", () => {
  it("exports by layer name in getWeights() order and imports back", () => {
    const layout = paramLayout(everyOp("softmax", 3));
    const { theta, stats } = initialParams(layout, 1);
    const w = exportWeights(layout, theta, stats);
    expect(w.get("d1")!.map((a) => a.length)).toEqual([5 * 6]); // batch-normalised: no bias
    expect(w.get("d1.bn")!.map((a) => a.length)).toEqual([6, 6, 6, 6]);
    expect(w.get("d2")!.map((a) => a.length)).toEqual([6 * 4, 4]);
    expect(w.get("g1.value")!.map((a) => a.length)).toEqual([5 * 6, 6]);
    expect(w.get("g1.gate")!.map((a) => a.length)).toEqual([5 * 6, 6]);
    expect(w.get("head")!.map((a) => a.length)).toEqual([8 * 3, 3]);
    expect(Array.from(w.get("d1.bn")![3])).toEqual(Array(6).fill(1)); // moving variance starts at 1
    const theta2 = new Float32Array(layout.size);
    const stats2 = new Float32Array(layout.statsSize);
    importWeights(layout, w, theta2, stats2);
    expect(theta2).toEqual(theta);
    expect(stats2).toEqual(stats);
    expect(() => importWeights(layout, new Map([["d2", [new Float32Array(3)]]]), theta2, stats2)).toThrow(/d2/);
  });

  it("a tf.LayersModel with the exported weights predicts what the engine predicts", () => {
    const arch: Architecture = {
      inputs: 6,
      nodes: [
        { id: "d1", op: "dense", input: "input", units: 7, activation: "elu", batchNorm: true, dropout: 0.2, l2: 0 },
        { id: "g1", op: "gated", input: "input", units: 7 },
        { id: "a1", op: "add", inputs: ["d1", "g1"] },
        { id: "d2", op: "dense", input: "a1", units: 5, activation: "gelu", batchNorm: false, dropout: 0, l2: 0 },
        { id: "c1", op: "concat", inputs: ["d2", "a1"] },
      ],
      output: "c1",
      outputs: 3,
      head: "softmax",
    };
    const rng = new Rng(4);
    const rows = 256;
    const x = { rows, cols: 6, data: Float32Array.from({ length: rows * 6 }, () => rng.next() * 2 - 1) };
    const y = Float32Array.from({ length: rows }, (_, i) => i % 3);
    const trainer = new NasTrainer(arch, { optimizer: "adam", learningRate: 0.01, batchSize: 32 }, { seed: 2 });
    trainer.trainEpochSync({ x, y });
    const weights = trainer.exportWeights();

    // the model as architecture.ts names it (build.ts builds it the same way)
    const input = tf.input({ shape: [6] });
    const out = new Map<string, tf.SymbolicTensor>([["input", input]]);
    for (const n of arch.nodes) {
      if (n.op === "dense") {
        let h = tf.layers.dense({ name: n.id, units: n.units, useBias: !n.batchNorm }).apply(out.get(n.input)!) as tf.SymbolicTensor;
        if (n.batchNorm) h = tf.layers.batchNormalization({ name: `${n.id}.bn`, epsilon: 1e-3, momentum: 0.99 }).apply(h) as tf.SymbolicTensor;
        out.set(n.id, tf.layers.activation({ name: `${n.id}.act`, activation: n.activation }).apply(h) as tf.SymbolicTensor);
      } else if (n.op === "gated") {
        const v = tf.layers.dense({ name: `${n.id}.value`, units: n.units }).apply(out.get(n.input)!) as tf.SymbolicTensor;
        const g = tf.layers.dense({ name: `${n.id}.gate`, units: n.units, activation: "sigmoid" }).apply(out.get(n.input)!) as tf.SymbolicTensor;
        out.set(n.id, tf.layers.multiply({ name: `${n.id}.mul` }).apply([v, g]) as tf.SymbolicTensor);
      } else if (n.op === "add") {
        out.set(n.id, tf.layers.add({ name: n.id }).apply(n.inputs.map((i) => out.get(i)!)) as tf.SymbolicTensor);
      } else if (n.op === "concat") {
        out.set(n.id, tf.layers.concatenate({ name: n.id }).apply(n.inputs.map((i) => out.get(i)!)) as tf.SymbolicTensor);
      }
    }
    const headOut = tf.layers.dense({ name: "head", units: 3, activation: "softmax" }).apply(out.get(arch.output)!) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: headOut });
    expect(loadIntoModel(model, weights).sort()).toEqual([...weights.keys()].sort());
    // and back: the model's weights are the engine's
    const back = modelWeights(model, trainer.layout);
    for (const [name, arrays] of weights) arrays.forEach((a, i) => expect(Array.from(back.get(name)![i])).toEqual(Array.from(a)));
    const viaModel = tf.tidy(() => (model.predict(tf.tensor2d(x.data, [rows, 6])) as tf.Tensor).dataSync());
    const viaEngine = trainer.predict(x);
    const maxDiff = viaEngine.reduce((m, v, i) => Math.max(m, Math.abs(v - viaModel[i])), 0);
    expect(maxDiff).toBeLessThan(1e-5);
    model.dispose();
    trainer.dispose();
  });
});

describe("wasm matMul fix", () => {
  it("transposed products and a fused Dense product's gradient are unchanged", () => {
    const rng = new Rng(8);
    const rand = (r: number, c: number) => tf.tensor2d(Float32Array.from({ length: r * c }, () => rng.next() * 2 - 1), [r, c]);
    const a = rand(7, 5);
    const b = rand(7, 4);
    const c = rand(4, 5);
    const e = rand(3, 7);
    const bias = tf.tensor1d([0.1, -0.2, 0.3, 0.05, 0]);
    const compute = () =>
      tf.tidy(() => {
        const loss = (w: tf.Tensor) => tf.sum(tf.square(tf.fused.matMul({ a: b, b: w as tf.Tensor2D, bias, activation: "relu" })));
        return [
          tf.matMul(a, b, true, false), // [5,4]
          tf.matMul(a, c, false, true), // [7,4]
          tf.matMul(b, e, true, true), // [4,3]
          tf.fused.matMul({ a, b, transposeA: true, bias: tf.zeros([4]), activation: "relu" }),
          tf.grad(loss)(c),
        ].map((t) => Array.from(t.dataSync()));
      });
    const before = compute();
    const installed = installWasmMatMulFix();
    expect(installed).toBe(tf.getBackend() === "wasm");
    const after = compute();
    after.forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(before[i][j], 5)));
    tf.dispose([a, b, c, e, bias]);
  });
});
