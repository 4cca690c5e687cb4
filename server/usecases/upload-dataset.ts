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

export interface UploadInput {
  /** the file's name as the browser gave it (URI-encoded in the x-file-name header) */
  fileName: string | null;
  /** the raw file bytes, streamed */
  body: ReadableStream<Uint8Array> | NodeJS.ReadableStream | null;
  /** the Content-Length the client declared, if any: refused early when over the limit */
  declaredBytes?: number | null;
}

/**
 * Stores an uploaded CSV and makes it a dataset: streams the bytes to the blob store (never whole in memory),
 * parses, infers column types, profiles, saves the columnar table with its label options and guardrail warnings,
 * then creates the row. On any failure the partial files are removed and nothing else is touched.
 */
export async function uploadDataset(ctx: StudioContext, input: UploadInput): Promise<DatasetDto> {
  if (!input.body) throw new DataError("The upload has no file. Choose a CSV file to upload.");
  if (input.declaredBytes != null && input.declaredBytes > ctx.config.maxUploadBytes) {
    throw new TooLargeError(`file is larger than the limit of ${Math.round(ctx.config.maxUploadBytes / 1048576)} MB`);
  }
  const name = cleanFileName(input.fileName);
  const id = shortId();
  try {
    const rawKey = keys.datasetRaw(id);
    const bytes = await ctx.blobs.putStream(rawKey, input.body, ctx.config.maxUploadBytes);
    if (bytes === 0) throw new DataError("The file is empty. Upload a CSV with a header row and at least one data row.");
    const table = await parseCsvFile(await ctx.blobs.localPath(rawKey), { maxBytes: ctx.config.maxUploadBytes });
    const types = inferColumnTypes(table);
    const columns = profileTable(table, types);
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
