import { loadConfig, type Config } from "./config";
import { openDb } from "./db/client";
import type { Store } from "./db/store";
import type { JobQueue } from "./jobs/queue";
import type { BlobStore } from "./storage/blob-store";
import { LocalBlobStore } from "./storage/local-blob-store";

/** Everything a use case needs, wired once per process (the Next.js server, a worker, the CLI). */
export interface StudioContext {
  config: Config;
  store: Store;
  queue: JobQueue;
  blobs: BlobStore;
  close(): Promise<void>;
}

export async function createContext(config: Config = loadConfig()): Promise<StudioContext> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  return { config, store: db.store, queue: db.queue, blobs: new LocalBlobStore(config.dataDir), close: () => db.close() };
}

let shared: Promise<StudioContext> | undefined;

/** The process-wide context (the Next.js server calls this from every route). */
export function getContext(): Promise<StudioContext> {
  shared ??= createContext().catch((err) => {
    shared = undefined;
    throw err;
  });
  return shared;
}
