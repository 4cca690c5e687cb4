import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LabelReportDto, LabelReportQuery } from "../contracts/dataset-api";
import { getDataset } from "./get-dataset";
import { getLabelReport } from "./get-label-report";
import { bodyOf, statusOf, tempContext } from "./test-context";
import { uploadDataset } from "./upload-dataset";

let ctx: Awaited<ReturnType<typeof tempContext>>;
beforeEach(async () => {
  ctx = await tempContext();
});
afterEach(async () => ctx.dispose());


/**
 * 200 rows: a row number, a feature that partly tells the outcome, a copy of the outcome under another name (a leak), a constant, a numeric score,
 * the outcome (4 "rare" rows: severe imbalance) and the last 20 rows repeating earlier ones.
 */
function csv(): string {
  const lines = ["id,feature,status_code,const,score,outcome"];
  for (let i = 0; i < 200; i++) {
    const j = i < 180 ? i : i - 20;
    const outcome = j % 45 === 0 ? "rare" : j % 3 === 0 ? "b" : "a";
    lines.push(`${i + 1},${(outcome === "b" ? 3 : 0) + (j % 5)},${outcome.toUpperCase()},1,${j / 4},${outcome}`);
  }
  return lines.join("\n") + "\n";
}

describe("get-label-report", () => {
  it("reports associations, imbalance and leakage for the label; the dataset carries its own warnings", async () => {
    const ds = await uploadDataset(ctx, { fileName: "leaky.csv", body: bodyOf(csv()) });

    const detail = await getDataset(ctx, ds.id);
    expect(detail.warnings.map((w) => `${w.kind}:${w.column ?? "-"}`)).toEqual(["identifier:id", "constant:const", "duplicates:-"]);
    expect(detail.warnings[2].message).toMatch(/^20 rows repeat an earlier row/);

    const report = await getLabelReport(ctx, ds.id, { label: "outcome" });
    LabelReportDto.parse(report);
    expect(report).toMatchObject({ label: "outcome", problemType: "multiclass" });
    expect(report.warnings.map((w) => `${w.kind}:${w.column}`)).toEqual(["imbalance:outcome", "leakage:status_code"]);
    expect(report.warnings[0].message).toMatch(/rare 4 rows \(2%\)/);
    expect(report.associations.map((a) => a.column).slice(0, 2)).toEqual(["status_code", "feature"]);
    expect(report.associations.map((a) => a.column).slice(2).sort()).toEqual(["const", "id", "score"]);
    expect(report.associations[4].column).toBe("id"); // not a feature: last
    expect(report.associations[0].mutualInformation).toBeCloseTo(1, 3);
    expect(report.associations.find((a) => a.column === "const")!.mutualInformation).toBe(0);
    expect(report.associations.find((a) => a.column === "id")!.mutualInformation).toBeNull();

    // another label, and a problem type given instead of detected
    const byScore = await getLabelReport(ctx, ds.id, { label: "score", problemType: "regression" });
    expect(byScore.problemType).toBe("regression");
    expect(byScore.associations.map((a) => a.column)).not.toContain("score");
  });

  it("recomputes the dataset warnings when their file is missing", async () => {
    const ds = await uploadDataset(ctx, { fileName: "leaky.csv", body: bodyOf(csv()) });
    const file = path.join(ctx.dir, "datasets", ds.id, "warnings.json");
    const first = (await getDataset(ctx, ds.id)).warnings;
    await fs.rm(file);
    expect((await getDataset(ctx, ds.id)).warnings).toEqual(first);
    await fs.access(file);
  });

  it("answers 404 for an unknown dataset and 400 for a bad label or query", async () => {
    const ds = await uploadDataset(ctx, { fileName: "leaky.csv", body: bodyOf(csv()) });
    expect(await statusOf(getLabelReport(ctx, "nope", { label: "outcome" }))).toBe(404);
    expect(await statusOf(getLabelReport(ctx, ds.id, { label: "nope" }))).toBe(400);
    expect(await statusOf(getLabelReport(ctx, ds.id, { label: "const", problemType: "binary" }))).toBe(400); // one class
    expect(await statusOf(getLabelReport(ctx, ds.id, { label: "outcome", problemType: "regression" }))).toBe(400); // text
    expect(LabelReportQuery.safeParse({}).success).toBe(false);
    expect(LabelReportQuery.safeParse({ label: "x", problemType: "ranking" }).success).toBe(false);
    expect(LabelReportQuery.parse({ label: "x" })).toEqual({ label: "x" });
  });
});
