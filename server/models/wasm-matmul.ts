import * as tf from "@tensorflow/tfjs";

/**
 * A fix for TensorFlow.js' own autodiff training on the wasm backend (model.fit, tf.grads, optimizers.minimize).
 *
 * The wasm BatchMatMul and _FusedMatMul kernels send a product with transposeA or transposeB to a naive blocked
 * loop (~1 GFLOP/s here) instead of XNNPACK (~20 GFLOP/s), and the registered gradients of matMul and of the fused
 * matMul (every Dense layer's backward pass: dA = dy b^T, dB = a^T dy) ask for exactly those. This re-registers the
 * two kernels so that a transposed operand is first transposed explicitly (the Transpose kernel, ~4 ns per value)
 * and the product always takes XNNPACK's path. Numerically the same products; one kernel call for the engine, so
 * tapes, tidy and memory accounting see nothing new.
 *
 * Measured here (wasm, 1 thread): model.fit of the 50-128-64-1 ReLU MLP (Adam, batch 256, 20,000 rows) went from
 * ~15,000 to ~40,000-47,000 rows/s, with the same loss to 6 digits. The NAS engine (graph.ts) does not need it: it
 * never asks for a transposed product.
 *
 * Returns true once installed (idempotent); false where there is nothing to fix (the kernels are not registered,
 * i.e. the wasm backend is not loaded). Install it after the wasm backend is registered (e.g. right after
 * initBackend chose wasm, as backend.ts does).
 */
const FIXED = Symbol("nas.wasmMatMulFix");
const KERNELS = ["BatchMatMul", "_FusedMatMul"] as const;

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

interface WasmBackendLike {
  disposeData(dataId: object): boolean;
}

export function installWasmMatMulFix(): boolean {
  const transpose = tf.getKernel("Transpose", "wasm");
  if (!transpose) return false;
  let any = false;
  for (const name of KERNELS) {
    const original = tf.getKernel(name, "wasm");
    if (!original) continue;
    any = true;
    if ((original as unknown as Record<symbol, boolean>)[FIXED]) continue;
    const kernelFunc: tf.KernelFunc = (args) => {
      const attrs = args.attrs as unknown as MatMulAttrs;
      if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
      const backend = args.backend as unknown as WasmBackendLike;
      const temps: tf.TensorInfo[] = [];
      const transposed = (x: tf.TensorInfo): tf.TensorInfo => {
        const rank = x.shape.length;
        const perm = Array.from({ length: rank }, (_, i) => i);
        [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
        const out = transpose.kernelFunc({ inputs: { x }, attrs: { perm }, backend: args.backend }) as tf.TensorInfo;
        temps.push(out);
        return out;
      };
      const inputs = { ...args.inputs } as Record<string, tf.TensorInfo>;
      if (attrs.transposeA) inputs.a = transposed(inputs.a);
      if (attrs.transposeB) inputs.b = transposed(inputs.b);
      try {
        return original.kernelFunc({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      } finally {
        for (const t of temps) backend.disposeData(t.dataId);
      }
    };
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ ...original, kernelFunc, [FIXED]: true } as tf.KernelConfig);
  }
  return any;
}
