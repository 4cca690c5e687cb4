import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and wasm packages are loaded by Node at run time, not bundled.
  serverExternalPackages: [
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-core",
    "@tensorflow/tfjs-layers",
    "@tensorflow/tfjs-backend-wasm",
    "@tensorflow/tfjs-backend-webgpu",
    "@tensorflow/tfjs-node",
    "@tensorflow/tfjs-node-gpu",
    "webgpu",
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "pg",
    // builds the archives' standalone predict.mjs at run time (a native binary)
    "esbuild",
  ],
};

export default nextConfig;
