import { compareTrials, hasScore, metricDirection } from "../contracts/run";
import type { StudioContext } from "../context";
import { DataError } from "../data/data-error";
import { ArchiveNotFoundError } from "../export/archive-files";
import type { PredictionWarning } from "../contracts/prediction";
import { predictWithWarnings } from "../export/predict";
import { keys } from "../storage/keys";
import { toTrialDto } from "./dto";
import { ConflictError, NotFoundError } from "./errors";
import { shortId } from "./ids";

export interface PredictInput {
  runId: string;
  /** a candidate (trial) id or number; the run's best candidate when absent */
  candidate?: string | null;
  /** the CSV to predict (without the label), streamed */
  body: ReadableStream<Uint8Array> | NodeJS.ReadableStream | null;
}

export interface PredictOutput {
  fileName: string;
  csv: string;
  trialId: string;
  /** what the CSV got wrong that the predictions worked around (they are made all the same) */
  warnings: PredictionWarning[];
}

/**
 * Predictions for an uploaded CSV from one of the run's finished candidates (the best by default), as CSV text,
 * with warnings about the CSV.
 */
export async function predict(ctx: StudioContext, input: PredictInput): Promise<PredictOutput> {
  const run = await ctx.store.getRun(input.runId);
  if (!run) throw new NotFoundError("The run");
  const trials = (await ctx.store.listTrials(run.id)).map((t) => toTrialDto(t));
  let trial;
  if (input.candidate) {
    trial = trials.find((t) => t.id === input.candidate || String(t.number) === input.candidate);
    if (!trial) throw new NotFoundError(`Candidate ${input.candidate} of this run`);
    if (!hasScore(trial)) throw new ConflictError(`Candidate #${trial.number} is ${trial.status}; only finished candidates can predict.`);
  } else {
    trial = trials.filter(hasScore).sort(compareTrials(metricDirection(run.metric)))[0];
    if (!trial) throw new ConflictError("This run has no finished candidate yet; predict once one has finished.");
  }
  if (!input.body) throw new DataError("The request has no file. Choose a CSV file to predict.");
  const tmpKey = `tmp/predict-${shortId()}.csv`;
  try {
    const bytes = await ctx.blobs.putStream(tmpKey, input.body, ctx.config.maxUploadBytes);
    if (bytes === 0) throw new DataError("The file is empty. Upload a CSV with a header row and at least one data row.");
    const { csv, warnings } = await predictWithWarnings({ blobs: ctx.blobs, archiveKey: keys.trialArchive(run.id, trial.id), csvPath: await ctx.blobs.localPath(tmpKey) }).catch(
      (err: unknown) => {
        throw err instanceof ArchiveNotFoundError ? new NotFoundError("The archive", err.message) : err;
      },
    );
    return { fileName: "predictions.csv", csv, trialId: trial.id, warnings };
  } finally {
    await ctx.blobs.remove(tmpKey).catch(() => {});
  }
}
