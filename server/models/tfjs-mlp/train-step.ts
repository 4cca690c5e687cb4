import * as tf from "@tensorflow/tfjs";
import { activationGrad, transpose2d } from "../layers/backprop";
import { BN_EPSILON, BN_MOMENTUM, type NetSpec, type ParamSlot } from "./network";

/**
 * One optimisation step of the MLP with a hand-written backward pass and Adam on one flat parameter vector.
 *
 * Why not autodiff + tf.train.adam: on the wasm backend every op costs ~25 us of fixed overhead and matMul
 * with transposeA/transposeB is 10-15x slower than without (measured: [256,128]^T x [256,64] 5.3 ms with
 * transposeA, 0.8 ms as transpose + matMul). The backward pass here only calls plain matMul on explicitly
 * transposed operands, takes the first layer's x^T from the caller (built on the JS side while gathering
 * the batch), and updates all parameters with ~12 ops instead of ~12 per weight tensor.
 * `train-step.test.ts` checks the gradients against TensorFlow.js autodiff of the same network.
 */

export interface Batch {
  x: tf.Tensor2D; // [B, inputs]
  xT: tf.Tensor2D; // [inputs, B]
  /** sigmoid head: -1/+1 negated labels, i.e. -(2y-1), [B,1]; softmax: one-hot [B,k]; linear: standardised target [B,1] */
  target: tf.Tensor2D;
  /** inverted-dropout masks per hidden layer ([B, units]), or null without dropout */
  masks: (tf.Tensor2D | null)[];
  /** per-row sample weights; absent = all 1 (and no extra ops, so unweighted training pays nothing) */
  weight?: BatchWeight;
}

export interface BatchWeight {
  values: tf.Tensor2D; // [B,1]
  /** sum of the values, computed on the JS side so the step needs no device sync to normalise */
  sum: number;
}

export interface StepResult {
  /** sum of the per-row losses of the batch (cross-entropy or squared error), each times its weight if weighted */
  lossSum: tf.Scalar;
  /**
   * gradient of the mean loss w.r.t. the flat parameters (paramSlots order); weighted: of sum(w*loss)/sum(w),
   * so the gradient's scale does not depend on the weights' scale (Adam's step size stays comparable)
   */
  grad: tf.Tensor1D;
  /** updated batch-norm moving statistics ([] without batch norm) */
  stats: tf.Tensor1D[][];
}

const FUSABLE = new Set(["relu", "elu"]);

interface HiddenCache {
  a: tf.Tensor2D; // activation output, before dropout
  pre: tf.Tensor2D | null; // activation input (only kept where the derivative needs it)
  out: tf.Tensor2D; // the layer's output after dropout: the next layer's input
  zhat?: tf.Tensor2D;
  invStd?: tf.Tensor1D;
}

function activate(kind: NetSpec["activation"], z: tf.Tensor2D): tf.Tensor2D {
  switch (kind) {
    case "relu":
      return tf.relu(z);
    case "elu":
      return tf.elu(z);
    case "tanh":
      return tf.tanh(z);
    case "selu":
      return tf.selu(z);
    case "gelu": // exactly tfjs-layers' gelu: x * 0.5 * (1 + erf(x / sqrt 2))
      return tf.mul(z, tf.mul(0.5, tf.add(1, tf.erf(tf.div(z, Math.SQRT2)))));
  }
}

/**
 * Column sums as a [1,B] x [B,n] product: the wasm Sum kernel transposes its input first when the reduced
 * axis is not the innermost one, so sum(x, 0) costs a full transpose; a matMul with a ones row does not.
 */
function colSum(ones: tf.Tensor2D, t: tf.Tensor): tf.Tensor1D {
  return tf.matMul(ones, t as tf.Tensor2D).reshape([t.shape[1]!]);
}

/**
 * Forward and backward pass for one batch. Call inside tf.tidy. Sample weights change the loss only: batch-norm
 * statistics stay the batch's plain moments, as at prediction time.
 */
export function forwardBackward(net: NetSpec, slots: ParamSlot[], theta: tf.Tensor1D, stats: tf.Tensor1D[][], batch: Batch): StepResult {
  const B = batch.x.shape[0];
  const ones = tf.ones([1, B]) as tf.Tensor2D;
  const colMean = (t: tf.Tensor) => tf.mul(colSum(ones, t), 1 / B) as tf.Tensor1D;
  const parts = tf.split(theta, slots.map((s) => s.size)).map((p, i) => p.reshape(slots[i].shape));
  let k = 0;
  const hiddenW: { W: tf.Tensor2D; b?: tf.Tensor1D; gamma?: tf.Tensor1D; beta?: tf.Tensor1D }[] = [];
  for (let i = 0; i < net.units.length; i++) {
    const W = parts[k++] as tf.Tensor2D;
    if (net.batchNorm) hiddenW.push({ W, gamma: parts[k++] as tf.Tensor1D, beta: parts[k++] as tf.Tensor1D });
    else hiddenW.push({ W, b: parts[k++] as tf.Tensor1D });
  }
  const Wout = parts[k++] as tf.Tensor2D;
  const bout = parts[k++] as tf.Tensor1D;

  // forward
  const caches: HiddenCache[] = [];
  const newStats: tf.Tensor1D[][] = [];
  let h: tf.Tensor2D = batch.x;
  hiddenW.forEach((w, i) => {
    let a: tf.Tensor2D;
    let pre: tf.Tensor2D | null = null;
    const cache: Partial<HiddenCache> = {};
    if (net.batchNorm) {
      const z = tf.matMul(h, w.W);
      const mean = colMean(z);
      const centered = tf.sub(z, mean);
      const variance = colMean(tf.square(centered));
      const invStd = tf.rsqrt(tf.add(variance, BN_EPSILON)) as tf.Tensor1D;
      const zhat = tf.mul(centered, invStd) as tf.Tensor2D;
      const u = tf.add(tf.mul(zhat, w.gamma!), w.beta!) as tf.Tensor2D;
      pre = u;
      a = activate(net.activation, u);
      Object.assign(cache, { zhat, invStd });
      const debias = B > 1 ? B / (B - 1) : 1;
      const [mMean, mVar] = stats[i];
      newStats.push([
        tf.add(tf.mul(mMean, BN_MOMENTUM), tf.mul(mean, 1 - BN_MOMENTUM)) as tf.Tensor1D,
        tf.add(tf.mul(mVar, BN_MOMENTUM), tf.mul(variance, (1 - BN_MOMENTUM) * debias)) as tf.Tensor1D,
      ]);
    } else if (FUSABLE.has(net.activation)) {
      a = tf.fused.matMul({ a: h, b: w.W, bias: w.b, activation: net.activation as "relu" | "elu" }) as tf.Tensor2D;
    } else {
      const z = tf.fused.matMul({ a: h, b: w.W, bias: w.b }) as tf.Tensor2D;
      pre = z;
      a = activate(net.activation, z);
    }
    const mask = batch.masks[i];
    const out = (mask ? tf.mul(a, mask) : a) as tf.Tensor2D;
    caches.push({ ...cache, a, pre: net.activation === "gelu" ? pre : null, out });
    h = out;
  });
  const z = tf.fused.matMul({ a: h, b: Wout, bias: bout }) as tf.Tensor2D;

  // loss (summed over rows, weighted if the batch is) and its gradient w.r.t. the logits (of the (weighted) mean)
  const w = batch.weight;
  // per-row factor of dz: w_i / sum(w), a [B,1] column broadcast over the outputs; 1/B without weights
  const rowScale = (factor: number) => (w ? tf.mul(w.values, factor / w.sum) : factor / B);
  const weightedSum = (perRow: tf.Tensor) => tf.sum(w ? tf.mul(perRow, w.values) : perRow) as tf.Scalar;
  let lossSum: tf.Scalar;
  let dz: tf.Tensor2D;
  if (net.head === "sigmoid") {
    const negM = tf.mul(z, batch.target); // -(2y-1) z
    lossSum = weightedSum(tf.softplus(negM));
    dz = tf.mul(tf.sigmoid(negM), tf.mul(batch.target, rowScale(1)));
  } else if (net.head === "softmax") {
    const p = tf.softmax(z);
    const picked = tf.sum(tf.mul(p, batch.target), 1, true) as tf.Tensor2D; // [B,1]: the true class's probability
    lossSum = tf.neg(weightedSum(tf.log(tf.clipByValue(picked, 1e-30, 1))));
    dz = tf.mul(tf.sub(p, batch.target), rowScale(1));
  } else {
    const r = tf.sub(z, batch.target);
    lossSum = weightedSum(tf.square(r));
    dz = tf.mul(r, rowScale(2));
  }

  // backward
  const grads: tf.Tensor[] = [];
  const kernelGrad = (input: tf.Tensor2D, inputT: tf.Tensor2D | null, d: tf.Tensor2D) =>
    d.shape[1] === 1
      ? tf.matMul(d.reshape([1, d.shape[0]]), input).reshape([input.shape[1], 1]) // (d^T x)^T; d^T is a reshape
      : tf.matMul(inputT ?? transpose2d(input), d);
  const last = hiddenW.length - 1;
  const outGrads = [kernelGrad(h, last < 0 ? batch.xT : null, dz), colSum(ones, dz)];
  let dh = last >= 0 ? tf.matMul(dz, transpose2d(Wout)) : null;
  const hiddenGrads: tf.Tensor[][] = [];
  for (let i = last; i >= 0; i--) {
    const c = caches[i];
    const w = hiddenW[i];
    const mask = batch.masks[i];
    const da = (mask ? tf.mul(dh!, mask) : dh!) as tf.Tensor2D;
    const dPre = activationGrad(net.activation, da, c.a, c.pre);
    let dZ: tf.Tensor2D;
    let extra: tf.Tensor[];
    if (net.batchNorm) {
      const dgamma = colSum(ones, tf.mul(dPre, c.zhat!));
      const dbeta = colSum(ones, dPre);
      const dzhat = tf.mul(dPre, w.gamma!);
      dZ = tf.mul(
        tf.sub(tf.sub(dzhat, colMean(dzhat)), tf.mul(c.zhat!, colMean(tf.mul(dzhat, c.zhat!)))),
        c.invStd!,
      ) as tf.Tensor2D;
      extra = [dgamma, dbeta];
    } else {
      dZ = dPre;
      extra = [colSum(ones, dZ)];
    }
    const input = i === 0 ? batch.x : caches[i - 1].out;
    hiddenGrads[i] = [kernelGrad(input, i === 0 ? batch.xT : null, dZ), ...extra];
    dh = i > 0 ? tf.matMul(dZ, transpose2d(w.W)) : null;
  }
  for (const g of hiddenGrads) grads.push(...g);
  grads.push(...outGrads);
  const grad = tf.concat(grads.map((g) => g.reshape([-1]))) as tf.Tensor1D;
  return { lossSum, grad, stats: newStats };
}

export interface AdamOptions {
  learningRate: number;
  /** L2 penalty on the kernels: loss + weightDecay * sum(W^2) */
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** What a StepRunner's next steps depend on, read back from the device (a checkpoint's view of it). */
export interface RunnerState {
  theta: Float32Array;
  m: Float32Array;
  v: Float32Array;
  /** Adam's step count (its bias correction) */
  t: number;
  /** batch-norm moving statistics, flat: see flattenStats */
  stats: Float32Array;
}

/** Batch-norm statistics as one flat array: per hidden layer its moving mean, then its moving variance. */
export function flattenStats(stats: tf.Tensor1D[][]): Float32Array {
  const parts = stats.flat().map((s) => s.dataSync<"float32">());
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The inverse of flattenStats for a network's hidden widths (none without batch norm). */
export function unflattenStats(net: NetSpec, flat: Float32Array): tf.Tensor1D[][] {
  if (!net.batchNorm) return [];
  let offset = 0;
  const take = (n: number) => tf.tensor1d(flat.subarray(offset, (offset += n)));
  return net.units.map((u) => [take(u), take(u)]);
}

/** Training state on the device: parameters, Adam moments, BN statistics and the epoch's loss sum. */
export class StepRunner {
  theta: tf.Tensor1D;
  stats: tf.Tensor1D[][];
  private m: tf.Tensor1D;
  private v: tf.Tensor1D;
  private lossSum: tf.Scalar;
  private t = 0;
  private readonly decay: tf.Tensor1D | null;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(
    private readonly net: NetSpec,
    private readonly slots: ParamSlot[],
    theta: tf.Tensor1D,
    stats: tf.Tensor1D[][],
    private readonly opts: AdamOptions,
  ) {
    this.theta = theta;
    this.stats = stats;
    this.m = tf.zerosLike(theta);
    this.v = tf.zerosLike(theta);
    this.lossSum = tf.scalar(0);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-7;
    this.decay = null;
    if (opts.weightDecay > 0) {
      const mask = new Float32Array(theta.size);
      for (const s of slots) if (s.role === "kernel") mask.fill(2 * opts.weightDecay, s.offset, s.offset + s.size);
      this.decay = tf.tensor1d(mask);
    }
  }

  /** One Adam step; a batch whose weights sum to 0 carries no information and is skipped. */
  step(batch: Batch): void {
    if (batch.weight && !(batch.weight.sum > 0)) return;
    this.t++;
    const { beta1, beta2, epsilon } = this;
    const lrT = (this.opts.learningRate * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
    const next = tf.tidy(() => {
      const r = forwardBackward(this.net, this.slots, this.theta, this.stats, batch);
      const g = this.decay ? tf.add(r.grad, tf.mul(this.theta, this.decay)) : r.grad;
      const m = tf.add(this.m, tf.mul(tf.sub(g, this.m), 1 - beta1)) as tf.Tensor1D;
      const v = tf.add(this.v, tf.mul(tf.sub(tf.square(g), this.v), 1 - beta2)) as tf.Tensor1D;
      const theta = tf.sub(this.theta, tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsilon)), lrT)) as tf.Tensor1D;
      return { theta, m, v, lossSum: tf.add(this.lossSum, r.lossSum) as tf.Scalar, stats: r.stats };
    });
    const old = [this.theta, this.m, this.v, this.lossSum, ...(next.stats.length ? this.stats.flat() : [])];
    this.theta = next.theta;
    this.m = next.m;
    this.v = next.v;
    this.lossSum = next.lossSum;
    if (next.stats.length) this.stats = next.stats;
    tf.dispose(old);
  }

  /** The state for a checkpoint (a few device syncs: call between epochs, never per step). */
  readState(): RunnerState {
    const read = (x: tf.Tensor1D) => x.dataSync<"float32">().slice();
    return { theta: read(this.theta), m: read(this.m), v: read(this.v), t: this.t, stats: flattenStats(this.stats) };
  }

  /** Continues from a checkpoint's state, of a runner built for the same network. */
  restoreState(state: RunnerState): void {
    tf.dispose([this.theta, this.m, this.v, ...this.stats.flat()]);
    this.theta = tf.tensor1d(state.theta);
    this.m = tf.tensor1d(state.m);
    this.v = tf.tensor1d(state.v);
    this.t = state.t;
    this.stats = unflattenStats(this.net, state.stats);
  }

  /** The (weighted) loss summed since the last call (one device sync). */
  takeLossSum(): number {
    const value = this.lossSum.dataSync()[0];
    this.lossSum.dispose();
    this.lossSum = tf.scalar(0);
    return value;
  }

  dispose(): void {
    tf.dispose([this.theta, this.m, this.v, this.lossSum, ...this.stats.flat(), ...(this.decay ? [this.decay] : [])]);
  }
}
