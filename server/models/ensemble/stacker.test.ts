import { describe, expect, it } from "vitest";
import { createRng } from "../../automl/rng";
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
