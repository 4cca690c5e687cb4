import { Readable } from "node:stream";
import type { DatasetDto } from "../contracts/dataset";
import type { StudioContext } from "../context";
import { DataError } from "../data/data-error";
import { parseCsvFile } from "../data/parse-csv";
import { inferColumnTypes } from "../data/infer-types";
import { profileTable } from "../data/profile";
import { saveTable } from "../data/table-store";
import { keys } from "../storage/keys";
import { TooLargeError } from "../storage/local-blob-store";
import { toDatasetDto } from "./dto";
import { writeDatasetWarnings } from "./get-dataset";
import { shortId } from "./ids";
import { writeLabelOptions } from "./label-options";
import { noUploadProgress, type UploadProgress } from "./upload-progress";

export interface UploadInput {
  /** the file's name as the browser gave it (URI-encoded in the x-file-name header) */
  fileName: string | null;
  /** the raw file bytes, streamed */
  body: ReadableStream<Uint8Array> | NodeJS.ReadableStream | null;
  /** the Content-Length the client declared, if any: refused early when over the limit */
  declaredBytes?: number | null;
  /** where to report each step, for the browser to poll while the request is open (see upload-progress.ts) */
  progress?: UploadProgress;
}

/**
 * Stores an uploaded CSV and makes it a dataset: streams the bytes to the blob store (never whole in memory),
 * parses, infers column types, profiles, saves the columnar table with its label options and guardrail warnings,
 * then creates the row. On any failure the partial files are removed and nothing else is touched.
 * Each step is reported to `input.progress`, ending with "done" or "failed".
 */
export async function uploadDataset(ctx: StudioContext, input: UploadInput): Promise<DatasetDto> {
  const progress = input.progress ?? noUploadProgress;
  try {
    const dataset = await storeDataset(ctx, input, progress);
    progress.phase("done");
    return dataset;
  } catch (err) {
    progress.phase("failed");
    throw err;
  }
}

async function storeDataset(ctx: StudioContext, input: UploadInput, progress: UploadProgress): Promise<DatasetDto> {
  if (!input.body) throw new DataError("The upload has no file. Choose a CSV file to upload.");
  if (input.declaredBytes != null && input.declaredBytes > ctx.config.maxUploadBytes) {
    throw new TooLargeError(`file is larger than the limit of ${Math.round(ctx.config.maxUploadBytes / 1048576)} MB`);
  }
  const name = cleanFileName(input.fileName);
  const id = shortId();
  const declared = input.declaredBytes ?? null;
  try {
    const rawKey = keys.datasetRaw(id);
    const body = counted(input.body, (n) => progress.bytes("receiving", n, declared));
    const bytes = await ctx.blobs.putStream(rawKey, body, ctx.config.maxUploadBytes);
    if (bytes === 0) throw new DataError("The file is empty. Upload a CSV with a header row and at least one data row.");
    const table = await parseCsvFile(await ctx.blobs.localPath(rawKey), {
      maxBytes: ctx.config.maxUploadBytes,
      onProgress: (n, total) => progress.bytes("parsing", n, total),
    });
    progress.phase("profiling");
    const types = inferColumnTypes(table);
    // both steps run synchronously: let the progress polls that queued meanwhile see "profiling"
    await new Promise((resolve) => setImmediate(resolve));
    const columns = profileTable(table, types);
    progress.phase("saving");
    await saveTable(await ctx.blobs.localPath(keys.datasetTable(id)), table, types);
    await writeLabelOptions(ctx, id, table, types);
    await writeDatasetWarnings(ctx, id, table, types);
    const row = await ctx.store.createDataset({
      id,
      name,
      sizeBytes: table.sizeBytes,
      rowCount: table.rowCount,
      columnCount: table.columns.length,
      sha256: table.sha256,
      columns,
    });
    return toDatasetDto(row);
  } catch (err) {
    await ctx.blobs.remove(keys.datasetDir(id)).catch(() => {});
    throw err;
  }
}

/** the body as a Node stream that counts the bytes going through it (a web stream or a Node stream alike) */
function counted(body: NonNullable<UploadInput["body"]>, onBytes: (bytes: number) => void): Readable {
  async function* chunks() {
    let bytes = 0;
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      onBytes(bytes);
      yield chunk;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** A display name from the header: decoded, without folders or control characters, at most 200 characters. */
export function cleanFileName(raw: string | null): string {
  let name = raw ?? "";
  try {
    name = decodeURIComponent(name);
  } catch {
    // not URI-encoded: keep as given
  }
  name = name.split(/[\\/]/).pop() ?? "";
  name = name.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 200);
  return name || "dataset.csv";
}
