import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { DataError, LineEndings, parseCsvFile } from "./parse-csv";
import type { Column } from "./table";
import { dataset, tempFiles } from "./test-helpers";

const col = (t: { columns: Column[] }, name: string) => {
  const c = t.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
};
const missingCount = (c: Column) =>
  c.kind === "number" ? c.values.filter((v) => Number.isNaN(v)).length : c.codes.filter((v) => v < 0).length;

describe("parseCsvFile on the real datasets", () => {
  it("credit-g: 1000 x 21, numbers and strings", async () => {
    const t = await parseCsvFile(dataset("credit-g.csv"));
    expect(t.rowCount).toBe(1000);
    expect(t.columns.length).toBe(21);
    expect(t.header[20]).toBe("class");
    expect(col(t, "duration").kind).toBe("number");
    const cls = col(t, "class");
    expect(cls.kind === "string" && [...cls.categories].sort()).toEqual(["bad", "good"]);
    // own_telephone is yes/none: not a boolean pair, stays a string
    expect(col(t, "own_telephone").kind).toBe("string");
    expect(t.formats.foreign_worker).toBe("boolean");
    const fw = col(t, "foreign_worker");
    expect(fw.kind === "string" && [...fw.categories].sort()).toEqual(["no", "yes"]);
    const raw = await fs.readFile(dataset("credit-g.csv"));
    expect(t.sha256).toBe(createHash("sha256").update(raw).digest("hex"));
    expect(t.sizeBytes).toBe(raw.length);
    expect(t.delimiter).toBe(",");
  });

  it("shuttle: 58000 rows, parsed in well under 2 s, with progress", async () => {
    let last = 0;
    const start = performance.now();
    const t = await parseCsvFile(dataset("shuttle.csv"), { onProgress: (b) => (last = b) });
    const ms = performance.now() - start;
    expect(t.rowCount).toBe(58000);
    expect(t.columns.length).toBe(10);
    expect(t.columns.slice(0, 9).every((c) => c.kind === "number")).toBe(true);
    const cls = col(t, "Class");
    expect(cls.kind === "string" && cls.categories.length).toBe(7);
    expect(last).toBe(t.sizeBytes);
    expect(ms).toBeLessThan(2000);
  });

  it("telco-churn: the blank total_charges are missing numbers", async () => {
    const t = await parseCsvFile(dataset("telco-churn.csv"));
    expect(t.rowCount).toBe(7043);
    expect(t.columns.length).toBe(20);
    const tc = col(t, "total_charges");
    expect(tc.kind).toBe("number");
    expect(missingCount(tc)).toBe(11);
    expect(t.formats.churn).toBe("boolean");
    // yes/no words keep the user's strings; 0/1 stays numbers
    const churn = col(t, "churn");
    expect(churn.kind === "string" && [...churn.categories].sort()).toEqual(["No", "Yes"]);
    expect(col(t, "senior_citizen").kind).toBe("number");
    expect(col(t, "contract").kind).toBe("string");
  });

  it("seattle-weather: the YYYY/MM/DD date becomes ms since epoch", async () => {
    const t = await parseCsvFile(dataset("seattle-weather.csv"));
    expect(t.rowCount).toBe(1461);
    expect(t.columns.length).toBe(6);
    const d = col(t, "date");
    expect(t.formats.date).toBe("datetime");
    expect(t.dateFormats.date).toBe("ymd-slash");
    expect(d.kind === "number" && d.values[0]).toBe(Date.UTC(2012, 0, 1));
  });

  it("cars: semicolon-delimited, ISO date Year, missing Horsepower and labels", async () => {
    const t = await parseCsvFile(dataset("cars.csv"));
    expect(t.delimiter).toBe(";");
    expect(t.rowCount).toBe(406);
    expect(t.columns.length).toBe(9);
    expect(t.formats.Year).toBe("datetime");
    expect(missingCount(col(t, "Miles_per_Gallon"))).toBe(8);
    expect(missingCount(col(t, "Horsepower"))).toBeGreaterThan(0);
    expect(col(t, "Name").kind).toBe("string");
  });
});

describe("parseCsvFile on small files", () => {
  it("strips a BOM, detects tab and pipe, reads quoted fields and custom missing tokens", async () => {
    const f = await tempFiles({
      "bom.csv": "\uFEFF\"id\",b\n1,x\n2,y\n",
      "tab.tsv": "a\tb\tc\n1\t2\t3\n4\t5\t6\n",
      "pipe.csv": "a|b\n1|\"p|q\"\n2|r\n",
      "missing.csv": "a,b\n1,missing\n2,NA\n-,3\n",
      "multiline.csv": 'a,b\n1,"two\nlines"\n2,x\n',
      "crlf.csv": "a,b\r\n1,x\r\n2,y\r\n",
    });
    const crlf = await parseCsvFile(f("crlf.csv"));
    expect(crlf.rowCount).toBe(2);
    expect(crlf.columns[1].kind === "string" && crlf.columns[1].categories).toEqual(["x", "y"]);
    const bom = await parseCsvFile(f("bom.csv"));
    expect(bom.header).toEqual(["id", "b"]);
    expect((await parseCsvFile(f("tab.tsv"))).columns.length).toBe(3);
    const pipe = await parseCsvFile(f("pipe.csv"));
    expect(pipe.delimiter).toBe("|");
    expect(pipe.columns[1].kind === "string" && pipe.columns[1].categories).toEqual(["p|q", "r"]);
    const custom = await parseCsvFile(f("missing.csv"), { missingTokens: ["missing"] });
    // with custom tokens NA is a value and "-" is text, so column a becomes strings
    expect(custom.columns[1].kind === "string" && custom.columns[1].categories).toEqual(["NA", "3"]);
    const ml = await parseCsvFile(f("multiline.csv"));
    expect(ml.rowCount).toBe(2);
  });

  it("reads a Latin-1 (Windows-1252) file: accents in headers and values come back, and the encoding is recorded", async () => {
    const text = "café;größe;Straße\nnaïve;1,5;Müller\nréservé;2;Weiß\n";
    const f = await tempFiles({ "latin1.csv": Buffer.from(text, "latin1"), "utf8.csv": text });
    const t = await parseCsvFile(f("latin1.csv"));
    expect(t.encoding).toBe("windows-1252");
    expect(t.header).toEqual(["café", "größe", "Straße"]);
    const first = col(t, "café");
    expect(first.kind === "string" && first.categories).toEqual(["naïve", "réservé"]);
    const last = col(t, "Straße");
    expect(last.kind === "string" && last.categories).toEqual(["Müller", "Weiß"]);
    expect(t.columns.some((c) => c.kind === "string" && c.categories.some((v) => v.includes("\uFFFD")))).toBe(false);
    const u = await parseCsvFile(f("utf8.csv"));
    expect(u.encoding).toBe("utf-8");
    expect(u.header).toEqual(t.header);
  });

  it("reads a Latin-1 file larger than one read chunk, and Windows-1252 characters such as € and curly quotes", async () => {
    const row = "Zürich,€ 5,\u201Cgrüß\u201D\n";
    const text = "Ort,Preis,Gruß\n" + row.repeat(60_000); // about 1.1 MB: several read chunks
    const bytes = Uint8Array.from(text, (ch) => (ch === "€" ? 0x80 : ch === "\u201C" ? 0x93 : ch === "\u201D" ? 0x94 : ch.charCodeAt(0)));
    const f = await tempFiles({ "big-latin1.csv": bytes });
    const t = await parseCsvFile(f("big-latin1.csv"));
    expect(t.encoding).toBe("windows-1252");
    expect(t.rowCount).toBe(60_000);
    expect(t.header).toEqual(["Ort", "Preis", "Gruß"]);
    const c = col(t, "Gruß");
    expect(c.kind === "string" && c.categories).toEqual(["\u201Cgrüß\u201D"]);
    const p = col(t, "Preis");
    expect(p.kind === "string" && p.categories).toEqual(["€ 5"]);
  });

  it("keeps UTF-8 when a multi-byte character is cut by the 64 KB sniff window", async () => {
    // 65535 ASCII bytes, then "é" (2 bytes) straddles the 64 KB boundary
    const pad = "x".repeat(65535 - "a,b\n".length - 2);
    const text = "a,b\n" + pad + ",1é\n";
    const f = await tempFiles({ "cut.csv": text });
    expect(Buffer.byteLength(text.slice(0, text.indexOf("é")))).toBe(65535);
    const t = await parseCsvFile(f("cut.csv"));
    expect(t.encoding).toBe("utf-8");
    expect(t.rowCount).toBe(1);
    const a = col(t, "b");
    expect(a.kind === "string" && a.categories).toEqual(["1é"]);
  });

  it("reads files that mix CRLF, LF and CR line endings, including in quoted values", async () => {
    const f = await tempFiles({
      "crlf-header.csv": "a,b,c\r\n1,x,3\n4,y,6\n7,z,9\n",
      "lf-header.csv": "a,b,c\n1,x,3\r\n4,y,6\r\n7,z,9",
      "cr.csv": "a,b,c\r1,x,3\r4,y,6\r\n7,z,9\r",
      "quoted.csv": 'a,b,c\r\n1,"two\r\nlines",3\n4,"and\rmore",6\n7,z,9\r\n',
    });
    for (const name of ["crlf-header.csv", "lf-header.csv", "cr.csv"]) {
      const t = await parseCsvFile(f(name));
      expect(t.rowCount, name).toBe(3);
      expect(t.header, name).toEqual(["a", "b", "c"]);
      const b = col(t, "b");
      expect(b.kind === "string" && b.categories, name).toEqual(["x", "y", "z"]);
      const c = col(t, "c");
      expect(c.kind === "number" && Array.from(c.values), name).toEqual([3, 6, 9]);
    }
    const q = await parseCsvFile(f("quoted.csv"));
    expect(q.rowCount).toBe(3);
    const b = col(q, "b");
    expect(b.kind === "string" && b.categories).toEqual(["two\nlines", "and\nmore", "z"]);
    // a ragged row after mixed endings still names its true line
    const g = await tempFiles({ "ragged.csv": 'a,b\r\n1,"x\r\ny"\n2,3,4\n' });
    await expect(parseCsvFile(g("ragged.csv"))).rejects.toThrow(/Line 4 has 3 fields/);
  });

  it("turns line endings into LF across chunk boundaries, a CRLF cut in two included", () => {
    const chunks = ["a,b\r", "\n1,2\r", "3,4\n\r", "\r\n5,6\r"];
    const n = new LineEndings();
    const out = chunks.map((c) => n.push(c)).join("") + n.end();
    expect(out).toBe("a,b\n1,2\n3,4\n\n\n5,6\n");
    const m = new LineEndings();
    expect(m.push("x\r") + m.end("\ny")).toBe("x\ny");
  });

  const bad: [string, string | Uint8Array, RegExp][] = [
    ["empty.csv", "", /empty/],
    ["blank.csv", "\n\n  \n", /empty/],
    ["header-only.csv", "a,b\n", /no data rows/],
    ["binary.bin", Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14, 0, 1, 2, 3]), /not a text CSV/],
    ["ragged.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n", /Line 3 has 2 fields but the header has 3/],
    ["ragged-after-multiline.csv", 'a,b\n1,"x\ny"\n2,3,4\n', /Line 4 has 3 fields/],
    ["one-column.csv", "only\n1\n2\n", /at least two columns: features and a label/],
    ["dups.csv", "a,b,a,c,c\n1,2,3,4,5\n", /more than once: a, c/],
  ];
  for (const [name, content, message] of bad) {
    it(`refuses ${name} with a clear DataError`, async () => {
      const f = await tempFiles({ [name]: content });
      const err = await parseCsvFile(f(name)).catch((e) => e);
      expect(err).toBeInstanceOf(DataError);
      expect(err.message).toMatch(message);
    });
  }

  it("refuses a file over maxBytes, saying the limit", async () => {
    const f = await tempFiles({ "big.csv": "a,b\n" + "1,2\n".repeat(1000) });
    const err = await parseCsvFile(f("big.csv"), { maxBytes: 1024 }).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(/limit of 1\.0 KB/);
  });
});
