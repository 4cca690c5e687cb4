import { describe, expect, it } from "vitest";
import { createRng } from "../../automl/rng";
import { objectiveFor, type Objective } from "./objective";
import { TrainingScores } from "./scores";
import { binaryTask, regressionTask } from "../shared/test-data";

const multiclass = objectiveFor({ type: "multiclass", classes: ["a", "b", "c", "d"] });

/** gradients, hessians and loss of an objective at `scores` */
function at(objective: Objective, scores: TrainingScores, y: Float32Array, refresh: boolean, w?: Float32Array) {
  const grad = new Float64Array(scores.raw.length);
  const hess = new Float64Array(scores.raw.length);
  const loss = objective.gradients(scores, y, w, grad, hess, refresh);
  return { grad, hess, loss };
}

describe("objectives", () => {
  it("start from the log-odds, log priors and mean of the weighted targets", () => {
    const y = Float32Array.of(1, 0, 0, 1);
    const w = Float32Array.of(3, 1, 1, 1);
    expect(objectiveFor(binaryTask).baseScore(y, w)[0]).toBeCloseTo(Math.log(4 / 2), 12);
    expect(objectiveFor(regressionTask).baseScore(Float32Array.of(1, 2, 3, 4), w)[0]).toBeCloseTo(12 / 6, 12);
    const prior = multiclass.baseScore(Float32Array.of(0, 0, 1, 3), undefined);
    expect(Array.from(prior.slice(0, 2))).toEqual([Math.log(0.5), Math.log(0.25)]);
    expect(prior[2]).toBeCloseTo(Math.log(1e-7), 9); // an absent class starts finite
  });

  it("binary: gradient p - y and hessian p(1 - p), times the weight; loss the weighted log-loss", () => {
    const scores = new TrainingScores(2, Float64Array.of(0), true);
    scores.raw.set([0.5, -2]);
    const { grad, hess, loss } = at(objectiveFor(binaryTask), scores, Float32Array.of(1, 0), true, Float32Array.of(2, 1));
    const p = [1 / (1 + Math.exp(-0.5)), 1 / (1 + Math.exp(2))];
    expect(grad[0]).toBeCloseTo(2 * (p[0] - 1), 14);
    expect(hess[1]).toBeCloseTo(p[1] * (1 - p[1]), 14);
    expect(loss).toBeCloseTo(-2 * Math.log(p[0]) - Math.log(1 - p[1]), 12);
  });

  it("multiclass: softmax gradients, hessians scaled by k / (k - 1), output-major", () => {
    const scores = new TrainingScores(2, new Float64Array(4), true);
    scores.raw.set([1, 0, 0, -1, 0, 0, 0, 0]);
    const { grad, hess } = at(multiclass, scores, Float32Array.of(0, 2), true);
    const e = [Math.E, 1, 1, Math.exp(-1)];
    const p0 = e.map((v) => v / (e[0] + e[1] + e[2] + e[3]));
    expect(grad[0]).toBeCloseTo(p0[0] - 1, 14); // class 0, row 0
    expect(grad[3 * 2 + 0]).toBeCloseTo(p0[3], 14); // class 3, row 0
    expect(grad[2 * 2 + 1]).toBeCloseTo(0.25 - 1, 14); // class 2, row 1
    expect(hess[1 * 2 + 0]).toBeCloseTo((4 / 3) * p0[1] * (1 - p0[1]), 14);
  });

  for (const [name, objective, k] of [["binary", objectiveFor(binaryTask), 1], ["multiclass", multiclass, 4]] as const) {
    it(`${name}: exps kept by leaf factors give the gradients of exps recomputed from the raw scores`, () => {
      const rng = createRng(3);
      const n = 50;
      const y = Float32Array.from({ length: n }, () => rng.int(0, k === 1 ? 1 : k - 1));
      const kept = new TrainingScores(n, new Float64Array(k), true);
      at(objective, kept, y, true);
      for (let round = 0; round < 30; round++) {
        for (let j = 0; j < n * k; j++) {
          const v = rng.normal(0, 0.5);
          kept.raw[j] += v;
          kept.exp![j] *= Math.exp(v);
        }
      }
      const fresh = new TrainingScores(n, new Float64Array(k), true);
      fresh.raw.set(kept.raw);
      const a = at(objective, kept, y, false);
      const b = at(objective, fresh, y, true);
      for (let j = 0; j < n * k; j++) {
        expect(a.grad[j]).toBeCloseTo(b.grad[j], 12);
        expect(a.hess[j]).toBeCloseTo(b.hess[j], 12);
      }
      expect(a.loss).toBeCloseTo(b.loss, 10);
    });
  }

  it("recomputes exps that left the safe range, and stays finite at extreme raw scores", () => {
    const binary = new TrainingScores(2, Float64Array.of(0), true);
    binary.raw.set([800, -800]);
    binary.exp!.set([Infinity, 0]);
    const b = at(objectiveFor(binaryTask), binary, Float32Array.of(1, 0), false);
    expect(Array.from(b.grad)).toEqual([0, 0]);
    expect(Number.isFinite(b.loss)).toBe(true);

    const multi = new TrainingScores(1, new Float64Array(4), true);
    multi.raw.set([900, 0, 0, 0]);
    multi.exp!.set([1e300, 1, 1, 1]); // a product of leaf factors run past the range
    const m = at(multiclass, multi, Float32Array.of(1), false);
    expect(m.grad[0]).toBe(1);
    expect(m.grad[1]).toBe(-1);
    expect(multi.exp![0]).toBe(1); // rewritten from the raw scores, shifted by the row's largest
  });
});
