import * as tf from "@tensorflow/tfjs";
import type { Matrix } from "../../family";
import { Rng } from "../../tfjs-mlp/rng";
import { nodeInputs, parseArchitecture, type Architecture } from "../architecture";
import { parseTrainingConfig, scheduleFactor, type ParsedTrainingConfig, type TrainingConfig } from "./config";
import { inferenceForward, trainStep, type StepBatch } from "./graph";
import { exportWeights, importWeights, initialParams, paramLayout, penalty, type ParamLayout } from "./layout";
import { createStore, type ParamStore } from "./store";

/**
 * Trains any Architecture with the hand-written pass of graph.ts: seeded shuffling every epoch, batches gathered on
 * the JS side (x and x^T, targets, dropout masks, sample weights: a few tensor uploads per step, no gather op), one
 * tf.tidy per step, the optimizer on the flat parameters (store.ts). The trained parameters leave as Keras weights
 * by layer name (exportWeights), for the tf.LayersModel built from the same architecture.
 *
 * Targets `y` per head: sigmoid: labels 0/1; softmax: class indices 0..k-1; linear: the values (rows x outputs,
 * row-major; standardise them first if their scale is far from 1).
 */

export interface TrainData {
  x: Matrix;
  y: Float32Array;
  /** per-row weights >= 0: the loss becomes sum(w loss) / sum(w) per batch */
  sampleWeight?: Float32Array;
}

export interface EpochResult {
  /** epochs completed in all (this one included) */
  epoch: number;
  /** the epoch's mean training loss (weighted if the data is), without the L2 penalty */
  loss: number;
  /** the L2 penalty sum(l2 w^2) at the end of the epoch */
  penalty: number;
  steps: number;
  rows: number;
  seconds: number;
  /** the deadline ended the epoch early */
  stopped: boolean;
}

export interface TrainerOptions {
  seed: number;
  /** initial weights by Keras layer name (exportWeights' form), e.g. a built model's, or a parent's inherited layers */
  weights?: Map<string, ArrayLike<number>[]>;
  /** where parameters live between steps (store.ts); default: host on wasm and cpu, device elsewhere */
  store?: "host" | "device";
}

/** The whole training state, for a checkpoint (all copies). */
export interface TrainerState {
  theta: Float32Array;
  stats: Float32Array;
  m: Float32Array;
  v: Float32Array;
  t: number;
  epoch: number;
  rng: Uint32Array;
}

const YIELD_MS = 200;

interface EpochRun {
  data: TrainData;
  targets: Float32Array;
  buffers: BatchBuffers;
  batchSize: number;
  /** the next batch's first position in the shuffled order */
  start: number;
  /** rows (or their weight) trained on */
  seen: number;
  steps: number;
  started: number;
  stopped: boolean;
  done: boolean;
}
const PREDICT_ROWS = 4096;

export class NasTrainer {
  readonly arch: Architecture;
  readonly layout: ParamLayout;
  readonly config: ParsedTrainingConfig;
  private readonly store: ParamStore;
  private readonly rng: Rng;
  private epochs = 0;
  private order: Uint32Array | null = null;
  /** live linears that read "input" directly: their kernel gradient wants [x^T; 1], built on the JS side */
  private readonly needsXT: boolean;
  private readonly dropout: { id: string; units: number; rate: number }[];

  constructor(arch: Architecture, config: TrainingConfig, opts: TrainerOptions) {
    this.arch = parseArchitecture(arch);
    this.layout = paramLayout(this.arch);
    this.config = parseTrainingConfig(config);
    this.rng = new Rng(opts.seed);
    const init = initialParams(this.layout, this.rng.int());
    if (opts.weights) importWeights(this.layout, opts.weights, init.theta, init.stats);
    this.store = createStore(this.layout, this.config, init.theta, init.stats, opts.store === undefined ? undefined : opts.store === "host");
    const live = this.arch.nodes.filter((n) => this.layout.live.has(n.id));
    this.needsXT = this.arch.output === "input" || live.some((n) => (n.op === "dense" || n.op === "gated") && nodeInputs(n)[0] === "input");
    this.dropout = live.flatMap((n) => (n.op === "dense" && n.dropout > 0 ? [{ id: n.id, units: n.units, rate: n.dropout }] : []));
  }

  /** epochs completed */
  get epoch(): number {
    return this.epochs;
  }

  /** One epoch over `data` (shuffled); yields to the event loop every 200 ms; ends early at `deadline` (ms since epoch). */
  async trainEpoch(data: TrainData, opts: { deadline?: number; yieldMs?: number } = {}): Promise<EpochResult> {
    const run = this.beginEpoch(data);
    const yieldMs = opts.yieldMs ?? YIELD_MS;
    let lastYield = Date.now();
    while (!run.done) {
      this.nextBatch(run, opts.deadline ?? Infinity);
      if (Date.now() - lastYield > yieldMs) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = Date.now();
      }
    }
    return this.endEpoch(run);
  }

  /** trainEpoch without yielding (benchmarks, tests) */
  trainEpochSync(data: TrainData, opts: { deadline?: number } = {}): EpochResult {
    const run = this.beginEpoch(data);
    while (!run.done) this.nextBatch(run, opts.deadline ?? Infinity);
    return this.endEpoch(run);
  }

  private beginEpoch(data: TrainData): EpochRun {
    const n = data.x.rows;
    checkData(this.arch, data);
    // every epoch shuffles 0..n-1 afresh, so the order is a function of the rng state alone (a checkpoint needs no order)
    if (!this.order || this.order.length !== n) this.order = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    this.rng.shuffle(this.order);
    const batchSize = Math.min(this.config.batchSize, n);
    return {
      data,
      targets: encodeTargets(this.arch, data.y),
      buffers: new BatchBuffers(this.arch, batchSize, this.needsXT),
      batchSize,
      start: 0,
      seen: 0,
      steps: 0,
      started: performance.now(),
      stopped: false,
      done: false,
    };
  }

  private nextBatch(run: EpochRun, deadline: number): void {
    const n = run.data.x.rows;
    const rows = this.order!.subarray(run.start, Math.min(run.start + run.batchSize, n));
    const lr = this.config.learningRate * scheduleFactor(this.config.schedule, this.epochs + run.start / n);
    const weightSum = this.step(run.data, run.targets, rows, run.buffers, lr);
    run.seen += weightSum;
    if (weightSum > 0) run.steps++;
    run.start += rows.length;
    if (Date.now() >= deadline && run.start < n) run.stopped = true;
    run.done = run.stopped || run.start >= n;
  }

  private endEpoch(run: EpochRun): EpochResult {
    this.epochs++;
    const lossSum = this.store.takeLossSum();
    const { theta } = this.store.read();
    return {
      epoch: this.epochs,
      loss: run.seen > 0 ? lossSum / run.seen : NaN,
      penalty: penalty(this.layout, theta),
      steps: run.steps,
      rows: run.start,
      seconds: (performance.now() - run.started) / 1000,
      stopped: run.stopped,
    };
  }

  /** One optimizer step on the given rows; returns the rows' weight (0: the batch was skipped). */
  private step(data: TrainData, targets: Float32Array, rows: Uint32Array, buffers: BatchBuffers, lr: number): number {
    let weightSum = rows.length;
    let weights: Float32Array | null = null;
    if (data.sampleWeight) {
      weights = new Float32Array(rows.length);
      weightSum = 0;
      for (let r = 0; r < rows.length; r++) weightSum += weights[r] = data.sampleWeight[rows[r]];
      if (!(weightSum > 0)) return 0; // no information in this batch
    }
    tf.tidy(() => {
      const batch = buffers.gather(data.x, targets, rows);
      for (const d of this.dropout) {
        batch.masks.set(d.id, tf.tensor2d(this.rng.dropoutMask(rows.length * d.units, d.rate), [rows.length, d.units]));
      }
      if (weights) batch.weight = { values: tf.tensor2d(weights, [rows.length, 1]), sum: weightSum };
      const result = trainStep(this.layout, this.store.stepParams(), batch);
      this.store.apply(result, rows.length, lr);
    });
    return weightSum;
  }

  /** The model's outputs for `x` in inference mode: rows x outputs, row-major (sigmoid: P(y = 1)). */
  predict(x: Matrix): Float32Array {
    if (x.cols !== this.arch.inputs) throw new Error(`nas engine: x has ${x.cols} columns, the architecture ${this.arch.inputs} inputs`);
    const k = this.arch.outputs;
    const out = new Float32Array(x.rows * k);
    for (let start = 0; start < x.rows; start += PREDICT_ROWS) {
      const rows = Math.min(PREDICT_ROWS, x.rows - start);
      const values = tf.tidy(() => {
        const xs = tf.tensor2d(x.data.subarray(start * x.cols, (start + rows) * x.cols), [rows, x.cols]);
        return inferenceForward(this.layout, this.store.inferenceParams(), xs).dataSync();
      });
      out.set(values, start * k);
    }
    return out;
  }

  /** The trained weights by Keras layer name, in getWeights() order (see layout.ts / architecture.ts). */
  exportWeights(): Map<string, Float32Array[]> {
    const { theta, stats } = this.store.read();
    return exportWeights(this.layout, theta, stats);
  }

  /** Replaces the weights of the named layers (e.g. inherited ones); the optimizer state is kept. */
  importWeights(weights: Map<string, ArrayLike<number>[]>): string[] {
    const { theta, stats } = this.store.read();
    const taken = importWeights(this.layout, weights, theta, stats);
    this.store.write(theta, stats);
    return taken;
  }

  state(): TrainerState {
    return { ...this.store.read(), ...this.store.readOptimizer(), epoch: this.epochs, rng: this.rng.state() };
  }

  restore(s: TrainerState): void {
    this.store.write(s.theta, s.stats);
    this.store.writeOptimizer(s);
    this.epochs = s.epoch;
    this.rng.restore(s.rng);
    this.order = null;
  }

  dispose(): void {
    this.store.dispose();
  }
}

function checkData(arch: Architecture, data: TrainData): void {
  const { x, y, sampleWeight } = data;
  if (x.cols !== arch.inputs) throw new Error(`nas engine: x has ${x.cols} columns, the architecture ${arch.inputs} inputs`);
  if (x.rows === 0) throw new Error("nas engine: no training rows");
  const perRow = arch.head === "linear" ? arch.outputs : 1;
  if (y.length !== x.rows * perRow) throw new Error(`nas engine: ${y.length} targets for ${x.rows} rows (${perRow} per row)`);
  if (sampleWeight && sampleWeight.length !== x.rows) throw new Error(`nas engine: ${sampleWeight.length} sample weights for ${x.rows} rows`);
}

/** Per-row targets in the form the step wants (StepBatch.target): sigmoid -(2y-1); others unchanged. */
function encodeTargets(arch: Architecture, y: Float32Array): Float32Array {
  if (arch.head === "sigmoid") {
    const out = new Float32Array(y.length);
    for (let i = 0; i < y.length; i++) {
      if (y[i] !== 0 && y[i] !== 1) throw new Error(`nas engine: binary label ${y[i]} at row ${i} is not 0 or 1`);
      out[i] = y[i] === 1 ? -1 : 1;
    }
    return out;
  }
  if (arch.head === "softmax") {
    for (let i = 0; i < y.length; i++) {
      if (!(Number.isInteger(y[i]) && y[i] >= 0 && y[i] < arch.outputs)) throw new Error(`nas engine: class ${y[i]} at row ${i} out of range`);
    }
  }
  return y;
}

/**
 * Gathers batches on the JS side into reused arrays (the wasm backend copies them into its heap when it makes a
 * tensor; elsewhere fresh arrays are used, since the cpu backend keeps the array it is given).
 */
class BatchBuffers {
  private readonly reuse = tf.getBackend() === "wasm";
  private x: Float32Array;
  private xT: Float32Array | null;
  private target: Float32Array;
  private readonly k: number;

  constructor(
    private readonly arch: Architecture,
    batchSize: number,
    private readonly needsXT: boolean,
  ) {
    this.k = arch.head === "sigmoid" ? 1 : arch.outputs;
    this.x = new Float32Array(batchSize * arch.inputs);
    this.xT = needsXT ? new Float32Array(batchSize * (arch.inputs + 1)) : null;
    this.target = new Float32Array(batchSize * this.k);
  }

  gather(x: Matrix, targets: Float32Array, rows: Uint32Array): StepBatch {
    const B = rows.length;
    const c = x.cols;
    const k = this.k;
    if (!this.reuse) {
      this.x = new Float32Array(this.x.length);
      if (this.xT) this.xT = new Float32Array(this.xT.length);
      this.target = new Float32Array(this.target.length);
    }
    const xb = this.x.subarray(0, B * c);
    const xt = this.xT?.subarray(0, B * (c + 1)); // [x^T; 1]: see StepBatch.xT
    xt?.fill(1, B * c);
    const data = x.data;
    for (let r = 0; r < B; r++) {
      const src = rows[r] * c;
      xb.set(data.subarray(src, src + c), r * c);
      if (xt) for (let j = 0; j < c; j++) xt[j * B + r] = data[src + j];
    }
    const t = this.target.subarray(0, B * k);
    if (this.arch.head === "softmax") {
      t.fill(0);
      for (let r = 0; r < B; r++) t[r * k + targets[rows[r]]] = 1;
    } else if (k === 1) {
      for (let r = 0; r < B; r++) t[r] = targets[rows[r]];
    } else {
      for (let r = 0; r < B; r++) t.set(targets.subarray(rows[r] * k, rows[r] * k + k), r * k);
    }
    return {
      x: tf.tensor2d(xb, [B, c]),
      xT: xt ? tf.tensor2d(xt, [c + 1, B]) : null,
      target: tf.tensor2d(t, [B, k]),
      masks: new Map(),
    };
  }
}
