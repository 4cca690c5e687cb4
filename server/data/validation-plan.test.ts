import { describe, expect, it } from "vitest";
import { DataError } from "./data-error";
import { CV_FOLDS, CV_ROW_THRESHOLD, planValidation } from "./validation-plan";

describe("planValidation", () => {
  it("states the rule: cross-validation below 5,000 non-test rows, holdout from there on", () => {
    expect([CV_ROW_THRESHOLD, CV_FOLDS]).toEqual([5000, 5]);
    expect(planValidation({ nonTestRows: 4999, mode: "auto", timeOrdered: false })).toEqual({
      kind: "cv",
      folds: 5,
      reason: "5-fold cross-validation: 4,999 rows without the test split, below 5,000",
    });
    expect(planValidation({ nonTestRows: 5000, mode: "auto", timeOrdered: false })).toEqual({
      kind: "holdout",
      reason: "holdout: 5,000 rows without the test split, 5,000 or more",
    });
    expect(planValidation({ nonTestRows: 46400, mode: "auto", timeOrdered: false }).reason).toBe(
      "holdout: 46,400 rows without the test split, 5,000 or more",
    );
  });

  it("falls back to holdout when auto has too few rows to fold", () => {
    expect(planValidation({ nonTestRows: 4, mode: "auto", timeOrdered: false })).toEqual({
      kind: "holdout",
      reason: "holdout: 4 rows without the test split, too few for 5 folds",
    });
    expect(planValidation({ nonTestRows: 5, mode: "auto", timeOrdered: false }).kind).toBe("cv");
  });

  it("follows a forced mode whatever the size", () => {
    expect(planValidation({ nonTestRows: 800, mode: "holdout", timeOrdered: false })).toEqual({
      kind: "holdout",
      reason: "holdout, as asked: 800 rows without the test split",
    });
    expect(planValidation({ nonTestRows: 46400, mode: "cv", timeOrdered: false })).toEqual({
      kind: "cv",
      folds: 5,
      reason: "5-fold cross-validation, as asked: 46,400 rows without the test split",
    });
  });

  it("keeps time order: always holdout, and cross-validation asked for is refused with a message for the user", () => {
    for (const mode of ["auto", "holdout"] as const) {
      expect(planValidation({ nonTestRows: 1000, mode, timeOrdered: true })).toEqual({
        kind: "holdout",
        reason: "holdout in time order: folds would train on the future",
      });
    }
    const cv = () => planValidation({ nonTestRows: 1000, mode: "cv", timeOrdered: true });
    expect(cv).toThrow(DataError);
    expect(cv).toThrow(
      "Cross-validation can't be used with a time column: most folds would train on rows later than the ones they are scored on. Choose holdout validation, or remove the time column.",
    );
  });

  it("refuses forced cross-validation with fewer rows than folds", () => {
    const cv = () => planValidation({ nonTestRows: 4, mode: "cv", timeOrdered: false });
    expect(cv).toThrow(DataError);
    expect(cv).toThrow(
      "5-fold cross-validation needs at least 5 rows besides the test split, one per fold; this data has 4. Choose holdout validation, or add rows.",
    );
  });

  it("rejects a row count that isn't one", () => {
    expect(() => planValidation({ nonTestRows: -1, mode: "auto", timeOrdered: false })).toThrow("non-negative integer");
    expect(() => planValidation({ nonTestRows: 2.5, mode: "auto", timeOrdered: false })).toThrow("non-negative integer");
  });
});
