import type { BlobStore } from "../storage/blob-store";
import { loadPredictor } from "./archive-predictor";
import { predictionsCsv, type PredictionResult } from "./predictions-csv";

export type { PredictionResult } from "./predictions-csv";

/**
 * Predictions for a CSV from a candidate archive folder (see predictions-csv.ts). The same code serves the studio,
 * the CLI and the archive's standalone script, so their predictions agree.
 */
export async function predictFromArchive(archiveDir: string, csvPath: string): Promise<PredictionResult> {
  const predictor = await loadPredictor(archiveDir);
  try {
    return await predictionsCsv(predictor, csvPath);
  } finally {
    predictor.dispose();
  }
}

export interface PredictCsvOptions {
  blobs: BlobStore;
  archiveKey: string;
  csvPath: string;
}

/** predictions and warnings from an archive in the blob store */
export async function predictWithWarnings(opts: PredictCsvOptions): Promise<PredictionResult> {
  return predictFromArchive(await opts.blobs.localPath(opts.archiveKey), opts.csvPath);
}

/** the predictions CSV alone, from an archive in the blob store */
export async function predictCsv(opts: PredictCsvOptions): Promise<string> {
  return (await predictWithWarnings(opts)).csv;
}
