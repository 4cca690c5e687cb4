import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOSTILE_FILE_NAME, HOSTILE_HEADERS, HOSTILE_LABEL, hostileCsv } from "../export/notebook/testing/notebook-fixtures";
import { compareCandidates } from "./compare-candidates";
import { compareCsv } from "./compare-csv";
import { tempContext, trainRun } from "./test-context";

/**
 * A comparison of candidates trained on a CSV whose headers and values hold quotes, newlines, formulas' first
 * characters, unicode and an injection attempt; regression of its numeric column, so that the models' predictions
 * always differ somewhere and the example rows (with their hostile inputs) are written.
 */
const LABEL = "{amount}";
let ctx: Awaited<ReturnType<typeof tempContext>>;
let ids: string[] = [];

beforeAll(async () => {
  ctx = await tempContext();
  const runId = await trainRun(ctx, hostileCsv(240), HOSTILE_FILE_NAME, { label: LABEL, families: ["gbdt", "linear"], maxTrials: 2, seed: 3, validation: "holdout" });
  const done = (await ctx.store.listTrials(runId)).filter((t) => t.status === "done");
  ids = ["gbdt", "linear", "ensemble"].map((family) => done.find((t) => t.family === family)!.id);
}, 300_000);

afterAll(async () => ctx?.dispose());

/** what a CSV cell holds for text: as written, with a leading quote where a spreadsheet would run it as a formula */
const asCell = (s: string) => (/^[=+\-@\t\r]/.test(s) && !/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s) ? `'${s}` : s);

describe("compare-csv", () => {
  it("round-trips through papaparse: one column per candidate, hostile names and values stay data", async () => {
    const query = { trials: ids.join(",") };
    const dto = await compareCandidates(ctx, query);
    const { fileName, csv } = await compareCsv(ctx, query);
    expect(fileName).toBe(`comparison-${dto.candidates.map((c) => c.trial.number).join("-")}.csv`);
    const parsed = Papa.parse<string[]>(csv.trimEnd());
    expect(parsed.errors).toEqual([]);
    const [header, ...rows] = parsed.data;
    expect(header).toEqual(["section", "name", ...dto.candidates.map((c) => c.title)]);
    for (const r of rows) expect(r).toHaveLength(header.length);
    const row = (section: string, name: string) => rows.find((r) => r[0] === section && r[1] === name);

    expect(row("candidate", "id")!.slice(2)).toEqual(ids);
    expect(row("validation", dto.metric)!.slice(2)).toEqual(dto.candidates.map((c) => String(c.trial.valMetrics![dto.metric])));
    expect(row("cost", "parameters")!.slice(2)).toEqual(dto.candidates.map((c) => String(c.trial.paramCount ?? "")));
    for (const p of dto.params) expect(row("hyperparameter", asCell(p.name))!.slice(2)).toEqual(p.values.map((v) => (v === null ? "" : typeof v === "string" ? asCell(v) : String(v))));

    // model inputs are named after the CSV's hostile headers: each one's row, name intact
    expect(dto.features.length).toBeGreaterThan(0);
    for (const f of dto.features) expect(row("feature kept", asCell(f.name))!.slice(2)).toEqual(f.values.map((v) => (v === null ? "" : v ? "kept" : "dropped")));
    const featureNames = dto.features.map((f) => f.name).join("\n");
    expect(HOSTILE_HEADERS.filter((h) => h !== "class" && featureNames.includes(h)).length).toBeGreaterThan(3);

    // example rows: the hostile values and headers of the inputs, the truth under the hostile label's name
    const d = dto.disagreement!;
    expect(row("disagreement", "rows compared")![2]).toBe(String(d.rows));
    expect(d.examples.length).toBeGreaterThan(0);
    expect(d.meanAbsDifference).toBeGreaterThan(0);
    // regression: the rows whose predictions spread most, most first
    const spreads = d.examples.map((e) => Math.max(...(e.predictions as number[])) - Math.min(...(e.predictions as number[])));
    expect(spreads).toEqual([...spreads].sort((a, b) => b - a));
    for (const e of d.examples) {
      const section = `example: data row ${e.row + 1}`;
      expect(row(section, `true ${LABEL}`)![2]).toBe(e.truth);
      expect(e.inputs.map((x) => x.column)).toContain(HOSTILE_LABEL);
      for (const input of e.inputs) expect(row(section, asCell(`input ${input.column}`))![2]).toBe(input.value === null ? "" : asCell(input.value));
    }
  });
});
