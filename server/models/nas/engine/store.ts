import * as tf from "@tensorflow/tfjs";
import { currentBackend } from "../../backend";
import type { ParsedTrainingConfig } from "./config";
import { transpose2d } from "../../layers/backprop";
import { type InferenceParams, type StepParams, type StepResult } from "./graph";
import { addPenaltyGradient, BN_MOMENTUM, type Linear, type ParamLayout } from "./layout";
import { deviceUpdate, hostUpdate, type HostOptState } from "./optimizer";

/**
 * Where the flat parameters, batch-norm statistics and optimizer state live between steps.
 *
 * HostStore (wasm, cpu and tfjs-node's CPU backend, whose tensors are in this process's memory, so reading one is
 * a copy and no device sync): theta, the optimizer's moments and the statistics are JS Float32Arrays; each step
 * makes its parameter tensors from theta (kernel^T transposed on the JS side: no transpose op), reads the gradient
 * blocks back (on wasm straight from its heap) and updates everything in one JS loop. That replaces the ~12
 * optimizer ops, the split of theta and the concat of the gradient (the wasm Slice kernel copies all of its input
 * for every slice) by plain copies.
 *
 * DeviceStore (GPU backends, where a read-back per step would stall the pipeline): the same on tensors, with the
 * optimizer as tf ops (optimizer.ts) and one split / one concat per step.
 */
export interface ParamStore {
  /** the tensors of the current parameters; make and use them inside one tf.tidy */
  stepParams(): StepParams;
  inferenceParams(): InferenceParams;
  /** applies a step (call inside the tidy that made its tensors): the gradients, L2, the optimizer, the moving statistics */
  apply(result: StepResult, rows: number, lr: number): void;
  /** the summed losses since the last call */
  takeLossSum(): number;
  read(): { theta: Float32Array; stats: Float32Array };
  write(theta: Float32Array, stats: Float32Array): void;
  readOptimizer(): { m: Float32Array; v: Float32Array; t: number };
  writeOptimizer(state: { m: Float32Array; v: Float32Array; t: number }): void;
  dispose(): void;
}

/**
 * A store for the current backend: host where tensors live in this process's memory (wasm, cpu, tfjs-node's CPU
 * build), device elsewhere (webgpu, CUDA). tfjs-node names both its builds "tensorflow": host only where
 * initBackend (backend.ts) chose the CPU one.
 */
export function createStore(layout: ParamLayout, cfg: ParsedTrainingConfig, theta: Float32Array, stats: Float32Array, host?: boolean): ParamStore {
  const backend = tf.getBackend();
  const useHost = host ?? (backend === "tensorflow" ? currentBackend() === "tensorflow" : backend === "wasm" || backend === "cpu");
  return useHost ? new HostStore(layout, cfg, theta, stats) : new DeviceStore(layout, cfg, theta, stats);
}

const debias = (rows: number) => (rows > 1 ? rows / (rows - 1) : 1);

/**
 * The first `size` values of a float32 tensor. On wasm: a view of the tensor's memory in the wasm heap, valid only
 * until the next allocation there (copy it at once); dataSync would allocate and fill a fresh copy of every
 * gradient block each step, which costs ~2 us per 1,000 values. Elsewhere: dataSync.
 */
function readValues(t: tf.Tensor, size: number): Float32Array {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.TensorInfo) => Float32Array };
  if (tf.getBackend() === "wasm" && typeof backend.typedArrayFromHeap === "function") return backend.typedArrayFromHeap(t).subarray(0, size);
  return (t.dataSync() as Float32Array).subarray(0, size);
}

export class HostStore implements ParamStore {
  private theta: Float32Array;
  private stats: Float32Array;
  private readonly grad: Float32Array;
  private readonly opt: HostOptState;
  private lossSum = 0;
  /** the wasm backend copies a typed array into its heap when it makes a tensor; the cpu backend keeps it */
  private readonly copiesOnWrite = tf.getBackend() === "wasm";
  private readonly scratchT = new Map<Linear, Float32Array>();

  constructor(
    private readonly layout: ParamLayout,
    private readonly cfg: ParsedTrainingConfig,
    theta: Float32Array,
    stats: Float32Array,
  ) {
    this.theta = theta.slice();
    this.stats = stats.slice();
    this.grad = new Float32Array(layout.size);
    this.opt = { m: new Float32Array(layout.size), v: new Float32Array(layout.size), t: 0 };
  }

  private view(v: Float32Array, offset: number, size: number): Float32Array {
    return this.copiesOnWrite ? v.subarray(offset, offset + size) : v.slice(offset, offset + size);
  }

  stepParams(): StepParams {
    const made = new Map<number, tf.Tensor>();
    const madeT = new Map<number, tf.Tensor2D>();
    const memo = <T extends tf.Tensor>(key: number, make: () => T): T => {
      let t = made.get(key) as T | undefined;
      if (!t) made.set(key, (t = make()));
      return t;
    };
    const theta = this.theta;
    return {
      kernel: (l) => memo(l.kernel, () => tf.tensor2d(this.view(theta, l.kernel, l.inputs * l.units), [l.inputs, l.units])),
      kernelT: (l) => {
        let t = madeT.get(l.kernel);
        if (!t) {
          const { inputs, units } = l;
          let out = this.scratchT.get(l);
          if (!out || !this.copiesOnWrite) this.scratchT.set(l, (out = new Float32Array(inputs * units)));
          const k = l.kernel;
          for (let i = 0; i < inputs; i++) for (let j = 0; j < units; j++) out[j * inputs + i] = theta[k + i * units + j];
          madeT.set(l.kernel, (t = tf.tensor2d(out, [units, inputs])));
        }
        return t;
      },
      bias: (l) => memo(l.bias!, () => tf.tensor1d(this.view(theta, l.bias!, l.units))),
      gamma: (l) => memo(l.bn!.gamma, () => tf.tensor1d(this.view(theta, l.bn!.gamma, l.units))),
      beta: (l) => memo(l.bn!.beta, () => tf.tensor1d(this.view(theta, l.bn!.beta, l.units))),
    };
  }

  inferenceParams(): InferenceParams {
    const stats = this.stats;
    return {
      ...this.stepParams(),
      movingMean: (l) => tf.tensor1d(stats.slice(l.bn!.stats, l.bn!.stats + l.units)),
      movingVariance: (l) => tf.tensor1d(stats.slice(l.bn!.stats + l.units, l.bn!.stats + 2 * l.units)),
    };
  }

  apply(result: StepResult, rows: number, lr: number): void {
    const grad = this.grad;
    for (const p of result.grads) grad.set(readValues(p.value, p.size), p.offset);
    addPenaltyGradient(this.layout, this.theta, grad);
    hostUpdate(this.cfg, lr, this.theta, grad, this.opt);
    const keep = BN_MOMENTUM;
    const unbias = debias(rows);
    for (const mo of result.moments) {
      const u = mo.linear.units;
      const mean = readValues(mo.mean, u).slice();
      const variance = readValues(mo.variance, u);
      const s = mo.linear.bn!.stats;
      for (let j = 0; j < u; j++) {
        this.stats[s + j] = this.stats[s + j] * keep + mean[j] * (1 - keep);
        this.stats[s + u + j] = this.stats[s + u + j] * keep + variance[j] * unbias * (1 - keep);
      }
    }
    this.lossSum += readValues(result.lossSum, 1)[0];
  }

  takeLossSum(): number {
    const s = this.lossSum;
    this.lossSum = 0;
    return s;
  }

  read() {
    return { theta: this.theta.slice(), stats: this.stats.slice() };
  }

  write(theta: Float32Array, stats: Float32Array): void {
    this.theta.set(theta);
    this.stats.set(stats);
  }

  readOptimizer() {
    return { m: this.opt.m.slice(), v: this.opt.v.slice(), t: this.opt.t };
  }

  writeOptimizer(state: { m: Float32Array; v: Float32Array; t: number }): void {
    this.opt.m.set(state.m);
    this.opt.v.set(state.v);
    this.opt.t = state.t;
  }

  dispose(): void {}
}

/** The blocks of theta in order: per linear its kernel, then bias or gamma and beta. */
function blocks(layout: ParamLayout): { offset: number; size: number }[] {
  const out: { offset: number; size: number }[] = [];
  for (const l of layout.linears) {
    out.push({ offset: l.kernel, size: l.inputs * l.units });
    if (l.bias !== null) out.push({ offset: l.bias, size: l.units });
    if (l.bn) out.push({ offset: l.bn.gamma, size: l.units }, { offset: l.bn.beta, size: l.units });
  }
  return out;
}

export class DeviceStore implements ParamStore {
  private theta: tf.Tensor1D;
  private stats: tf.Tensor1D;
  private m: tf.Tensor1D;
  private v: tf.Tensor1D;
  private t = 0;
  private lossSum: tf.Scalar;
  private readonly decay: tf.Tensor1D | null;
  private readonly blocks: { offset: number; size: number }[];
  /** theta cut as trainStep's gradient parts come: [kernel; bias] per linear, or kernel and [gamma, beta] */
  private readonly gradParts: { offset: number; size: number }[];

  constructor(
    private readonly layout: ParamLayout,
    private readonly cfg: ParsedTrainingConfig,
    theta: Float32Array,
    stats: Float32Array,
  ) {
    this.theta = tf.tensor1d(theta);
    this.stats = tf.tensor1d(stats);
    this.m = tf.zeros([layout.size]);
    this.v = tf.zeros([layout.size]);
    this.lossSum = tf.scalar(0);
    this.blocks = blocks(layout);
    this.gradParts = layout.linears.flatMap((l) =>
      l.bn ? [{ offset: l.kernel, size: l.inputs * l.units }, { offset: l.bn.gamma, size: 2 * l.units }] : [{ offset: l.kernel, size: (l.inputs + 1) * l.units }],
    );
    let decay: Float32Array | null = null;
    for (const l of layout.linears) {
      if (!(l.l2 > 0) || !l.live) continue;
      decay ??= new Float32Array(layout.size);
      decay.fill(2 * l.l2, l.kernel, l.kernel + l.inputs * l.units);
    }
    this.decay = decay && tf.tensor1d(decay);
  }

  private parts(v: tf.Tensor1D, sizes: { offset: number; size: number }[]): Map<number, tf.Tensor> {
    const split = tf.split(v, sizes.map((b) => b.size));
    return new Map(sizes.map((b, i) => [b.offset, split[i]]));
  }

  stepParams(): StepParams {
    const parts = this.parts(this.theta, this.blocks);
    const transposed = new Map<number, tf.Tensor2D>();
    const kernel = (l: Linear) => parts.get(l.kernel)!.reshape([l.inputs, l.units]) as tf.Tensor2D;
    return {
      kernel,
      kernelT: (l) => {
        let t = transposed.get(l.kernel);
        if (!t) transposed.set(l.kernel, (t = transpose2d(kernel(l))));
        return t;
      },
      bias: (l) => parts.get(l.bias!) as tf.Tensor1D,
      gamma: (l) => parts.get(l.bn!.gamma) as tf.Tensor1D,
      beta: (l) => parts.get(l.bn!.beta) as tf.Tensor1D,
    };
  }

  inferenceParams(): InferenceParams {
    const bn = this.layout.linears.filter((l) => l.bn);
    const statBlocks = bn.flatMap((l) => [
      { offset: l.bn!.stats, size: l.units },
      { offset: l.bn!.stats + l.units, size: l.units },
    ]);
    const stats = statBlocks.length ? this.parts(this.stats, statBlocks) : new Map<number, tf.Tensor>();
    return {
      ...this.stepParams(),
      movingMean: (l) => stats.get(l.bn!.stats) as tf.Tensor1D,
      movingVariance: (l) => stats.get(l.bn!.stats + l.units) as tf.Tensor1D,
    };
  }

  apply(result: StepResult, rows: number, lr: number): void {
    const byOffset = new Map(result.grads.map((p) => [p.offset, p.value]));
    const flat = (b: { offset: number; size: number }) => {
      const value = byOffset.get(b.offset);
      if (!value) return tf.zeros([b.size]);
      return value.size === b.size ? value.reshape([-1]) : tf.slice(value.reshape([-1]), 0, b.size);
    };
    let grad = tf.concat(this.gradParts.map(flat)) as tf.Tensor1D;
    if (this.decay) grad = tf.add(grad, tf.mul(this.theta, this.decay));
    const next = deviceUpdate(this.cfg, lr, this.theta, grad, { m: this.m, v: this.v, t: this.t });
    this.t++;
    const old: tf.Tensor[] = [this.theta, this.m, this.v, this.lossSum];
    this.theta = tf.keep(next.theta);
    this.m = tf.keep(next.m);
    this.v = tf.keep(next.v);
    this.lossSum = tf.keep(tf.add(this.lossSum, result.lossSum));
    if (result.moments.length) {
      const byLinear = new Map(result.moments.map((mo) => [mo.linear, mo]));
      const unbias = debias(rows);
      const batch = this.layout.linears
        .filter((l) => l.bn)
        .flatMap((l) => {
          const mo = byLinear.get(l);
          if (!mo) return [tf.slice(this.stats, l.bn!.stats, 2 * l.units)]; // not live: unchanged
          return [mo.mean.reshape([-1]), tf.mul(mo.variance, unbias).reshape([-1])];
        });
      old.push(this.stats);
      this.stats = tf.keep(tf.add(tf.mul(this.stats, BN_MOMENTUM), tf.mul(tf.concat(batch), 1 - BN_MOMENTUM)));
    }
    tf.dispose(old);
  }

  takeLossSum(): number {
    const s = this.lossSum.dataSync()[0];
    this.lossSum.dispose();
    this.lossSum = tf.scalar(0);
    return s;
  }

  read() {
    return { theta: this.theta.dataSync().slice() as Float32Array, stats: this.stats.dataSync().slice() as Float32Array };
  }

  write(theta: Float32Array, stats: Float32Array): void {
    tf.dispose([this.theta, this.stats]);
    this.theta = tf.tensor1d(theta);
    this.stats = tf.tensor1d(stats);
  }

  readOptimizer() {
    return { m: this.m.dataSync().slice() as Float32Array, v: this.v.dataSync().slice() as Float32Array, t: this.t };
  }

  writeOptimizer(state: { m: Float32Array; v: Float32Array; t: number }): void {
    tf.dispose([this.m, this.v]);
    this.m = tf.tensor1d(state.m);
    this.v = tf.tensor1d(state.v);
    this.t = state.t;
  }

  dispose(): void {
    tf.dispose([this.theta, this.stats, this.m, this.v, this.lossSum, ...(this.decay ? [this.decay] : [])]);
  }
}
