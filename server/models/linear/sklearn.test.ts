import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { Params } from "../../automl/space/suggest";
import type { FitInput, FitResult } from "../family";
import { linearFamily } from "./index";
import type { FittedLinear } from "./model";
import { binaryData, multiclassData, regressionData, sparseData, withoutValidation } from "./test-data";

/**
 * The solutions against scikit-learn's (closed-form Ridge, coordinate-descent Lasso/ElasticNet, L-BFGS
 * LogisticRegression) on the same data, with their penalties converted to this family's mean-loss terms. Skipped
 * where python3 with scikit-learn is missing.
 */

const PYTHON = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const hasSklearn = spawnSync(PYTHON, ["-c", "import sklearn, numpy"], { stdio: "ignore" }).status === 0;

/**
 * Reads cases from stdin, prints each one's coefficients (rows per output) and intercepts. This family minimises
 * mean_w(loss) + alpha (r |w|_1 + (1 - r)/2 |w|^2), regression on the target standardised by its (population) sd s:
 * - Ridge minimises sum_w (y - Xw)^2 + a |w|^2: a = alpha * sum(w);
 * - ElasticNet/Lasso minimise 1/(2n) |y - Xw|^2 + a r' |w|_1 + a (1 - r')/2 |w|^2 on y itself: in its units the L1
 *   term scales with s and the L2 term does not, so a r' = alpha r s and a (1 - r') = alpha (1 - r);
 * - LogisticRegression minimises C sum_w loss + |w|^2 / 2: C = 1 / (alpha * sum(w)).
 */
const SCRIPT = `
import json, sys, warnings
import numpy as np
warnings.filterwarnings("ignore")
from sklearn.linear_model import Ridge, ElasticNet, Lasso, LogisticRegression
out = []
for c in json.load(sys.stdin):
    X = np.array(c["x"], dtype=np.float64).reshape(c["rows"], c["cols"])
    y = np.array(c["y"], dtype=np.float64)
    w = None if c["w"] is None else np.array(c["w"], dtype=np.float64)
    sw = len(y) if w is None else w.sum()
    a, r = c["alpha"], c["l1_ratio"]
    if c["kind"] == "regression":
        if r == 0:
            m = Ridge(alpha=a * sw, solver="cholesky").fit(X, y, sample_weight=w)
        else:
            s = y.std()
            total = a * r * s + a * (1 - r)
            m = (Lasso(alpha=total, tol=1e-12, max_iter=100000) if r == 1 else ElasticNet(alpha=total, l1_ratio=a * r * s / total, tol=1e-12, max_iter=100000)).fit(X, y)
        out.append({"coef": [m.coef_.tolist()], "intercept": [float(m.intercept_)]})
    else:
        m = LogisticRegression(C=1 / (a * sw), tol=1e-12, max_iter=100000, multi_class="multinomial" if c["kind"] == "multiclass" else "auto").fit(X, y, sample_weight=w)
        out.append({"coef": m.coef_.tolist(), "intercept": m.intercept_.tolist()})
json.dump(out, sys.stdout)
`;

interface Case {
  input: FitInput;
  params: Params;
  l1Ratio: number;
  tolerance: number;
}

function sklearn(cases: Case[]): { coef: number[][]; intercept: number[] }[] {
  const payload = cases.map(({ input, params, l1Ratio }) => ({
    kind: input.task.type,
    rows: input.xTrain.rows,
    cols: input.xTrain.cols,
    x: Array.from(input.xTrain.data),
    y: Array.from(input.yTrain),
    w: input.sampleWeight ? Array.from(input.sampleWeight) : null,
    alpha: params.alpha,
    l1_ratio: l1Ratio,
  }));
  const res = spawnSync(PYTHON, ["-c", SCRIPT], { input: JSON.stringify(payload), maxBuffer: 1 << 28, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`scikit-learn failed: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

/** softmax intercepts are defined up to a shift common to all classes: compare them centred */
const centred = (v: number[]) => (v.length > 1 ? v.map((x) => x - v.reduce((a, b) => a + b, 0) / v.length) : v);

describe.skipIf(!hasSklearn)("linear family against scikit-learn", () => {
  it("ridge, lasso, elastic net, logistic and multinomial solutions match", async () => {
    const weights = (n: number) => Float32Array.from({ length: n }, (_, i) => 0.5 + (i % 4));
    const reg = regressionData(1500);
    const bin = binaryData(1500);
    const cases: Case[] = [
      { input: reg, params: { penalty: "l2", alpha: 1e-3 }, l1Ratio: 0, tolerance: 1e-4 },
      { input: reg, params: { penalty: "l2", alpha: 0.3 }, l1Ratio: 0, tolerance: 1e-4 },
      { input: { ...reg, sampleWeight: weights(reg.yTrain.length) }, params: { penalty: "l2", alpha: 0.05 }, l1Ratio: 0, tolerance: 1e-4 },
      { input: sparseData(), params: { penalty: "l1", alpha: 0.05 }, l1Ratio: 1, tolerance: 1e-4 },
      { input: sparseData(), params: { penalty: "elasticnet", alpha: 0.05, l1_ratio: 0.4 }, l1Ratio: 0.4, tolerance: 1e-4 },
      { input: bin, params: { penalty: "l2", alpha: 1e-3 }, l1Ratio: 0, tolerance: 1e-3 },
      { input: { ...bin, sampleWeight: weights(bin.yTrain.length) }, params: { penalty: "l2", alpha: 1e-2 }, l1Ratio: 0, tolerance: 1e-3 },
      { input: multiclassData(), params: { penalty: "l2", alpha: 1e-3 }, l1Ratio: 0, tolerance: 1e-3 },
    ];
    const expected = sklearn(cases);
    for (const [i, c] of cases.entries()) {
      // no validation rows: training runs to convergence of the penalised objective
      const res = (await linearFamily.fit(withoutValidation(c.input), c.params, { seed: 1, metric: "rmse", deadline: Infinity, onEpoch: async () => "continue" })) as FitResult & {
        model: FittedLinear;
      };
      expect(res.reason).toBe("converged");
      const { coef, intercept } = res.model.coefficients();
      const want = expected[i];
      expect(coef).toHaveLength(want.coef.length);
      let worst = 0;
      coef.forEach((row, k) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - want.coef[k][j])))));
      const ours = centred(Array.from(intercept));
      centred(want.intercept).forEach((v, k) => (worst = Math.max(worst, Math.abs(v - ours[k]))));
      expect(worst, `case ${i}: ${JSON.stringify(c.params)}`).toBeLessThan(c.tolerance);
      // the lasso's zeros are scikit-learn's zeros
      if (c.l1Ratio === 1) coef[0].forEach((v, j) => expect(v === 0).toBe(want.coef[0][j] === 0));
    }
  });
});
