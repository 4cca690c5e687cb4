import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

/** Each family's persistence: one model.json in the model's folder, in the family's own zod-checked format. */

const MODEL_FILE = "model.json";

/** the task as a model.json holds it */
export const TaskFile = z.object({ type: z.enum(["binary", "multiclass", "regression"]), classes: z.array(z.string()) });
/** the hyperparameters as a model.json holds them */
export const ParamsFile = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/**
 * A JSON array whose every element passes `ok`, checked in one loop. zod's per-element parse of the trees' node arrays
 * took 3.9 s of loading a random forest of 4 million nodes (diamonds), longer than reading and parsing its JSON.
 */
export function arrayOf<T>(what: string, ok: (v: unknown) => boolean) {
  return z.custom<T[]>((v) => {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (!ok(v[i])) return false;
    return true;
  }, `expected an array of ${what}`);
}

/** a JSON array of numbers (leaf values), checked as arrayOf does */
export const NumberArray = arrayOf<number>("numbers", (v) => typeof v === "number");

/** Writes dir/model.json (dir created), through a temporary file so a reader never sees half of it. */
export async function writeModelFile(dir: string, file: unknown): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const target = path.join(dir, MODEL_FILE);
  const tmp = `${target}.tmp-${process.pid}`;
  await fs.writeFile(tmp, JSON.stringify(file));
  await fs.rename(tmp, target);
}

/** Reads dir/model.json and checks it against the family's format (throwing zod's error where it does not match). */
export async function readModelFile<S extends z.ZodTypeAny>(dir: string, format: S): Promise<z.infer<S>> {
  return format.parse(JSON.parse(await fs.readFile(path.join(dir, MODEL_FILE), "utf8")));
}
