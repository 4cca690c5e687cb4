import { describe, expect, it } from "vitest";
import { applySelection, fitSelection, SELECTION_METHODS, SelectionState, suggestSelection, type SelectionMethod } from "./select";
import { BINARY, MULTICLASS, REGRESSION, synthetic } from "./test-data";
import type { Task } from "../../models/family";

const METHODS: SelectionMethod[] = ["mutual_info", "l1", "permutation_probe"];

function verdict(state: SelectionState, informative: number[]) {
  const keptInformative = state.kept.filter((j) => informative.includes(j)).length;
  return { keptInformative, keptNoise: state.kept.length - keptInformative };
}

describe("fitSelection on 5 informative + 200 noise features (binary, 1,500 rows)", () => {
  const data = synthetic({ rows: 1500, informative: 5, noise: 200, task: BINARY, seed: 11 });
  for (const method of METHODS) {
    it(`${method} keeps at least 4 informative features and at most 20 noise ones`, () => {
      const state = fitSelection({ x: data.x, y: data.y, task: BINARY, featureNames: data.featureNames, method, seed: 5 });
      const { keptInformative, keptNoise } = verdict(state, data.informative);
      expect(keptInformative).toBeGreaterThanOrEqual(4);
      expect(keptNoise).toBeLessThanOrEqual(20);
      // every dropped feature says why, every kept one has no reason
      for (const f of state.features) expect(f.kept ? f.reason === null : typeof f.reason === "string" && f.reason.length > 0).toBe(true);
      // the informative features outscore the noise on average
      const mean = (js: number[]) => js.reduce((s, j) => s + (state.features[j].score ?? 0), 0) / js.length;
      const noise = state.features.map((_, j) => j).filter((j) => !data.informative.includes(j));
      expect(mean(data.informative)).toBeGreaterThan(5 * Math.max(mean(noise), 1e-6));
    });
  }
});

describe("fitSelection on other tasks (3 informative + 60 noise, 800 rows)", () => {
  const cases: [string, Task][] = [
    ["regression", REGRESSION],
    ["multiclass", MULTICLASS],
  ];
  for (const [name, task] of cases) {
    const data = synthetic({ rows: 800, informative: 3, noise: 60, task, seed: 21 });
    for (const method of METHODS) {
      it(`${name}: ${method} keeps the informative features and little noise`, () => {
        const state = fitSelection({ x: data.x, y: data.y, task, featureNames: data.featureNames, method, seed: 1 });
        const { keptInformative, keptNoise } = verdict(state, data.informative);
        expect(keptInformative).toBe(3);
        expect(keptNoise).toBeLessThanOrEqual(6);
      });
    }
  }
});

describe("SelectionState", () => {
  const data = synthetic({ rows: 400, informative: 3, noise: 12, task: BINARY, seed: 31 });
  const base = { x: data.x, y: data.y, task: BINARY, featureNames: data.featureNames, seed: 9 };

  it("survives a JSON round trip for every method", () => {
    for (const method of SELECTION_METHODS) {
      const state = fitSelection({ ...base, method });
      const back = SelectionState.parse(JSON.parse(JSON.stringify(state)));
      expect(back).toEqual(state);
      expect(back.method).toBe(method);
      expect(back.features).toHaveLength(15);
    }
  });

  it("applySelection picks the kept columns, in input order", () => {
    const state = fitSelection({ ...base, method: "l1" });
    expect(state.kept.length).toBeGreaterThan(0);
    const out = applySelection(state, data.x);
    expect(out.rows).toBe(400);
    expect(out.cols).toBe(state.kept.length);
    for (const i of [0, 17, 399]) {
      state.kept.forEach((j, t) => expect(out.data[i * out.cols + t]).toBe(data.x.data[i * data.x.cols + j]));
    }
    expect(state.keptNames).toEqual(state.kept.map((j) => data.featureNames[j]));
    expect(() => applySelection(state, { rows: 1, cols: 3, data: new Float32Array(3) })).toThrow(/15 features/);
  });

  it("none keeps everything with no scores", () => {
    const state = fitSelection({ ...base, method: "none" });
    expect(state.kept).toEqual(Array.from({ length: 15 }, (_, j) => j));
    expect(state.features.every((f) => f.score === null && f.kept && f.reason === null)).toBe(true);
    expect(applySelection(state, data.x).data).toEqual(data.x.data);
  });

  it("is deterministic for a seed", () => {
    for (const method of ["mutual_info", "permutation_probe"] as const) {
      expect(fitSelection({ ...base, method })).toEqual(fitSelection({ ...base, method }));
    }
  });

  it("maxFeatures keeps the best-scoring and says why the others went", () => {
    const state = fitSelection({ ...base, method: "mutual_info", maxFeatures: 2, options: { alpha: 1 } });
    expect(state.kept).toHaveLength(2);
    const keptScores = state.kept.map((j) => state.features[j].score!);
    const dropped = state.features.filter((f) => !f.kept);
    for (const f of dropped) {
      expect(f.score!).toBeLessThanOrEqual(Math.min(...keptScores));
      expect(f.reason).toMatch(/at most 2 features|no more than with a shuffled label/);
    }
    expect(dropped.filter((f) => /at most 2 features/.test(f.reason!)).length).toBeGreaterThan(0);
  });

  it("drops constant columns, keeps one feature when nothing passes, and rejects bad input", () => {
    const x = { rows: 50, cols: 3, data: new Float32Array(150) };
    for (let i = 0; i < 50; i++) x.data[i * 3 + 1] = i % 7; // columns 0 and 2 are constant
    const y = Float32Array.from({ length: 50 }, (_, i) => (i * 7919) % 2);
    const state = fitSelection({ x, y, task: BINARY, featureNames: ["a", "b", "c"], method: "mutual_info", seed: 1 });
    expect(state.features[0].reason).toBe("constant in the training rows");
    expect(state.kept).toEqual([1]);
    expect(state.notes.join(" ")).toMatch(/no feature passed/);

    expect(() => fitSelection({ ...base, featureNames: ["a"], method: "l1" })).toThrow(/feature names/);
    expect(() => fitSelection({ ...base, y: base.y.map(() => 2), method: "l1" })).toThrow(/class code/);
    expect(() => fitSelection({ ...base, method: "l1", maxFeatures: 0 })).toThrow(/maxFeatures/);
  });

  it("copes with tiny inputs (0 to 12 rows) for every method and task", () => {
    for (const task of [BINARY, REGRESSION, MULTICLASS]) {
      for (const rows of [0, 1, 3, 12]) {
        const d = synthetic({ rows, informative: 2, noise: 2, task, seed: rows + 1 });
        for (const method of SELECTION_METHODS) {
          const state = fitSelection({ x: d.x, y: d.y, task, featureNames: d.featureNames, method, seed: 1 });
          expect(state.kept.length).toBeGreaterThanOrEqual(1);
        }
      }
    }
  });

  it("samples the rows above maxRows and records it", () => {
    const state = fitSelection({ ...base, method: "mutual_info", options: { maxRows: 200 } });
    expect(state.rowsUsed).toBe(200);
    expect(state.notes.join(" ")).toMatch(/sample of 200 of the 400/);
  });

  it("the schema rejects an inconsistent state", () => {
    const state = fitSelection({ ...base, method: "l1" });
    expect(() => SelectionState.parse({ ...state, kept: [...state.kept, 14].filter((v, i, a) => a.indexOf(v) === i) })).toThrow();
    expect(() => SelectionState.parse({ ...state, keptNames: state.keptNames.map((n) => n + "x") })).toThrow();
  });

  it("is a hyperparameter: suggestSelection asks for one of SELECTION_METHODS", () => {
    const asked: [string, readonly unknown[]][] = [];
    const suggest = {
      choice: <T,>(name: string, choices: readonly T[]) => {
        asked.push([name, choices]);
        return choices[2];
      },
    } as unknown as Parameters<typeof suggestSelection>[0];
    expect(suggestSelection(suggest)).toBe("l1");
    expect(asked).toEqual([["feature_selection", SELECTION_METHODS]]);
  });
});
