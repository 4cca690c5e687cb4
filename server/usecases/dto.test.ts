import { describe, expect, it } from "vitest";
import type { TrialDto } from "../contracts/run";
import { overfitWarning } from "./dto";

const best = (valScore: number, valScoreSe: number, testScore: number, testScoreSe: number) =>
  ({ valScore, valScoreSe, testScore, testScoreSe }) as TrialDto;

describe("the overfitting warning", () => {
  it("speaks when validation beats test by more than chance explains", () => {
    // credit-g's holdout run: 0.814 on validation, 0.761 on test, each with about 0.02 of noise
    const message = overfitWarning("auc", best(0.814, 0.015, 0.761, 0.017));
    expect(message).toMatch(/auc 0\.8140 ± 0\.0150 on validation but 0\.7610 ± 0\.0170 on the test split/);
    expect(message).toMatch(/may have overfit the validation data/);
  });

  it("stays quiet within the noise, when test is the better one, and without standard errors", () => {
    expect(overfitWarning("auc", best(0.8, 0.03, 0.76, 0.03))).toBeNull();
    expect(overfitWarning("auc", best(0.76, 0.01, 0.8, 0.01))).toBeNull();
    expect(overfitWarning("auc", { ...best(0.9, 0.01, 0.5, 0.01), valScoreSe: null })).toBeNull();
  });

  it("knows that lower is better for losses", () => {
    expect(overfitWarning("logloss", best(0.3, 0.01, 0.45, 0.01))).toMatch(/overfit/);
    expect(overfitWarning("logloss", best(0.45, 0.01, 0.3, 0.01))).toBeNull();
  });
});
