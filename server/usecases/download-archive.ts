import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { StudioContext } from "../context";
import { zipFolder } from "../export/archive";
import { archiveFiles } from "../export/archive-files";
import { exportCandidate } from "./export-candidate";

export interface Download {
  fileName: string;
  bytes: Uint8Array;
}

/** A candidate's archive with its notebook and exports (export-candidate.ts) as a zip. */
export function downloadArchive(ctx: StudioContext, trialId: string): Promise<Download> {
  return withExport(ctx, trialId, async (dir, prefix) => ({ fileName: `${prefix}.zip`, bytes: await zipFolder(dir) }));
}

/** The candidate's reproducibility notebook alone (it runs from the unzipped archive, which holds the parameters it replays). */
export function downloadNotebook(ctx: StudioContext, trialId: string): Promise<Download> {
  return withExport(ctx, trialId, async (dir, prefix) => ({
    fileName: `${prefix}.ipynb`,
    bytes: new Uint8Array(await fs.readFile(path.join(dir, archiveFiles.notebook))),
  }));
}

async function withExport(ctx: StudioContext, trialId: string, read: (dir: string, fileNamePrefix: string) => Promise<Download>): Promise<Download> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "automl-export-"));
  try {
    const dir = path.join(tmp, "archive");
    const trial = await exportCandidate(ctx, trialId, dir);
    return await read(dir, `run-${trial.runId}-candidate-${trial.number}`);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
