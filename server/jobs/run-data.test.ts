import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRun } from "../usecases/create-run";
import { uploadDataset } from "../usecases/upload-dataset";
import { bodyOf, tempContext } from "../usecases/test-context";
import { keys } from "../storage/keys";
import type { CreateRunInput } from "../contracts/run";
import { Split, prepareRunData } from "./run-data";

let ctx: Awaited<ReturnType<typeof tempContext>>;
beforeEach(async () => {
  ctx = await tempContext();
});
afterEach(async () => ctx.dispose());

/** n rows: x, a customer id shared by 4 rows, a day in shuffled order, a label that follows x */
function csv(n: number): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const day = (i * 7919) % n; // a permutation: file order is not time order
    const date = new Date(Date.UTC(2020, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
    return `${i % 97},cust${Math.floor(i / 4)},${date},${i % 3 === 0 ? "yes" : "no"}`;
  });
  return ["x,customer,day,label", ...rows].join("\n") + "\n";
}

async function prepared(n: number, input: Partial<CreateRunInput>) {
  const dataset = await uploadDataset(ctx, { fileName: "d.csv", body: bodyOf(csv(n)) });
  const dto = await createRun(ctx, { datasetId: dataset.id, label: "label", maxTrials: 1, ...input });
  await prepareRunData(ctx, (await ctx.store.getRun(dto.id))!);
  const split = Split.parse(JSON.parse((await ctx.blobs.get(keys.runSplit(dto.id))).toString()));
  return { split, run: (await ctx.store.getRun(dto.id))! };
}

describe("a run's validation", () => {
  it("cross-validates small data: 5 stratified folds over the non-test rows, the test split held out", async () => {
    const { split, run } = await prepared(400, {});
    expect(run.validationPlan).toMatchObject({ kind: "cv", folds: 5, reason: expect.stringMatching(/320 rows .*below 5,000/) });
    expect(split.test).toHaveLength(80);
    expect(split.valid).toEqual([]);
    expect(split.folds).toHaveLength(5);
    expect(split.folds!.flat().sort((a, b) => a - b)).toEqual(split.train);
    for (const fold of split.folds!) expect(fold.length).toBe(64);
  });

  it("keeps the same test split whichever validation is chosen", async () => {
    const cv = await prepared(400, { validation: "cv" });
    const holdout = await prepared(400, { validation: "holdout" });
    expect(holdout.run.validationPlan).toMatchObject({ kind: "holdout" });
    expect(holdout.split.folds).toBeUndefined();
    expect(holdout.split.valid.length).toBe(80);
    expect(holdout.split.test).toEqual(cv.split.test);
  });

  it("uses a holdout split from 5,000 rows on", async () => {
    const { run } = await prepared(6500, {});
    expect(run.validationPlan).toMatchObject({ kind: "holdout", reason: expect.stringMatching(/5,200 rows/) });
  });

  it("splits in time order: the test split holds the latest days, validation the ones before", async () => {
    const { split, run } = await prepared(400, { timeColumn: "day" });
    expect(run.validationPlan).toMatchObject({ kind: "holdout", reason: expect.stringMatching(/time/) });
    // day d is row (d * 7919^-1) mod n; compare the days themselves
    const dayOf = (row: number) => (row * 7919) % 400;
    const max = (rows: number[]) => Math.max(...rows.map(dayOf));
    const min = (rows: number[]) => Math.min(...rows.map(dayOf));
    expect(max(split.train)).toBeLessThan(min(split.valid));
    expect(max(split.valid)).toBeLessThan(min(split.test));
  });

  it("keeps each group's rows together in the test split and in one fold", async () => {
    const { split } = await prepared(400, { groupColumn: "customer" });
    const group = (row: number) => Math.floor(row / 4);
    const testGroups = new Set(split.test.map(group));
    expect(split.train.some((r) => testGroups.has(group(r)))).toBe(false);
    const foldOf = new Map<number, number>();
    split.folds!.forEach((fold, f) => {
      for (const r of fold) {
        expect(foldOf.get(group(r)) ?? f).toBe(f);
        foldOf.set(group(r), f);
      }
    });
  });
});
