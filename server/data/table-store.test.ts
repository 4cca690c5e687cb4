import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inferColumnTypes } from "./infer-types";
import { parseCsvFile } from "./parse-csv";
import type { Column } from "./table";
import { loadTable, saveTable } from "./table-store";
import { dataset, tempDir } from "./test-helpers";

const bytesOf = (c: Column) => {
  const a = c.kind === "number" ? c.values : c.codes;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
};

describe("table store", () => {
  for (const file of ["telco-churn.csv", "cars.csv", "seattle-weather.csv"]) {
    it(`round-trips ${file} byte for byte, types included`, async () => {
      const parsed = await parseCsvFile(dataset(file));
      const types = inferColumnTypes(parsed);
      const dir = path.join(await tempDir(), "table");
      await saveTable(dir, parsed, types);
      const { table, types: loaded } = await loadTable(dir);
      expect(loaded).toEqual(types);
      expect(table.rowCount).toBe(parsed.rowCount);
      expect(table.columns.length).toBe(parsed.columns.length);
      table.columns.forEach((c, i) => {
        const orig = parsed.columns[i];
        expect(c.name).toBe(orig.name);
        expect(c.kind).toBe(orig.kind);
        // NaN bit patterns included
        expect(bytesOf(c).equals(bytesOf(orig))).toBe(true);
        if (c.kind === "string" && orig.kind === "string") expect(c.categories).toEqual(orig.categories);
      });
    });
  }

  it("refuses a tampered meta or a truncated column file", async () => {
    const parsed = await parseCsvFile(dataset("cars.csv"));
    const dir = await tempDir();
    await saveTable(dir, parsed, inferColumnTypes(parsed));
    await fs.truncate(path.join(dir, "col-1.f64"), 16);
    await expect(loadTable(dir)).rejects.toThrow(/expected 3248/);
    await fs.writeFile(path.join(dir, "meta.json"), JSON.stringify({ version: 1, rowCount: "x" }));
    await expect(loadTable(dir)).rejects.toThrow();
  });
});
