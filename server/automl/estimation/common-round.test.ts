import { describe, expect, it } from "vitest";
import { commonStoppingRound, cutRound } from "./common-round";

describe("the folds' common stopping round", () => {
  it("is the best round of the loss pooled over the folds' rows, not any fold's own best", () => {
    // fold 1 is best at round 1, fold 2 at round 3; pooled with 100 and 300 rows: 0.65, 0.6, 0.575, 0.625
    const curves = [
      { rows: 100, loss: [0.2, 0.3, 0.4, 0.5] },
      { rows: 300, loss: [0.8, 0.7, 0.6, 0.65] },
    ];
    expect(commonStoppingRound(curves)).toBe(3);
    // weighed the other way, the first fold's best round wins
    expect(commonStoppingRound([{ ...curves[0], rows: 1000 }, curves[1]])).toBe(1);
  });

  it("counts a fold its patience stopped earlier at its last loss, whose model stays at its last round; the earlier of equal rounds wins", () => {
    // pooled: 3, 2, 1.5, 1
    expect(commonStoppingRound([{ rows: 1, loss: [3, 2, 1, 0] }, { rows: 1, loss: [3, 2] }])).toBe(4);
    expect([cutRound(4, 8), cutRound(4, 2)]).toEqual([4, 2]);
    expect(commonStoppingRound([{ rows: 1, loss: [1, 0, 1, 0] }, { rows: 1, loss: [1, 0, 1, 0] }])).toBe(2);
  });

  it("skips rounds whose pooled loss is not finite, and has no round for one fold or no finite loss", () => {
    expect(commonStoppingRound([{ rows: 1, loss: [NaN, 2, 1] }, { rows: 1, loss: [0, 2, Infinity] }])).toBe(2);
    expect(commonStoppingRound([{ rows: 1, loss: [1, 2] }])).toBeNull();
    expect(commonStoppingRound([{ rows: 1, loss: [NaN] }, { rows: 1, loss: [1] }])).toBeNull();
    expect(commonStoppingRound([{ rows: 1, loss: [] }, { rows: 1, loss: [1] }])).toBeNull();
  });
});
