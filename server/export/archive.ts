import fs from "node:fs/promises";
import path from "node:path";
import { zipSync, type Zippable } from "fflate";
import type { BlobStore } from "../storage/blob-store";
import { keys } from "../storage/keys";
import { ArchiveNotFoundError } from "./archive-files";

/** A folder as zip bytes, paths relative to it, with a fixed timestamp so the same files give the same bytes. */
export async function zipFolder(dir: string): Promise<Uint8Array> {
  const entries: Zippable = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    entries[path.relative(dir, full).split(path.sep).join("/")] = new Uint8Array(await fs.readFile(full));
  }
  const sorted = Object.fromEntries(Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : 1)));
  return zipSync(sorted, { level: 6, mtime: new Date("2026-01-01T00:00:00Z") });
}

/** Copies an archive folder out of the store (CLI `export`, `train --out`, downloads). */
export async function copyArchive(blobs: BlobStore, runId: string, trialId: string, outDir: string): Promise<void> {
  const key = keys.trialArchive(runId, trialId);
  if ((await blobs.list(key)).length === 0) throw new ArchiveNotFoundError("This candidate has no archive: only finished candidates can be exported.");
  const src = await blobs.localPath(key);
  await fs.rm(outDir, { recursive: true, force: true });
  await fs.cp(src, outDir, { recursive: true });
}
