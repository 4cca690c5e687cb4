import { describe, expect, it } from "vitest";
import { inferColumnTypes, type InferredType } from "./infer-types";
import { parseCsvFile } from "./parse-csv";
import type { Table } from "./table";
import { dataset } from "./test-helpers";

const typeOf = (types: InferredType[], name: string) => types.find((t) => t.name === name)?.type;

function numbers(name: string, values: number[]) {
  return { name, kind: "number" as const, values: Float64Array.from(values) };
}
function strings(name: string, values: (string | null)[]) {
  const categories: string[] = [];
  const codes = Int32Array.from(values, (v) => {
    if (v === null) return -1;
    let i = categories.indexOf(v);
    if (i < 0) i = categories.push(v) - 1;
    return i;
  });
  return { name, kind: "string" as const, codes, categories };
}

describe("inferColumnTypes on the real datasets", () => {
  it("credit-g: numbers, integer codes, categories", async () => {
    const types = inferColumnTypes(await parseCsvFile(dataset("credit-g.csv")));
    expect(typeOf(types, "duration")).toBe("numeric");
    expect(typeOf(types, "credit_amount")).toBe("numeric");
    expect(typeOf(types, "installment_commitment")).toBe("categorical");
    expect(typeOf(types, "purpose")).toBe("categorical");
    expect(typeOf(types, "foreign_worker")).toBe("boolean");
    expect(typeOf(types, "class")).toBe("categorical");
    for (const t of types) expect(t.reason.length).toBeGreaterThan(5);
  });

  it("telco: 0/1 and Yes/No are boolean; charges numeric", async () => {
    const types = inferColumnTypes(await parseCsvFile(dataset("telco-churn.csv")));
    expect(typeOf(types, "senior_citizen")).toBe("boolean");
    expect(typeOf(types, "churn")).toBe("boolean");
    expect(typeOf(types, "total_charges")).toBe("numeric");
    expect(typeOf(types, "tenure")).toBe("numeric");
    expect(typeOf(types, "payment_method")).toBe("categorical");
  });

  it("seattle: date is datetime, weather categorical", async () => {
    const types = inferColumnTypes(await parseCsvFile(dataset("seattle-weather.csv")));
    expect(types.map((t) => t.type)).toEqual(["datetime", "numeric", "numeric", "numeric", "numeric", "categorical"]);
  });

  it("cars: Name is text (near-unique, with spaces), Year datetime, Cylinders codes", async () => {
    const types = inferColumnTypes(await parseCsvFile(dataset("cars.csv")));
    expect(typeOf(types, "Name")).toBe("text");
    expect(typeOf(types, "Year")).toBe("datetime");
    expect(typeOf(types, "Cylinders")).toBe("categorical");
    expect(typeOf(types, "Horsepower")).toBe("numeric");
    expect(typeOf(types, "Origin")).toBe("categorical");
  });

  it("shuttle: wide-range integers stay numeric", async () => {
    const types = inferColumnTypes(await parseCsvFile(dataset("shuttle.csv")));
    expect(types.slice(0, 9).every((t) => t.type === "numeric")).toBe(true);
    expect(typeOf(types, "Class")).toBe("categorical");
  });
});

describe("inferColumnTypes rules", () => {
  const n = 100;
  const seq = Array.from({ length: n }, (_, i) => i + 1);
  const table: Table = {
    rowCount: n,
    columns: [
      numbers("row", seq),
      numbers("customer_id", seq.map((i) => i * 7 + 3)),
      numbers("spread", seq.map((i) => i * 7 + 3)),
      numbers("children", seq.map((i) => i % 4)),
      numbers("amount", seq.map((i) => [0, 100, 1000, 5000][i % 4])),
      strings("code", seq.map((i) => `C${i}`)),
      strings("comment", seq.map((i) => `this is note ${i}`)),
      strings("color", seq.map((i) => (i % 5 === 0 ? null : ["red", "green"][i % 2]))),
      strings("member", seq.map((i) => (i % 7 === 0 ? null : ["Yes", "No", "yes"][i % 3]))),
      strings("maybe", seq.map((i) => ["Yes", "No", "Maybe"][i % 3])),
      numbers("flag", seq.map((i) => i % 2)),
    ],
  };
  const types = inferColumnTypes(table);
  it("tells identifiers, codes, amounts, text and categories apart", () => {
    expect(typeOf(types, "row")).toBe("identifier");
    expect(typeOf(types, "customer_id")).toBe("identifier");
    expect(typeOf(types, "spread")).toBe("numeric");
    expect(typeOf(types, "children")).toBe("categorical");
    expect(typeOf(types, "amount")).toBe("numeric");
    expect(typeOf(types, "code")).toBe("identifier");
    expect(typeOf(types, "comment")).toBe("text");
    expect(typeOf(types, "color")).toBe("categorical");
  });

  it("calls yes/no words and 0/1 numbers boolean, without the parser's formats", () => {
    expect(typeOf(types, "member")).toBe("boolean");
    expect(types.find((t) => t.name === "member")!.reason).toBe("every value is a yes/no word (No, Yes, yes)");
    expect(typeOf(types, "maybe")).toBe("categorical");
    expect(typeOf(types, "flag")).toBe("boolean");
  });
});
