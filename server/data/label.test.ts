import { describe, expect, it } from "vitest";
import { encodeLabel } from "./label";
import { parseCsvFile } from "./parse-csv";
import { dataset } from "./test-helpers";

describe("encodeLabel", () => {
  it("codes shuttle's 7 classes in sorted order", async () => {
    const table = await parseCsvFile(dataset("shuttle.csv"));
    const { y, classes, rowsWithLabel } = encodeLabel(table, "Class", "multiclass");
    expect(classes).toEqual([...classes].sort());
    expect(classes.length).toBe(7);
    expect(rowsWithLabel.length).toBe(58000);
    expect(classes[y[1]]).toBe("High");
  });

  it("names telco's Yes/No churn classes by their words, sorted", async () => {
    const table = await parseCsvFile(dataset("telco-churn.csv"));
    const { y, classes, rowsWithLabel } = encodeLabel(table, "churn", "binary");
    expect(classes).toEqual(["No", "Yes"]);
    expect(rowsWithLabel.length).toBe(7043);
    // data rows 0 and 2 of the file are "No" and "Yes"
    expect(classes[y[0]]).toBe("No");
    expect(classes[y[2]]).toBe("Yes");
  });

  it("keeps regression targets and skips missing labels (cars)", async () => {
    const table = await parseCsvFile(dataset("cars.csv"));
    const { y, classes, rowsWithLabel } = encodeLabel(table, "Miles_per_Gallon", "regression");
    expect(classes).toEqual([]);
    expect(y[0]).toBe(18);
    expect(rowsWithLabel.length).toBe(406 - 8);
    expect(Array.from(rowsWithLabel).every((r) => !Number.isNaN(y[r]))).toBe(true);
  });

  it("sorts numeric classes numerically", () => {
    const table = { rowCount: 4, columns: [{ name: "k", kind: "number" as const, values: Float64Array.from([10, 2, NaN, 2]) }] };
    const { y, classes, rowsWithLabel } = encodeLabel(table, "k", "multiclass");
    expect(classes).toEqual(["2", "10"]);
    expect(Array.from(y)).toEqual([1, 0, NaN, 0]);
    expect(Array.from(rowsWithLabel)).toEqual([0, 1, 3]);
  });
});
