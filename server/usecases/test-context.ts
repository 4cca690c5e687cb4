import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { loadConfig } from "../config";
import { createContext, type StudioContext } from "../context";

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
