import path from "node:path";
import { loadConfig } from "../config";
import { createContext } from "../context";

/**
 * The CLI keeps a studio of its own under OUT/.studio (SQLite database, dataset, archives), so that
 * `export --run OUT` can reach every candidate later. Worker processes inherit these settings.
 */
export async function openCliStudio(outDir: string, workers?: number) {
  process.env.STUDIO_DATA_DIR = path.resolve(outDir, ".studio");
  process.env.DATABASE_URL = "";
  if (workers !== undefined) process.env.STUDIO_WORKERS = String(workers);
  return createContext(loadConfig());
}
