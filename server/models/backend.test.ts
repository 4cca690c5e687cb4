import * as tf from "@tensorflow/tfjs";
import { afterEach, expect, it, vi } from "vitest";

const fresh = async () => {
  vi.resetModules();
  return import("./backend");
};

afterEach(() => {
  delete process.env.TFJS_BACKEND;
});

it("rejects an unknown backend name", async () => {
  const { initBackend } = await fresh();
  await expect(initBackend("tpu")).rejects.toThrow(/unknown TensorFlow.js backend "tpu"/);
});

it("TFJS_BACKEND overrides the order, and the choice is made once", async () => {
  process.env.TFJS_BACKEND = "cpu";
  const { initBackend, currentBackend } = await fresh();
  expect(await initBackend()).toBe("cpu");
  expect(tf.getBackend()).toBe("cpu");
  expect(await initBackend("wasm")).toBe("cpu");
  expect(currentBackend()).toBe("cpu");
});

it("the argument overrides the order", async () => {
  const { initBackend } = await fresh();
  expect(await initBackend("wasm")).toBe("wasm");
  expect(tf.getBackend()).toBe("wasm");
  expect(tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync())).toEqual(new Float32Array([3, 3, 3, 3]));
});

it("by default picks the best backend that starts (wasm where there is no tfjs-node and no GPU)", async () => {
  const { initBackend, BACKENDS } = await fresh();
  const name = await initBackend();
  expect(BACKENDS).toContain(name);
  expect(tf.getBackend()).toBe(name.startsWith("tensorflow") ? "tensorflow" : name);
  expect(["cpu"]).not.toContain(name); // wasm always starts in Node
});
