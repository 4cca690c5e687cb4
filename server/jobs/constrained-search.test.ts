/**
 * Steering away from infeasible candidates, cheaply: the real search space of the default families and the real
 * proposal path (proposeTrial, as the coordinator calls it), with a synthetic score (syntheticScore) and a synthetic
 * archive size that grows with each family's capacity. The size limit is the median size of 200 random candidates,
 * so half of the space breaks it; after its first 20 trials the search should propose feasible candidates.
 */
import { describe, expect, it } from "vitest";
import type { RunRow, TrialRow } from "../db/store";
import { DEFAULT_FAMILIES } from "../contracts/run";
import { getFamily } from "../models/registry";
import { Study } from "../automl/study";
import { createStrategy } from "../automl/strategies";
import { MemoryTrialStore } from "../automl/store/memory-trial-store";
import { candidateSpace, chosenFamily, splitParams } from "./candidate-space";
import { proposeTrial } from "./propose";
import { checkConstraints } from "./serving-constraints";
import { syntheticScore } from "./testing/synthetic-objective";
import type { Params } from "../automl/space/suggest";

const TRIALS = 40;
/**
 * Ten seeds, judged by their mean: one seed's 20 trials are a coarse draw (a share moves in steps of 5%), and the
 * three seeds this test once judged one by one straddled the line by luck (on 9f5ac60 seeds 0-9 gave 75-95%, mean
 * 87%; once linear models and networks stopped drawing "none" for scaling, whose synthetic score is a term of its
 * own, 65-100%, mean 82%)
 */
const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const FEATURES = 30;
const ROWS = 5000;

/** bytes a candidate's archive would take: its weights or tree nodes (a few bytes each) on top of a fixed part */
function syntheticArchiveBytes(params: Params, families: readonly string[]): number {
  const p = splitParams(params).family as Record<string, number | string | boolean>;
  const n = (name: string) => Number(p[name]);
  switch (chosenFamily(params, families)) {
    case "mlp": {
      const units = Array.from({ length: n("depth") }, (_, i) => n(`units_${i}`));
      const weights = [FEATURES, ...units, 1].reduce((sum, width, i, all) => (i === 0 ? 0 : sum + all[i - 1] * width), 0);
      return 20_000 + 4 * weights;
    }
    case "gbdt": {
      const leaves = p.growth === "depthwise" ? 2 ** n("max_depth") : n("max_leaves");
      // early stopping trains about 1 / learning rate rounds
      return 20_000 + 40 * leaves * Math.min(1000, 3 / n("learning_rate"));
    }
    case "forest": {
      const leaves = Math.min(ROWS / n("min_samples_leaf"), p.limit_depth ? 2 ** n("max_depth") : Infinity);
      return 20_000 + 40 * leaves * n("n_estimators");
    }
    default:
      return 20_000 + 8 * FEATURES;
  }
}

const families = [...DEFAULT_FAMILIES];
const space = candidateSpace(families.map(getFamily), { type: "binary", classes: [] });

/** the median archive size of 200 candidates drawn at random from the space */
async function medianRandomSize(): Promise<number> {
  const study = new Study({ studyId: "random", strategy: createStrategy("random"), direction: "maximize", seed: 99, store: new MemoryTrialStore(), batchSize: 1 });
  const sizes: number[] = [];
  for (let n = 0; n < 200; n++) {
    const proposal = (await study.ask(n, space))!;
    sizes.push(syntheticArchiveBytes(proposal.params, families));
    await study.tell(n, 0.5);
  }
  sizes.sort((a, b) => a - b);
  return (sizes[99] + sizes[100]) / 2;
}

/** a run of TRIALS trials under the size limit, each finished (as a worker would) before the next is proposed */
async function constrainedRun(seed: number, maxArchiveBytes: number): Promise<TrialRow[]> {
  const run = { id: `constrained-${seed}`, problemType: "binary", metric: "auc", strategy: "tpe", scheduler: "none", estimation: "full", seed, families, maxArchiveBytes, maxPredictMsPer1k: null, maxTrainSeconds: null } as unknown as RunRow;
  const trials: TrialRow[] = [];
  for (let number = 0; number < TRIALS; number++) {
    const proposal = (await proposeTrial(run, trials, number))!;
    const costs = { archiveBytes: syntheticArchiveBytes(proposal.params, families), predictMsPer1k: null, trainSeconds: null };
    trials.push({ id: `t${number}`, number, family: proposal.family, params: proposal.params, status: "done", valScore: syntheticScore(proposal.params), ...costs, infeasibleReason: checkConstraints(run, costs).reason } as unknown as TrialRow);
  }
  return trials;
}

describe("a size limit that excludes half of the space", () => {
  it("leaves at least 80% of TPE's trials after the 20th feasible, on average over ten seeds", async () => {
    const limit = await medianRandomSize();
    const shares = [];
    for (const seed of SEEDS) {
      const trials = await constrainedRun(seed, limit);
      const feasible = (ts: TrialRow[]) => ts.filter((t) => t.infeasibleReason === null).length / ts.length;
      const families = [...new Set(trials.slice(20).map((t) => t.family))].map((f) => `${f} ${trials.slice(20).filter((t) => t.family === f).length}`);
      shares.push({ seed, first20: feasible(trials.slice(0, 20)), after20: feasible(trials.slice(20)), families: families.join(", "), best: Math.max(...trials.filter((t) => t.infeasibleReason === null).map((t) => t.valScore as number)) });
    }
    console.log(`size limit ${Math.round(limit)} bytes (median of 200 random candidates); feasible share of trials 1-20 / 21-40 by seed:`);
    for (const s of shares) console.log(`  seed ${s.seed}: ${(100 * s.first20).toFixed(0)}% / ${(100 * s.after20).toFixed(0)}% (trials 21-40: ${s.families}) best ${s.best.toFixed(4)}`);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(shares.map((s) => s.after20))).toBeGreaterThanOrEqual(0.8);
    // the steering: the search proposes feasible candidates more often once it has seen which break the limit
    expect(mean(shares.map((s) => s.after20))).toBeGreaterThan(mean(shares.map((s) => s.first20)) + 0.1);
  }, 60_000);
});
