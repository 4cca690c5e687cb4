import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { loadConfig } from "../config";
import { createContext, type StudioContext } from "../context";
import type { z } from "zod";
import type { CreateRunInput } from "../contracts/run";
import { Coordinator } from "../jobs/coordinator";
import { Worker } from "../jobs/worker";
import { initBackend } from "../models/backend";
import { createRun } from "./create-run";
import { describeError } from "./errors";
import { uploadDataset } from "./upload-dataset";

/** A real studio context on a fresh temp data directory (SQLite), for use-case tests. */
export async function tempContext(env: Record<string, string> = {}): Promise<StudioContext & { dir: string; dispose(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "usecase-test-"));
  const ctx = await createContext(loadConfig({ STUDIO_DATA_DIR: dir, STUDIO_WORKERS: "2", DATABASE_URL: "", ...env } as unknown as NodeJS.ProcessEnv));
  return {
    ...ctx,
    dir,
    async dispose() {
      await ctx.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** the HTTP status a use case's promise answers with: 0 when it resolves, else its error's status */
export const statusOf = (p: Promise<unknown>): Promise<number> => p.then(() => 0, (e: unknown) => describeError(e).status);

/** a request-like body stream of the text */
export const bodyOf = (text: string | Uint8Array): NodeJS.ReadableStream => Readable.from([typeof text === "string" ? Buffer.from(text) : Buffer.from(text)]);

/** every file under the data directory except the database */
export async function dataFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith("studio.db"))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** uploads a CSV and trains a whole run (its trials, then its ensembles) with one in-process worker; returns the run id */
export async function trainRun(ctx: StudioContext, csv: string | Buffer, fileName: string, run: Omit<z.input<typeof CreateRunInput>, "datasetId">): Promise<string> {
  const ds = await uploadDataset(ctx, { fileName, body: bodyOf(csv) });
  const created = await createRun(ctx, { ...run, datasetId: ds.id });
  const coordinator = new Coordinator(ctx);
  const worker = new Worker(ctx, "test-0", await initBackend());
  for (let step = 0; step < 400; step++) {
    await coordinator.tick();
    const r = await ctx.store.getRun(created.id);
    if (r?.status === "completed") return created.id;
    if (r && ["cancelled", "failed"].includes(r.status)) throw new Error(`the run ${r.status}: ${r.error ?? ""}`);
    await worker.runOne();
  }
  throw new Error("the run did not finish in 400 steps");
}
