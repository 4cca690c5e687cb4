import { describe, expect, it } from "vitest";
import { score } from "../../automl/estimation/metrics";
import { permutationImportance } from "../../automl/explain/permutation-importance";
import { createRng } from "../../automl/rng";
import type { FitInput, FittedModel, Matrix } from "../family";
import { forestFamily } from "../forest";
import { gbdtFamily } from "../gbdt";
import { binaryData, categoricalData, multiclassData, regressionData } from "../gbdt/test-data";
import { additivePartialPredictor, predictAdditive, type AdditiveParts } from "./additive-parts";
import { ctx } from "./fit-harness";

/** `copies` stacked copies of x, each with `cols` shuffled by its own row permutation */
function shuffledCopies(x: Matrix, cols: number[], copies: number, seed: number): Matrix {
  const rng = createRng(seed);
  const data = new Float32Array(copies * x.data.length);
  for (let c = 0; c < copies; c++) {
    data.set(x.data, c * x.data.length);
    for (let r = 0; r < x.rows; r++) {
      const from = rng.int(0, x.rows - 1);
      for (const col of cols) data[c * x.data.length + r * x.cols + col] = x.data[from * x.cols + col];
    }
  }
  return { rows: copies * x.rows, cols: x.cols, data };
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

const cases: [string, () => FitInput, typeof gbdtFamily][] = [
  ["gbdt binary", binaryData, gbdtFamily],
  ["gbdt multiclass", multiclassData, gbdtFamily],
  ["gbdt regression", regressionData, gbdtFamily],
  ["gbdt categorical splits", categoricalData, gbdtFamily],
  ["forest binary", binaryData, forestFamily],
  ["forest multiclass", multiclassData, forestFamily],
  ["forest regression", regressionData, forestFamily],
];

describe("partial prediction of tree ensembles", () => {
  it.each(cases)("%s: re-predicting shuffled columns from the trees that read them equals predicting afresh", async (_name, data, family) => {
    const input = data();
    const { model } = await family.fit(input, family.defaultParams(input.task), ctx(input.task.type === "regression" ? "rmse" : "logloss").ctx);
    const partial = model.partialPredictor!(input.xVal);
    const scale = input.task.type === "regression" ? 1e-4 : 1e-6;
    for (const cols of [[0], [1, 2], [5 % input.xVal.cols]]) {
      const x = shuffledCopies(input.xVal, cols, 3, cols[0] + 1);
      expect(maxAbsDiff(partial.predict(x, cols), model.predict(x))).toBeLessThan(scale);
    }
    // nothing changed: the base rows' own predictions
    expect(maxAbsDiff(partial.predict(input.xVal, []), model.predict(input.xVal))).toBeLessThan(scale);
    expect(() => partial.predict({ rows: input.xVal.rows + 1, cols: input.xVal.cols, data: new Float32Array((input.xVal.rows + 1) * input.xVal.cols) }, [0])).toThrow(
      /whole copies of the \d+ x \d+ base rows/,
    );
  });

  it("recomputes only the parts that read a changed column", () => {
    // three parts on one output: part 0 reads column 0, part 1 columns 1 and 2, part 2 nothing (a constant)
    const added: number[] = [];
    const model: AdditiveParts = {
      count: 3,
      columns: (i) => [[0], [1, 2], []][i],
      start: (rows) => new Float64Array(rows),
      add(i, x, sums) {
        added.push(i);
        for (let r = 0; r < x.rows; r++) sums[r] += i === 0 ? x.data[r * 3] : i === 1 ? x.data[r * 3 + 1] * x.data[r * 3 + 2] : 10;
      },
      finish: (sums) => Float32Array.from(sums),
    };
    const base: Matrix = { rows: 2, cols: 3, data: Float32Array.of(1, 2, 3, 4, 5, 6) };
    const partial = additivePartialPredictor(model, base);
    added.length = 0;
    const changed: Matrix = { rows: 4, cols: 3, data: Float32Array.of(1, 5, 3, 4, 2, 6, 1, 2, 6, 4, 5, 3) };
    expect([...partial.predict(changed, [1, 2])]).toEqual([...predictAdditive(model, changed)]);
    // part 1 once on the base rows (its contribution is taken out) and once on the changed ones; parts 0 and 2 not at all
    expect(added.slice(0, 2)).toEqual([1, 1]);
    added.length = 0;
    expect([...partial.predict(base, [])]).toEqual([1 + 6 + 10, 4 + 30 + 10]);
    expect(added).toEqual([]);
  });

  it("permutation importance of a boosted model is the same with and without partial prediction", async () => {
    const input = binaryData();
    const { model } = await gbdtFamily.fit(input, gbdtFamily.defaultParams(input.task), ctx("auc").ctx);
    const common = {
      predict: (x: Matrix) => model.predict(x),
      x: input.xVal,
      y: input.yVal,
      groups: Array.from({ length: 6 }, (_, c) => ({ name: `x${c}`, cols: [c] })),
      scoreOf: (pred: Float32Array, y: Float32Array) => score("auc", input.task, y, pred),
      greaterIsBetter: true,
      seed: 3,
    };
    const plain = permutationImportance(common);
    const fast = permutationImportance({ ...common, partialPredictor: (b: Matrix) => (model as FittedModel).partialPredictor!(b) });
    expect(fast.importance.map((g) => g.name)).toEqual(plain.importance.map((g) => g.name));
    fast.importance.forEach((g, i) => {
      expect(g.mean).toBeCloseTo(plain.importance[i].mean, 6);
      expect(g.std).toBeCloseTo(plain.importance[i].std, 6);
    });
    // the label is x0 + x1 * x2: those three columns matter, the noise columns hardly
    expect(fast.importance.slice(0, 3).map((g) => g.name).sort()).toEqual(["x0", "x1", "x2"]);
  });
});
