import { describe, expect, it } from "vitest";
import { defaultProbeCount, permutationProbe } from "./permutation-probe";
import { BINARY, REGRESSION, synthetic } from "./test-data";

describe("permutationProbe", () => {
  it("ranks the informative features above every probe (binary)", () => {
    const d = synthetic({ rows: 1000, informative: 4, noise: 30, task: BINARY, seed: 12 });
    const r = permutationProbe(d.x, d.y, BINARY, { seed: 1 });
    expect(r.probeImportance).toHaveLength(defaultProbeCount(34));
    expect(r.heldOutRows).toBe(300);
    expect(r.threshold).toBe(Math.max(0, ...r.probeImportance));
    for (const j of d.informative) expect(r.importance[j]).toBeGreaterThan(r.threshold);
    const noiseAbove = Array.from(r.importance).filter((v, j) => !d.informative.includes(j) && v > r.threshold).length;
    expect(noiseAbove).toBeLessThanOrEqual(3);
  });

  it("uses the squared error for regression, and a quantile below 1 is a lower bar", () => {
    const d = synthetic({ rows: 600, informative: 3, noise: 20, task: REGRESSION, seed: 13 });
    const best = permutationProbe(d.x, d.y, REGRESSION, { seed: 2 });
    const q = permutationProbe(d.x, d.y, REGRESSION, { seed: 2, probeQuantile: 0.5 });
    expect(q.threshold).toBeLessThanOrEqual(best.threshold);
    for (const j of d.informative) expect(best.importance[j]).toBeGreaterThan(best.threshold);
    expect(best.baseLoss).toBeGreaterThan(0.5); // the target has unit noise variance
    expect(() => permutationProbe(d.x, d.y, REGRESSION, { seed: 2, probeQuantile: 0 })).toThrow(/probeQuantile/);
  });

  it("is deterministic for a seed", () => {
    const d = synthetic({ rows: 300, informative: 2, noise: 10, task: BINARY, seed: 14 });
    const a = permutationProbe(d.x, d.y, BINARY, { seed: 3 });
    const b = permutationProbe(d.x, d.y, BINARY, { seed: 3 });
    expect(Array.from(a.importance)).toEqual(Array.from(b.importance));
    expect(a.threshold).toBe(b.threshold);
  });
});
