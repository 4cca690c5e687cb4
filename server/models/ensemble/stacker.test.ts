import { describe, expect, it } from "vitest";
import { createRng } from "../../automl/rng";
import { score } from "../../automl/estimation/metrics";
import type { Task } from "../family";
import { regressionTask } from "../shared/test-data";
import { stackingFeatures } from "./combine";
import { fitStacker } from "./stacker";

/** a target around `scale` (mean 1.3 scale, sd scale) and three members predicting it with independent noise of 0.15, 0.2 and 0.3 scale */
function members(scale: number, rows = 2000) {
  const rng = createRng(7);
  const y = Float32Array.from({ length: rows }, () => scale * (1.3 + rng.normal()));
  const preds = [0.15, 0.2, 0.3].map((noise) => Float32Array.from(y, (v) => v + scale * noise * rng.normal()));
  return { y, preds };
}

const rmse = (p: ArrayLike<number>, y: ArrayLike<number>) => Math.sqrt(Array.from(y, (v, i) => (p[i] - v) ** 2).reduce((a, b) => a + b, 0) / y.length);

describe("fitStacker on regression", () => {
  // members predicting in target units of thousands (diamonds' prices) once left the stacker at an RMSE five times its members'
  it.each([1, 4000])("beats its best member at target scale %d, out of fold and refit", async (scale) => {
    const { y, preds } = members(scale);
    const z = stackingFeatures(preds, regressionTask);
    const stacker = await fitStacker({ task: regressionTask, metric: "rmse", z, y, seed: 3 });
    const best = Math.min(...preds.map((p) => rmse(p, y)));
    // independent noise: the inverse-variance blend's error is 0.11 scale, against the best member's 0.15
    expect(rmse(stacker.oofPred, y) / scale).toBeLessThan(0.125);
    expect(rmse(stacker.oofPred, y)).toBeLessThan(0.85 * best);
    // the saved model takes stackingFeatures in raw units
    expect(rmse(stacker.model.predict(z), y) / scale).toBeLessThan(0.125);
  });

  it("scores the same at any target scale", async () => {
    const scores = await Promise.all(
      [1, 4000].map(async (scale) => {
        const { y, preds } = members(scale);
        const stacker = await fitStacker({ task: regressionTask, metric: "rmse", z: stackingFeatures(preds, regressionTask), y, seed: 3 });
        return rmse(stacker.oofPred, y) / scale;
      }),
    );
    expect(Math.abs(scores[0] - scores[1]) / scores[0]).toBeLessThan(0.01);
  });
});

describe("fitStacker on classification", () => {
  // shuttle's one boosted member (validation log loss 0.0005) once gave a stacker of 0.0042: from zero coefficients the
  // solver approached the large weights such log-probabilities need too slowly
  it("starts at its members' average, so one confident member is not lost", async () => {
    const task: Task = { type: "multiclass", classes: ["a", "b", "c", "d", "e"] };
    const rng = createRng(11);
    const rows = 3000;
    const y = Float32Array.from({ length: rows }, () => (rng.float() < 0.8 ? 0 : 1 + rng.int(0, 3)));
    // calibrated and sure: a row predicted at p is right with probability p, p from 0.999 to 1 - 1e-7
    const pred = new Float32Array(rows * 5);
    for (let i = 0; i < rows; i++) {
      const sure = 1 - 10 ** -(3 + 4 * rng.float());
      const top = rng.float() < sure ? y[i] : (y[i] + 1) % 5;
      for (let c = 0; c < 5; c++) pred[i * 5 + c] = c === top ? sure : (1 - sure) / 4;
    }
    const member = score("logloss", task, y, pred);
    const stacker = await fitStacker({ task, metric: "logloss", z: stackingFeatures([pred], task), y, seed: 5 });
    expect(score("logloss", task, y, stacker.oofPred)).toBeLessThan(1.1 * member);
    expect(score("logloss", task, y, stacker.model.predict(stackingFeatures([pred], task)))).toBeLessThan(1.1 * member);
  });
});
