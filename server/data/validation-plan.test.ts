import { describe, expect, it } from "vitest";
import { DataError } from "./data-error";
import { CV_FOLDS, CV_MAX_ROWS, CV_ROW_THRESHOLD, CV_VALUES_PER_BUDGET_SECOND, planValidation } from "./validation-plan";

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

  it("cross-validates data of 5,000 rows or more when the time budget affords it, as FLAML's rule", () => {
    const telco = { nonTestRows: 5634, mode: "auto", timeOrdered: false } as const;
    expect([CV_MAX_ROWS, CV_VALUES_PER_BUDGET_SECOND]).toEqual([100_000, 2500]);
    // 5,634 x 19 = 107,046 values; 60 s afford 150,000, 30 s 75,000
    expect(planValidation({ ...telco, timeBudget: { seconds: 60, columns: 19 } })).toEqual({
      kind: "cv",
      folds: 5,
      reason: "5-fold cross-validation: 5,634 rows × 19 columns without the test split, within what the 1-minute budget affords (150,000 values)",
    });
    expect(planValidation({ ...telco, timeBudget: { seconds: 30, columns: 19 } })).toEqual({
      kind: "holdout",
      reason: "holdout: 5,634 rows × 19 columns without the test split, more than the 30 s budget affords to cross-validate (75,000 values)",
    });
    // shuttle (46,400 x 9) under a minute: holdout; 100,000 rows or more never, whatever the budget
    expect(planValidation({ ...telco, nonTestRows: 46400, timeBudget: { seconds: 60, columns: 9 } }).kind).toBe("holdout");
    expect(planValidation({ ...telco, nonTestRows: 46400, timeBudget: { seconds: 3600, columns: 9 } }).kind).toBe("cv");
    expect(planValidation({ ...telco, nonTestRows: 100_000, timeBudget: { seconds: 86_400, columns: 2 } }).kind).toBe("holdout");
    // a trial budget alone keeps the row rule
    expect(planValidation(telco).kind).toBe("holdout");
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
