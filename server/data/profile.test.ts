import { describe, expect, it } from "vitest";
import { ColumnProfile } from "../contracts/dataset";
import { inferColumnTypes } from "./infer-types";
import { parseCsvFile } from "./parse-csv";
import { profileTable } from "./profile";
import { dataset } from "./test-helpers";

describe("profileTable", () => {
  it("profiles telco-churn: missing counts, stats, histogram, top values", async () => {
    const table = await parseCsvFile(dataset("telco-churn.csv"));
    const profiles = profileTable(table, inferColumnTypes(table));
    for (const p of profiles) ColumnProfile.parse(p);
    const tc = profiles.find((p) => p.name === "total_charges")!;
    expect(tc.missing).toBe(11);
    expect(tc.histogram!.counts.length).toBe(20);
    expect(tc.histogram!.edges.length).toBe(21);
    expect(tc.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(7043 - 11);
    expect(tc.stats!.min).toBeLessThan(tc.stats!.mean);
    expect(tc.topValues).toBeNull();
    const contract = profiles.find((p) => p.name === "contract")!;
    expect(contract.distinct).toBe(3);
    expect(contract.topValues![0]).toEqual({ value: "Month-to-month", count: expect.any(Number) });
    expect(contract.topValues!.reduce((a, v) => a + v.count, 0)).toBe(7043);
    const churn = profiles.find((p) => p.name === "churn")!;
    expect(churn.type).toBe("boolean");
    expect(churn.topValues!.map((v) => v.value).sort()).toEqual(["No", "Yes"]);
    const senior = profiles.find((p) => p.name === "senior_citizen")!;
    expect(senior.type).toBe("boolean");
    expect(senior.topValues!.map((v) => v.value).sort()).toEqual(["0", "1"]);
  });

  it("profiles a datetime column with stats in ms and caps top values at 10", async () => {
    const table = await parseCsvFile(dataset("seattle-weather.csv"));
    const profiles = profileTable(table, inferColumnTypes(table));
    const date = profiles[0];
    expect(date.stats!.min).toBe(Date.UTC(2012, 0, 1));
    expect(date.distinct).toBe(1461);
    const cars = await parseCsvFile(dataset("cars.csv"));
    const name = profileTable(cars, inferColumnTypes(cars)).find((p) => p.name === "Name")!;
    expect(name.topValues!.length).toBe(10);
  });
});
