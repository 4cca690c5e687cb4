import { describe, expect, it } from "vitest";
import { inferColumnTypes } from "./infer-types";
import { DataError, parseCsvFile } from "./parse-csv";
import { defaultMetric, detectProblemType, metricsFor, validateLabel } from "./problem-type";
import type { Table } from "./table";
import { dataset } from "./test-helpers";

async function detect(file: string, label: string) {
  const table = await parseCsvFile(dataset(file));
  const types = inferColumnTypes(table);
  const i = table.header.indexOf(label);
  return detectProblemType(table.columns[i], types[i].type);
}

describe("problem type", () => {
  it("detects the task of each real dataset's label", async () => {
    expect(await detect("credit-g.csv", "class")).toBe("binary");
    expect(await detect("telco-churn.csv", "churn")).toBe("binary");
    expect(await detect("shuttle.csv", "Class")).toBe("multiclass");
    expect(await detect("seattle-weather.csv", "weather")).toBe("multiclass");
    expect(await detect("cars.csv", "Miles_per_Gallon")).toBe("regression");
    expect(await detect("cars.csv", "Cylinders")).toBe("multiclass");
  });

  it("gives default and allowed metrics", () => {
    expect(defaultMetric("binary")).toBe("auc");
    expect(defaultMetric("multiclass")).toBe("logloss");
    expect(defaultMetric("regression")).toBe("rmse");
    expect(metricsFor("binary")).toEqual(["auc", "logloss", "accuracy", "balanced_accuracy", "f1", "pr_auc"]);
    expect(metricsFor("multiclass")).toEqual(["logloss", "accuracy", "balanced_accuracy"]);
    expect(metricsFor("regression")).toEqual(["rmse", "mae", "r2"]);
  });

  const table: Table = {
    rowCount: 3,
    columns: [
      { name: "x", kind: "number", values: Float64Array.from([1, 2, 3]) },
      { name: "empty", kind: "number", values: Float64Array.from([NaN, NaN, NaN]) },
      { name: "same", kind: "string", codes: Int32Array.from([0, 0, -1]), categories: ["a"] },
      { name: "word", kind: "string", codes: Int32Array.from([0, 1, 0]), categories: ["a", "b"] },
    ],
  };
  const cases: [string, "binary" | "regression", RegExp][] = [
    ["nope", "binary", /no column named "nope"/],
    ["empty", "binary", /the label column empty has no values/i],
    ["same", "binary", /only one class .*needs at least two/],
    ["word", "regression", /Regression needs a numeric label/],
  ];
  for (const [label, type, message] of cases) {
    it(`refuses label ${label} for ${type}`, () => {
      const run = () => validateLabel(table, label, type);
      expect(run).toThrow(DataError);
      expect(run).toThrow(message);
    });
  }
  it("accepts good labels", () => {
    expect(() => validateLabel(table, "x", "regression")).not.toThrow();
    expect(() => validateLabel(table, "word", "binary")).not.toThrow();
  });
});
