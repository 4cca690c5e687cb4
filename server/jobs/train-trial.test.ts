import { describe, expect, it } from "vitest";
import type { Estimate } from "./estimate-candidate";
import { ending } from "./train-trial";

/** an estimate of 5 folds, every one run to early stopping, refit on 900 rows unless changed */
const estimate = (changes: Partial<Estimate>): Estimate =>
  ({
    complete: true,
    interrupted: null,
    refit: { rows: 900, epochs: 40 },
    bag: null,
    commonRound: null,
    folds: Array.from({ length: 5 }, (_, i) => ({ name: `fold ${i + 1} of 5`, epochs: 50, bestEpoch: 40, reason: "early stopping" })),
    ...changes,
  }) as Estimate;

describe("a trial's ending", () => {
  it("is done when validation ran in full, whether its refit ran, was skipped or was cut", () => {
    expect(ending(estimate({}), false, "budget")).toEqual({ status: "done", reason: "5 folds (best epochs 40, 40, 40, 40, 40); refit on 900 non-test rows for 40 epochs" });
    expect(ending(estimate({ refit: null, refitSkipped: { seconds: 12.2 } }), false, "budget")).toEqual({
      status: "done",
      reason: "5 folds (best epochs 40, 40, 40, 40, 40); not refit: the refit would take about 13 s, past the budget, so the validated model is kept",
    });
    expect(ending(estimate({ refit: null }), false, "budget")).toEqual({
      status: "done",
      reason: "5 folds (best epochs 40, 40, 40, 40, 40); the budget ran out during the refit, so the validated model is kept",
    });
  });

  it("is done, with its bag, when cross-validation ran in full and kept its fold models", () => {
    const bag = [0, 1, 2, 3, 4].map((index) => ({ index, epochs: 50, bestEpoch: 40 }));
    expect(ending(estimate({ refit: null, bag }), false, "budget")).toEqual({
      status: "done",
      reason: "5 folds (best epochs 40, 40, 40, 40, 40); the 5 fold models kept as a bag, their predictions averaged",
    });
  });

  it("says where the folds were cut back to their common stopping round", () => {
    const bag = [0, 1, 2, 3, 4].map((index) => ({ index, epochs: 50, bestEpoch: 38 }));
    expect(ending(estimate({ refit: null, bag, commonRound: 38 }), false, "budget").reason).toBe(
      "5 folds (their own best epochs 40, 40, 40, 40, 40; cut back to epoch 38, the best of their pooled validation loss, or to their last if sooner); the 5 fold models kept as a bag, their predictions averaged",
    );
  });

  it("is stopped when the deadline or a cancel cut validation short", () => {
    const cut = estimate({ complete: false, interrupted: "deadline", refit: null, folds: estimate({}).folds.slice(0, 2) });
    expect(ending(cut, false, "training time limit")).toEqual({ status: "stopped", reason: "training time limit ran out: 2 folds (best epochs 40, 40); not refit" });
    expect(ending(estimate({ refit: null }), true, "budget")).toEqual({ status: "stopped", reason: "cancelled: 5 folds (best epochs 40, 40, 40, 40, 40); not refit" });
  });
});
