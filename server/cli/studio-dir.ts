import path from "node:path";
import { loadConfig } from "../config";
import { createContext } from "../context";

/**
 * The CLI keeps a studio of its own under OUT/.studio (SQLite database, dataset, archives), so that
 * `export --run OUT` can reach every candidate later. The supervisor hands these settings to its worker processes.
 */
export async function openCliStudio(outDir: string, workers?: number) {
  const env: Record<string, string | undefined> = { ...process.env, STUDIO_DATA_DIR: path.resolve(outDir, ".studio"), DATABASE_URL: "" };
  if (workers !== undefined) env.STUDIO_WORKERS = String(workers);
  return createContext(loadConfig(env));
}
