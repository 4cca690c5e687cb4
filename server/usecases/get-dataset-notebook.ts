import fs from "node:fs/promises";
import { z } from "zod";
import { ProblemType } from "../contracts/dataset";
import type { StudioContext } from "../context";
import { numbersOf, stringAt } from "../data/column-values";
import { labelWarnings } from "../data/guardrails";
import type { InferredType } from "../data/infer-types";
import { ENCODING_SNIFF_BYTES, SNIFF_BYTES, detectDelimiter, detectEncoding, hasUtf8Bom } from "../data/sniff";
import type { Table } from "../data/table";
import { loadTable } from "../data/table-store";
import { DEFAULT_MISSING_TOKENS } from "../data/values";
import { datasetNotebook, type CsvDialect, type LabelSection } from "../export/notebook/dataset-notebook";
import { keys } from "../storage/keys";
import { toDatasetDto } from "./dto";
import { NotFoundError } from "./errors";
import { readDatasetWarnings } from "./get-dataset";
import { resolveLabel } from "./label-options";

/** GET /api/datasets/:id/notebook[?label=NAME[&problemType=TYPE]]: without a label, the notebook has no label section */
export const DatasetNotebookQuery = z.object({
  label: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  problemType: ProblemType.optional(),
});
export type DatasetNotebookQuery = z.input<typeof DatasetNotebookQuery>;

/**
 * A dataset's data-exploration notebook (.ipynb): its profile, data checks and suggested actions, and pandas code that
 * re-reads the stored CSV, checks its hash and recomputes the statistics; with a label, the label's balance, its checks
 * (imbalance, leakage) and each column's association with it.
 */
export async function getDatasetNotebook(ctx: StudioContext, datasetId: string, rawQuery: DatasetNotebookQuery = {}): Promise<{ fileName: string; notebook: string }> {
  const query = DatasetNotebookQuery.parse(rawQuery);
  const row = await ctx.store.getDataset(datasetId);
  if (!row) throw new NotFoundError("The dataset");
  const [warnings, dialect, label] = await Promise.all([readDatasetWarnings(ctx, row.id), readDialect(ctx, row.id), labelSection(ctx, row.id, query)]);
  const notebook = datasetNotebook({ dataset: toDatasetDto(row), dialect, missingTokens: DEFAULT_MISSING_TOKENS, warnings, label });
  return { fileName: `${safeFileStem(row.name, row.id)}-exploration.ipynb`, notebook };
}

/** the delimiter and encoding the parser chose, sniffed again from the stored file's head as parse-csv.ts does */
async function readDialect(ctx: StudioContext, datasetId: string): Promise<CsvDialect> {
  const key = keys.datasetRaw(datasetId);
  if (!(await ctx.blobs.exists(key))) return { delimiter: ",", encoding: "utf-8" };
  const file = await fs.open(await ctx.blobs.localPath(key));
  try {
    const total = (await file.stat()).size;
    const buffer = Buffer.alloc(Math.min(ENCODING_SNIFF_BYTES, total));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead);
    const encoding = detectEncoding(head, bytesRead >= total);
    const bom = encoding === "utf-8" && hasUtf8Bom(head);
    const text = new TextDecoder(encoding).decode(head.subarray(bom ? 3 : 0, SNIFF_BYTES));
    return { delimiter: detectDelimiter(text, total > SNIFF_BYTES), encoding };
  } finally {
    await file.close();
  }
}

async function labelSection(ctx: StudioContext, datasetId: string, query: z.output<typeof DatasetNotebookQuery>): Promise<LabelSection | null> {
  if (!query.label) return null;
  const { problemType } = await resolveLabel(ctx, datasetId, query.label, query.problemType);
  const { table, types } = await loadTable(await ctx.blobs.localPath(keys.datasetTable(datasetId)));
  const { associations, warnings } = labelWarnings(table, types, query.label, problemType);
  const { classes, missing } = labelValues(table, types, query.label, problemType);
  return { name: query.label, problemType, classes, missing, warnings, associations };
}

/** classification: each class (as written) with its rows, most first; and how many rows have no label */
function labelValues(table: Table, types: InferredType[], label: string, problemType: ProblemType): Pick<LabelSection, "classes" | "missing"> {
  const index = table.columns.findIndex((c) => c.name === label);
  const column = table.columns[index];
  if (problemType === "regression") {
    const values = numbersOf(column, types[index]?.type ?? "numeric");
    let missing = 0;
    for (const v of values) if (Number.isNaN(v)) missing++;
    return { classes: null, missing };
  }
  const at = stringAt(column);
  const counts = new Map<string, number>();
  let missing = 0;
  for (let r = 0; r < table.rowCount; r++) {
    const v = at(r);
    if (v === null) missing++;
    else counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const classes = [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { classes, missing };
}

/** a file-name stem from a dataset's name: ASCII letters, digits, dot, dash and underscore only; the id when nothing is left */
export function safeFileStem(name: string, fallback: string): string {
  const stem = name
    .replace(/\.csv$/i, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+|[._]+$/g, "")
    .slice(0, 80);
  return stem || fallback.replace(/[^A-Za-z0-9_-]+/g, "_");
}
