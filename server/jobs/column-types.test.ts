import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { ColumnType } from "../contracts/dataset";
import { PreprocessOptions } from "../data/preprocess";
import { loadConfig } from "../config";
import { createContext, type StudioContext } from "../context";
import { createRun } from "../usecases/create-run";
import { uploadDataset } from "../usecases/upload-dataset";
import { prepareFold, refitRows } from "./candidate-data";
import { loadRunData, prepareRunData } from "./run-data";

const CREDIT = path.resolve(__dirname, "../../../shared/datasets/credit-g.csv");

let ctx: StudioContext;
let dir: string;
let datasetId: string;
let inferred: Map<string, ColumnType>;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "column-types-"));
  ctx = await createContext(loadConfig({ STUDIO_DATA_DIR: dir, DATABASE_URL: "" }));
  const dataset = await uploadDataset(ctx, { fileName: "credit-g.csv", body: createReadStream(CREDIT) });
  datasetId = dataset.id;
  inferred = new Map((await ctx.store.getDataset(datasetId))!.columns.map((c) => [c.name, c.type]));
});

afterEach(async () => {
  await ctx.close();
  await fs.rm(dir, { recursive: true, force: true });
});

/** the fitted preprocessing of a new run with these overrides */
async function preprocessingWith(columnTypes?: Record<string, ColumnType>) {
  const dto = await createRun(ctx, { datasetId, label: "class", maxTrials: 1, columnTypes });
  const run = (await ctx.store.getRun(dto.id))!;
  await prepareRunData(ctx, run);
  const data = await loadRunData(ctx, run);
  return prepareFold(data, refitRows(data), { preprocessing: DEFAULT_OPTIONS, featureSelection: "none" }, run.seed).preprocessing;
}

const DEFAULT_OPTIONS = PreprocessOptions.parse({});

const stepOf = (p: Awaited<ReturnType<typeof preprocessingWith>>, name: string) => p.columns.find((c) => c.name === name);
const featuresOf = (p: Awaited<ReturnType<typeof preprocessingWith>>, name: string) => p.featureNames.filter((f) => f === name || f.startsWith(`${name}=`) || f.startsWith(`${name}.`) || f.startsWith(`${name}__`));

it("fits the preprocessing on the types the user chose", async () => {
  expect(inferred.get("installment_commitment")).toBe("categorical");
  expect(inferred.get("age")).toBe("numeric");
  const asInferred = await preprocessingWith();
  expect(stepOf(asInferred, "installment_commitment")?.kind).toBe("categorical");
  expect(featuresOf(asInferred, "installment_commitment").length).toBeGreaterThan(1);

  const overridden = await preprocessingWith({ installment_commitment: "numeric", age: "categorical", purpose: "identifier", duration: "text" });
  // categories 1..4 become one scaled number
  expect(stepOf(overridden, "installment_commitment")?.kind).toBe("numeric");
  expect(featuresOf(overridden, "installment_commitment")).toEqual(["installment_commitment"]);
  // a column stored as numbers, typed categorical: one-hot of its values as strings
  expect(stepOf(overridden, "age")?.kind).toBe("categorical");
  expect(featuresOf(overridden, "age")).toContain("age=27");
  // identifier columns are excluded; free text becomes hashed word counts
  expect(stepOf(overridden, "purpose")?.kind).toBe("dropped");
  expect(featuresOf(overridden, "purpose")).toEqual([]);
  expect(stepOf(overridden, "duration")?.kind).toBe("text");
  // the other columns are as inferred
  expect(stepOf(overridden, "credit_amount")).toEqual(stepOf(asInferred, "credit_amount"));
});
