import * as tf from "@tensorflow/tfjs";
import type { ParsedTrainingConfig } from "./config";

/**
 * The update rules on one flat parameter vector, written twice with the same arithmetic: on JS arrays (the host
 * store: wasm and cpu backends, where tensors live in this process's memory) and with tf ops (the device store:
 * GPU backends). As in Keras:
 *   - adam:    m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); theta -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
 *   - rmsprop: v = b2 v + (1 - b2) g^2; step = lr g / (sqrt(v) + eps); with momentum: m = momentum m + step, theta -= m;
 *              else theta -= step
 *   - sgd:     m = momentum m - lr g; theta += m (momentum 0: plain SGD)
 */

export interface HostOptState {
  /** Adam's first moment, or the momentum buffer */
  m: Float32Array;
  /** Adam's / RMSprop's second moment */
  v: Float32Array;
  /** steps taken (Adam's bias correction) */
  t: number;
}

export function sgdMomentum(cfg: ParsedTrainingConfig): number {
  return cfg.momentum ?? (cfg.optimizer === "sgd" ? 0.9 : 0);
}

/** One update of theta in place; `lr` is the scheduled learning rate of this step. */
export function hostUpdate(cfg: ParsedTrainingConfig, lr: number, theta: Float32Array, grad: Float32Array, s: HostOptState): void {
  s.t++;
  const { m, v } = s;
  const n = theta.length;
  const eps = cfg.epsilon;
  if (cfg.optimizer === "adam") {
    const b1 = cfg.beta1;
    const b2 = cfg.beta2;
    const c1 = 1 - b1;
    const c2 = 1 - b2;
    const lrT = (lr * Math.sqrt(1 - b2 ** s.t)) / (1 - b1 ** s.t);
    for (let i = 0; i < n; i++) {
      const g = grad[i];
      const mi = m[i] + (g - m[i]) * c1;
      const vi = v[i] + (g * g - v[i]) * c2;
      m[i] = mi;
      v[i] = vi;
      theta[i] -= (lrT * mi) / (Math.sqrt(vi) + eps);
    }
  } else if (cfg.optimizer === "rmsprop") {
    const rho = cfg.beta2;
    const mom = sgdMomentum(cfg);
    for (let i = 0; i < n; i++) {
      const g = grad[i];
      const vi = rho * v[i] + (1 - rho) * g * g;
      v[i] = vi;
      const step = (lr * g) / (Math.sqrt(vi) + eps);
      if (mom > 0) {
        m[i] = mom * m[i] + step;
        theta[i] -= m[i];
      } else {
        theta[i] -= step;
      }
    }
  } else {
    const mom = sgdMomentum(cfg);
    for (let i = 0; i < n; i++) {
      m[i] = mom * m[i] - lr * grad[i];
      theta[i] += m[i];
    }
  }
}

export interface DeviceOptState {
  m: tf.Tensor1D;
  v: tf.Tensor1D;
  t: number;
}

/** The same update with tf ops: returns the new theta and state tensors (the caller disposes the old ones). */
export function deviceUpdate(
  cfg: ParsedTrainingConfig,
  lr: number,
  theta: tf.Tensor1D,
  grad: tf.Tensor1D,
  s: DeviceOptState,
): { theta: tf.Tensor1D; m: tf.Tensor1D; v: tf.Tensor1D } {
  const t = s.t + 1;
  return tf.tidy(() => {
    const eps = cfg.epsilon;
    if (cfg.optimizer === "adam") {
      const { beta1: b1, beta2: b2 } = cfg;
      const lrT = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      const m = tf.add(s.m, tf.mul(tf.sub(grad, s.m), 1 - b1)) as tf.Tensor1D;
      const v = tf.add(s.v, tf.mul(tf.sub(tf.square(grad), s.v), 1 - b2)) as tf.Tensor1D;
      return { theta: tf.sub(theta, tf.mul(tf.div(m, tf.add(tf.sqrt(v), eps)), lrT)) as tf.Tensor1D, m, v };
    }
    if (cfg.optimizer === "rmsprop") {
      const rho = cfg.beta2;
      const mom = sgdMomentum(cfg);
      const v = tf.add(tf.mul(s.v, rho), tf.mul(tf.square(grad), 1 - rho)) as tf.Tensor1D;
      const step = tf.div(tf.mul(grad, lr), tf.add(tf.sqrt(v), eps));
      const m = (mom > 0 ? tf.add(tf.mul(s.m, mom), step) : tf.clone(s.m)) as tf.Tensor1D;
      return { theta: tf.sub(theta, mom > 0 ? m : step) as tf.Tensor1D, m, v: v };
    }
    const mom = sgdMomentum(cfg);
    const m = tf.sub(tf.mul(s.m, mom), tf.mul(grad, lr)) as tf.Tensor1D;
    return { theta: tf.add(theta, m) as tf.Tensor1D, m, v: tf.clone(s.v) };
  });
}
