import path from "node:path";
import { describe, expect, it } from "vitest";
import { inferColumnTypes } from "./infer-types";
import { parseCsvFile } from "./parse-csv";
import { profileTable } from "./profile";
import type { Column } from "./table";
import { loadTable, saveTable } from "./table-store";
import { tempDir, tempFiles } from "./test-helpers";

/**
 * Files as people really upload them, through the whole upload path: parse, infer types, profile, store and load.
 * Plain quoting, CRLF/CR endings, ragged rows, duplicate names and Latin-1 are in parse-csv.test.ts.
 */

const col = (t: { columns: Column[] }, name: string) => {
  const c = t.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
};

/** parses, infers and profiles a file, stores the table and loads it back */
async function ingest(file: string) {
  const parsed = await parseCsvFile(file);
  const types = inferColumnTypes(parsed);
  const profile = profileTable(parsed, types);
  const dir = path.join(await tempDir(), "table");
  await saveTable(dir, parsed, types);
  const loaded = await loadTable(dir);
  return { parsed, types, profile, loaded };
}

const typeOf = (types: { name: string; type: string; reason: string }[], name: string) => types.find((t) => t.name === name);

describe("messy files", () => {
  it("quoted newlines: a value spanning lines across a read chunk boundary (1 MB is one), with doubled quotes, keeps row count and line numbers", async () => {
    const filler = "a,b\n" + "1,x\n".repeat(262_140); // just under 1 MB, so the quoted value below straddles the 1 MB boundary
    const cell = '"first line\nsecond ""quoted"" line\n\nafter a blank line"';
    const f = await tempFiles({
      "spans.csv": `${filler}2,${cell}\n3,y\n`,
      // the first quote comes only in the second chunk: rows before it count one line each, rows after it their newlines
      "ragged-after.csv": `${filler}2,${cell}\n3,y,extra\n`,
    });
    const { parsed, loaded } = await ingest(f("spans.csv"));
    expect(parsed.rowCount).toBe(262_142);
    const b = col(parsed, "b");
    expect(b.kind === "string" && b.categories).toEqual(["x", 'first line\nsecond "quoted" line\n\nafter a blank line', "y"]);
    expect(col(loaded.table, "b")).toEqual(b);
    const err = await parseCsvFile(f("ragged-after.csv")).catch((e: Error) => e);
    // header (1) + filler rows (262,140) + the 4-line value (lines 262,142 to 262,145): the ragged row is line 262,146
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^Line 262146 has 3 fields/);
  });

  it("mixed types in a column: numbers and words become strings, one category per number, typed by the string rules", async () => {
    // "1.50" comes before the first word and after it: one category either way, in the canonical form "1.5" that a
    // prediction file whose column stays numbers would also give
    const reading = (i: number) => (i % 4 === 3 ? "unknown" : `${i % 3}.50`);
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${reading(i)},${i % 2 ? "12" : "twelve"}`);
    const f = await tempFiles({ "mixed.csv": ["id,reading,count", ...rows].join("\n") });
    const { parsed, types, loaded } = await ingest(f("mixed.csv"));
    const c = col(parsed, "reading");
    expect(c.kind === "string" && c.categories).toEqual(["0.5", "1.5", "2.5", "unknown"]);
    expect(c.kind === "string" && Array.from(c.codes.slice(0, 8))).toEqual([0, 1, 2, 3, 1, 2, 0, 3]);
    expect(typeOf(types, "reading")).toEqual({ name: "reading", type: "categorical", reason: "text values with 4 distinct categories" });
    expect(typeOf(types, "count")).toEqual({ name: "count", type: "categorical", reason: "text values with 2 distinct categories" });
    expect(loaded.types).toEqual(types);
  });

  it("thousands of columns: 2,500 columns round-trip, each with its own name, kind and values", async () => {
    const width = 2500;
    const header = Array.from({ length: width }, (_, c) => `f${c}`);
    const rows = Array.from({ length: 30 }, (_, r) => header.map((_, c) => (c % 10 === 9 ? `k${(r + c) % 3}` : String(r * c))).join(","));
    const f = await tempFiles({ "wide.csv": [header.join(","), ...rows].join("\n") + "\n" });
    const { parsed, types, profile, loaded } = await ingest(f("wide.csv"));
    expect(parsed.rowCount).toBe(30);
    expect(parsed.header).toEqual(header);
    expect(types).toHaveLength(width);
    expect(profile).toHaveLength(width);
    expect(loaded.table.columns.map((c) => c.name)).toEqual(header);
    const last = col(loaded.table, "f2498");
    expect(last.kind === "number" && last.values[29]).toBe(29 * 2498);
    const words = col(loaded.table, "f2499");
    expect(words.kind === "string" && words.categories.length).toBe(3);
  });

  it("a 10-row file: parsed whole, and too short for a unique integer column to be called an identifier", async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i + 1},${(i * 1.5).toFixed(1)},${i % 2 ? "yes" : "no"}`);
    const f = await tempFiles({ "ten.csv": ["row,x,flag", ...rows].join("\n") });
    const { parsed, types, profile, loaded } = await ingest(f("ten.csv"));
    expect(parsed.rowCount).toBe(10);
    expect(typeOf(types, "row")?.type).toBe("numeric");
    expect(typeOf(types, "flag")?.type).toBe("boolean");
    expect(profile.find((p) => p.name === "x")?.stats).toMatchObject({ min: 0, max: 13.5 });
    expect(loaded.table.rowCount).toBe(10);
  });

  it("an all-missing column: every cell blank or a missing token, stored as missing, typed and profiled as empty", async () => {
    const tokens = ["", "NA", "null", "?", "N/A", "-", "NaN", "NULL"];
    const rows = Array.from({ length: 24 }, (_, i) => `${i % 5},${tokens[i % tokens.length]}`);
    const f = await tempFiles({ "empty-col.csv": ["a,nothing", ...rows].join("\n") });
    const { parsed, types, profile, loaded } = await ingest(f("empty-col.csv"));
    const nothing = col(parsed, "nothing");
    expect(nothing.kind === "number" && nothing.values.every((v) => Number.isNaN(v))).toBe(true);
    expect(typeOf(types, "nothing")?.reason).toBe("the column has no values");
    expect(profile.find((p) => p.name === "nothing")).toMatchObject({ missing: 24, distinct: 0, stats: null });
    const back = col(loaded.table, "nothing");
    expect(back.kind === "number" && back.values.length === 24 && back.values.every((v) => Number.isNaN(v))).toBe(true);
  });

  it("non-ASCII headers and values (é, 日本, emoji) round-trip through the store, emojis cut by read chunk boundaries included", async () => {
    const header = ["café", "日本の都市", "score 🎯", "naïve ✓"];
    // about 1.1 MB of rows with a 4-byte emoji each: some fall across read chunk boundaries
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i % 7 === 0 ? "crème" : "thé"},${["東京", "大阪", "京都"][i % 3]},${i % 10},🚀 lift-off №${i % 5}`);
    const text = "\uFEFF" + [header.join(","), ...rows].join("\r\n") + "\r\n";
    const f = await tempFiles({ "unicode.csv": text });
    const { parsed, loaded } = await ingest(f("unicode.csv"));
    expect(parsed.encoding).toBe("utf-8");
    expect(parsed.header).toEqual(header);
    expect(loaded.table.columns.map((c) => c.name)).toEqual(header);
    expect(loaded.types.map((t) => t.name)).toEqual(header);
    const city = col(loaded.table, "日本の都市");
    expect(city.kind === "string" && city.categories).toEqual(["東京", "大阪", "京都"]);
    const emoji = col(loaded.table, "naïve ✓");
    expect(emoji.kind === "string" && [...emoji.categories].sort()).toEqual([0, 1, 2, 3, 4].map((k) => `🚀 lift-off №${k}`));
    // no character was broken at a chunk boundary
    expect(parsed.columns.some((c) => c.kind === "string" && c.categories.some((v) => v.includes("\uFFFD")))).toBe(false);
  });

  it('headers that differ only in case ("Age", "age") are two distinct columns, kept apart through types, profile and store', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `${18 + ((i * 13) % 50)},${i % 2 ? "young" : "old"},${i * 12}`);
    const f = await tempFiles({ "case.csv": ["Age,age,AGE_months", ...rows].join("\n") });
    const { parsed, types, profile, loaded } = await ingest(f("case.csv"));
    expect(parsed.header).toEqual(["Age", "age", "AGE_months"]);
    expect(col(parsed, "Age").kind).toBe("number");
    expect(col(parsed, "age").kind).toBe("string");
    expect(types.map((t) => t.name)).toEqual(["Age", "age", "AGE_months"]);
    expect(typeOf(types, "Age")?.type).toBe("numeric");
    expect(typeOf(types, "age")?.type).toBe("categorical");
    expect(profile.map((p) => p.name)).toEqual(["Age", "age", "AGE_months"]);
    expect(loaded.table.columns.map((c) => [c.name, c.kind])).toEqual([["Age", "number"], ["age", "string"], ["AGE_months", "number"]]);
  });
});
