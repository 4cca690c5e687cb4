import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeError } from "./errors";
import { cleanFileName, uploadDataset } from "./upload-dataset";
import { listDatasets } from "./list-datasets";
import { getDataset } from "./get-dataset";
import { deleteDataset } from "./delete-dataset";
import { bodyOf, dataFiles, tempContext } from "./test-context";

const GOOD = "x,y,label\n1,2,a\n2,3,b\n3,4,a\n4,5,b\n5,6,a\n";

let ctx: Awaited<ReturnType<typeof tempContext>>;
beforeEach(async () => {
  ctx = await tempContext({ STUDIO_MAX_UPLOAD_MB: "0.001" }); // ~1 KB
});
afterEach(async () => ctx.dispose());

async function failure(text: string, name = "bad.csv") {
  const err = await uploadDataset(ctx, { fileName: name, body: bodyOf(text) }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).not.toBeNull();
  return describeError(err);
}

describe("upload-dataset", () => {
  it("stores, profiles and lists a good CSV", async () => {
    const ds = await uploadDataset(ctx, { fileName: encodeURIComponent("my data.csv"), body: bodyOf(GOOD) });
    expect(ds).toMatchObject({ name: "my data.csv", rowCount: 5, columnCount: 3 });
    expect(ds.columns.map((c) => c.name)).toEqual(["x", "y", "label"]);
    const list = await listDatasets(ctx);
    expect(list.datasets.map((d) => d.id)).toEqual([ds.id]);
    expect(list.dataDirBytes).toBeGreaterThan(0);
    const detail = await getDataset(ctx, ds.id);
    expect(detail.labels.find((l) => l.name === "label")?.problemType).toBe("binary");
    expect(detail.metrics.binary.default).toBeDefined();
  });

  it("refuses an empty file with a 400 and leaves no files", async () => {
    const { status, message } = await failure("");
    expect(status).toBe(400);
    expect(message).toMatch(/empty/i);
    expect(await dataFiles(ctx.dir)).toEqual([]);
  });

  it("refuses a one-column file", async () => {
    const { status, message } = await failure("only\n1\n2\n");
    expect(status).toBe(400);
    expect(message).toMatch(/one column/i);
  });

  it("refuses duplicate headers", async () => {
    const { status, message } = await failure("a,a,b\n1,2,3\n");
    expect(status).toBe(400);
    expect(message).toMatch(/unique|more than once/i);
  });

  it("refuses a file over the size limit, leaving earlier datasets and no partial files", async () => {
    const ok = await uploadDataset(ctx, { fileName: "ok.csv", body: bodyOf(GOOD) });
    const before = await dataFiles(ctx.dir);
    const big = "a,b\n" + "123456,654321\n".repeat(200);
    const { status, message } = await failure(big, "big.csv");
    expect(status).toBe(413);
    expect(message).toMatch(/larger than the limit/);
    expect(await dataFiles(ctx.dir)).toEqual(before);
    expect((await listDatasets(ctx)).datasets.map((d) => d.id)).toEqual([ok.id]);
  });

  it("deletes a dataset with its files", async () => {
    const ds = await uploadDataset(ctx, { fileName: "ok.csv", body: bodyOf(GOOD) });
    await deleteDataset(ctx, ds.id);
    expect((await listDatasets(ctx)).datasets).toEqual([]);
    expect(await dataFiles(ctx.dir)).toEqual([]);
    expect(describeError(await deleteDataset(ctx, ds.id).catch((e: unknown) => e)).status).toBe(404);
  });

  it("cleans file names", () => {
    expect(cleanFileName("..%2F..%2Fetc%2Fpasswd")).toBe("passwd");
    expect(cleanFileName(null)).toBe("dataset.csv");
    expect(cleanFileName("%E0%A4%A")).toBe("%E0%A4%A");
  });
});
