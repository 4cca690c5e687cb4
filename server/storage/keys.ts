/** Where each thing lives in the BlobStore. One place, so that storage layout changes touch one file. */
export const keys = {
  datasetDir: (datasetId: string) => `datasets/${datasetId}`,
  datasetRaw: (datasetId: string) => `datasets/${datasetId}/raw.csv`,
  /** the columnar table written by server/data (its own files below this folder) */
  datasetTable: (datasetId: string) => `datasets/${datasetId}/table`,
  runDir: (runId: string) => `runs/${runId}`,
  runSplit: (runId: string) => `runs/${runId}/split.json`,
  /** a candidate's archive folder: manifest.json, preprocessing.json, model/ (family payload) */
  trialArchive: (runId: string, trialId: string) => `runs/${runId}/trials/${trialId}/archive`,
  /** a scheduled trial's training state after `rung`, which its promotion continues from (one per rung, never overwritten) */
  trialCheckpoint: (runId: string, trialId: string, rung: number) => `runs/${runId}/trials/${trialId}/checkpoint-rung-${rung}.bin`,
  /** weight inheritance: a candidate's validation model `index` (the family's payload), which its children start from */
  trialFoldModel: (runId: string, trialId: string, index: number) => `runs/${runId}/trials/${trialId}/fold-model-${index}`,
  trialExplanation: (runId: string, trialId: string) => `runs/${runId}/trials/${trialId}/explanation.json`,
};
