import * as tf from "@tensorflow/tfjs";

/**
 * Hand-written backward-pass pieces that both network families' training steps use (tfjs-mlp/train-step.ts,
 * nas/engine/graph.ts): the derivative of each activation, and a cheap transpose.
 */

/** The activations either family trains; the MLP uses all but "linear". */
export type Activation = "relu" | "elu" | "tanh" | "selu" | "gelu" | "linear";

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** dL/d(pre-activation) from dL/d(activation output) `da`, the output `a` and (gelu only) the input `pre` */
export function activationGrad(kind: Activation, da: tf.Tensor2D, a: tf.Tensor2D, pre: tf.Tensor2D | null): tf.Tensor2D {
  switch (kind) {
    case "relu":
      return tf.mul(da, tf.step(a));
    case "elu":
      return tf.engine().runKernel("EluGrad", { dy: da, y: a }) as tf.Tensor2D;
    case "tanh":
      return tf.mul(da, tf.sub(1, tf.square(a)));
    case "selu": {
      // a > 0: scale; else scale*alpha*exp(z) = a + scale*alpha
      const neg = tf.add(a, SELU_SCALE * SELU_ALPHA);
      return tf.mul(da, tf.add(neg, tf.mul(tf.step(a), tf.sub(SELU_SCALE, neg))));
    }
    case "gelu": {
      const z = pre!;
      const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(z, Math.SQRT1_2))));
      const pdf = tf.mul(tf.exp(tf.mul(tf.square(z), -0.5)), 1 / Math.sqrt(2 * Math.PI));
      return tf.mul(da, tf.add(cdf, tf.mul(z, pdf)));
    }
    case "linear":
      return da;
  }
}

/** t^T: a reshape for a [n,1] or [1,n] tensor, else an explicit transpose */
export function transpose2d(t: tf.Tensor2D): tf.Tensor2D {
  const [r, c] = t.shape;
  return r === 1 || c === 1 ? t.reshape([c, r]) : tf.transpose(t);
}
