import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import { installWasmMatMulFix } from "./wasm-matmul";

/**
 * Chooses the TensorFlow.js backend once per process, best first:
 * tensorflow-gpu (tfjs-node-gpu, CUDA) > webgpu (Dawn through the `webgpu` package) > tensorflow (tfjs-node, CPU)
 * > wasm > cpu. `TFJS_BACKEND` (or the argument) names one to use instead; if that one cannot start, the
 * others are tried in the usual order (and the log says so).
 */
export const BACKENDS = ["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

let chosen: Promise<string> | null = null;

export function initBackend(preferred?: string): Promise<string> {
  chosen ??= choose(preferred ?? process.env.TFJS_BACKEND).catch((err) => {
    chosen = null;
    throw err;
  });
  return chosen;
}

/** The backend initBackend chose, or null before it has finished. */
export function currentBackend(): string | null {
  return chosenName;
}
let chosenName: string | null = null;

async function choose(preferred: string | undefined): Promise<string> {
  const wanted = preferred?.trim() || undefined;
  if (wanted && !(BACKENDS as readonly string[]).includes(wanted)) {
    throw new Error(`unknown TensorFlow.js backend "${wanted}"; expected one of ${BACKENDS.join(", ")}`);
  }
  const order: BackendName[] = wanted ? [wanted as BackendName, ...BACKENDS.filter((b) => b !== wanted)] : [...BACKENDS];
  for (const name of order) {
    try {
      if (await starters[name]()) {
        chosenName = name;
        console.log(`[tfjs] backend: ${name}`);
        return name;
      }
      if (name === wanted) console.warn(`[tfjs] requested backend ${wanted} did not start; trying the others`);
    } catch (err) {
      // the optional backends are expected to be missing; only a requested one's failure is news
      if (name === wanted) console.warn(`[tfjs] requested backend ${wanted} is not available (${firstLine(err)}); trying the others`);
    }
  }
  throw new Error("no TensorFlow.js backend could be started");
}

const firstLine = (err: unknown) => String(err instanceof Error ? err.message : err).split("\n")[0];

/** Imports an optional package whose name the bundler must not resolve (it may be absent). */
const optionalImport = (name: string): Promise<unknown> => import(/* @vite-ignore */ /* webpackIgnore: true */ name);

const starters: Record<BackendName, () => Promise<boolean>> = {
  async "tensorflow-gpu"() {
    await optionalImport("@tensorflow/tfjs-node-gpu");
    return tf.setBackend("tensorflow");
  },
  async tensorflow() {
    await optionalImport("@tensorflow/tfjs-node");
    return tf.setBackend("tensorflow");
  },
  async webgpu() {
    // Dawn runs on Vulkan on Linux; without the loader it can only print warnings and find no adapter
    if (process.platform === "linux" && !hasVulkanLoader()) throw new Error("no Vulkan loader (libvulkan.so.1)");
    const { create, globals } = (await import("webgpu")) as unknown as {
      create(flags: string[]): { requestAdapter(opts?: object): Promise<unknown | null> };
      globals: Record<string, unknown>;
    };
    const gpu = create([]);
    // fail fast where there is no GPU: no adapter (or no answer within 5 s) means no webgpu
    const adapter = await Promise.race([
      gpu.requestAdapter({ powerPreference: "high-performance" }),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000).unref()),
    ]);
    if (!adapter) throw new Error("no WebGPU adapter");
    Object.assign(globalThis, globals);
    const nav = (globalThis as unknown as { navigator?: Record<string, unknown> }).navigator;
    if (nav) Object.defineProperty(nav, "gpu", { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true });
    // the webgpu backend registers itself on import, only when navigator.gpu exists
    await import("@tensorflow/tfjs-backend-webgpu");
    return tf.setBackend("webgpu");
  },
  async wasm() {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const dist = wasmDistDir();
    wasm.setWasmPaths(
      {
        "tfjs-backend-wasm.wasm": path.join(dist, "tfjs-backend-wasm.wasm"),
        "tfjs-backend-wasm-simd.wasm": path.join(dist, "tfjs-backend-wasm-simd.wasm"),
        "tfjs-backend-wasm-threaded-simd.wasm": path.join(dist, "tfjs-backend-wasm-threaded-simd.wasm"),
      },
      false, // in Node the Emscripten loader reads these paths from disk; fetch() cannot
    );
    if (!(await tf.setBackend("wasm"))) return false;
    // TensorFlow.js' own Dense backward pass asks for transposed products, which wasm runs ~15x slower (wasm-matmul.ts)
    installWasmMatMulFix();
    return true;
  },
  async cpu() {
    return tf.setBackend("cpu");
  },
};

function hasVulkanLoader(): boolean {
  const cache = spawnSync("ldconfig", ["-p"], { encoding: "utf8" });
  if (cache.status === 0) return cache.stdout.includes("libvulkan.so.1");
  return ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"].some((d) => existsSync(path.join(d, "libvulkan.so.1")));
}

/** node_modules/@tensorflow/tfjs-backend-wasm/dist, found the way Node finds the package. */
function wasmDistDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
  } catch {
    return path.resolve("node_modules/@tensorflow/tfjs-backend-wasm/dist");
  }
}
