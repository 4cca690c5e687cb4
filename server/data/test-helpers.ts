import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** the real datasets shared by the project's tests (see its README) */
export const DATASETS = "/work/shared/datasets";
export const dataset = (file: string) => path.join(DATASETS, file);

/** writes files into a fresh temp folder; returns a function that gives each file's path */
export async function tempFiles(files: Record<string, string | Uint8Array>): Promise<(name: string) => string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "data-test-"));
  for (const [name, content] of Object.entries(files)) await fs.writeFile(path.join(dir, name), content);
  return (name: string) => path.join(dir, name);
}

export async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), "data-test-"));
}
