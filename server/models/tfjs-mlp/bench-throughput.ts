/**
 * Training throughput of the MLP family against a peer measured in the same run (TensorFlow.js model.fit on
 * the same architecture and batch size): `npx tsx server/models/tfjs-mlp/bench-throughput.ts [backend] [rows]`.
 * Network 50-128-64-1 (ReLU, binary), 200k rows by default.
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend";
import { mlpFamily } from "./index";
import { Rng } from "./rng";

const backend = await initBackend(process.argv[2]);
const rows = Number(process.argv[3] ?? 200_000);
const cols = 50;
const rng = new Rng(1);
const x = new Float32Array(rows * cols);
const y = new Float32Array(rows);
for (let i = 0; i < rows; i++) {
  let t = 0;
  for (let j = 0; j < cols; j++) {
    const v = rng.next() * 2 - 1;
    x[i * cols + j] = v;
    t += v * ((j % 5) - 2);
  }
  y[i] = t + rng.next() - 0.5 > 0 ? 1 : 0;
}
const valRows = 2000;
const input = {
  task: { type: "binary" as const, classes: ["0", "1"] },
  xTrain: { rows, cols, data: x },
  yTrain: y,
  xVal: { rows: valRows, cols, data: x.subarray(0, valRows * cols) },
  yVal: y.subarray(0, valRows),
};

for (const batchSize of [128, 256, 512]) {
  const params = { depth: 2, units_0: 128, units_1: 64, activation: "relu", dropout: 0, learning_rate: 1e-3, batch_size: batchSize, weight_decay: 1e-5, batch_norm: false, patience: 10, max_epochs: 3 };
  const perEpoch: number[] = [];
  const fit = await mlpFamily.fit(input, params, {
    seed: 1,
    metric: "auc",
    deadline: Infinity,
    async onEpoch(r) {
      perEpoch.push(rows / r.seconds);
      return "continue";
    },
  });
  fit.model.dispose();
  const ours = Math.max(...perEpoch);

  // peer: model.fit, same network and batch size, on a slice (it is much slower)
  const peerRows = Math.min(rows, 20_000);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 128, activation: "relu", inputShape: [cols] }),
      tf.layers.dense({ units: 64, activation: "relu" }),
      tf.layers.dense({ units: 1, activation: "sigmoid" }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "binaryCrossentropy" });
  const xs = tf.tensor2d(x.subarray(0, peerRows * cols), [peerRows, cols]);
  const ys = tf.tensor2d(y.subarray(0, peerRows), [peerRows, 1]);
  await model.fit(xs, ys, { batchSize, epochs: 1, verbose: 0 });
  const t = performance.now();
  await model.fit(xs, ys, { batchSize, epochs: 1, verbose: 0 });
  const peer = peerRows / ((performance.now() - t) / 1000);
  tf.dispose([xs, ys]);
  model.dispose();
  console.log(
    `${backend} batch ${batchSize}: mlp family ${Math.round(ours).toLocaleString("en")} rows/s (best of ${perEpoch.length} epochs, incl. per-epoch evaluation); ` +
      `model.fit ${Math.round(peer).toLocaleString("en")} rows/s; ratio ${(ours / peer).toFixed(1)}x`,
  );
}
