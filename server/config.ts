import path from "node:path";
import os from "node:os";
import { z } from "zod";

/** Studio settings, from the environment (documented in the README). Parsed once, with clear errors. */
const Env = z.object({
  STUDIO_DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z.string().optional().transform((v) => v || undefined),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  STUDIO_TOKEN: z.string().min(16, "STUDIO_TOKEN must be at least 16 characters").optional(),
  STUDIO_WORKERS: z.coerce.number().int().min(1).max(64).default(Math.max(1, Math.min(os.availableParallelism(), 8))),
  STUDIO_WORKER_MEMORY_MB: z.coerce.number().int().min(256).default(2048),
  STUDIO_MAX_UPLOAD_MB: z.coerce.number().positive().default(1024),
  TFJS_BACKEND: z.enum(["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"]).optional(),
});

export type Config = {
  dataDir: string;
  databaseUrl: string | undefined;
  host: string;
  port: number;
  token: string | undefined;
  workers: number;
  workerMemoryMb: number;
  maxUploadBytes: number;
  backend: string | undefined;
};

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${msg}`);
  }
  const e = parsed.data;
  const loopback = ["127.0.0.1", "localhost", "::1"].includes(e.HOST);
  if (!loopback && !e.STUDIO_TOKEN) {
    throw new Error(`Listening on ${e.HOST} exposes the studio beyond this machine: set STUDIO_TOKEN (16+ characters) first.`);
  }
  return {
    dataDir: path.resolve(e.STUDIO_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    host: e.HOST,
    port: e.PORT,
    token: e.STUDIO_TOKEN,
    workers: e.STUDIO_WORKERS,
    workerMemoryMb: e.STUDIO_WORKER_MEMORY_MB,
    maxUploadBytes: Math.round(e.STUDIO_MAX_UPLOAD_MB * 1024 * 1024),
    backend: e.TFJS_BACKEND,
  };
}
