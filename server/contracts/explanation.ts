import { z } from "zod";
import { Metric, ProblemType } from "./dataset";

/**
 * What a candidate's model does on its validation rows (the first validation fold under cross-validation), computed
 * when the candidate finishes (server/jobs/explain-candidate.ts) and stored with it as JSON:
 *  - permutation importance per source column of the CSV, in the run's metric;
 *  - classification: the confusion matrix (predicted class = the most probable one);
 *  - binary: ROC and precision-recall curves of the positive class's probability, with their areas;
 *  - regression: a sample of residuals and their summary.
 * Numbers that are undefined for the data (AUC with one class present) are null.
 */

export const FeatureImportance = z.object({
  /** the source column */
  name: z.string(),
  /** mean drop of the metric when the column is shuffled (positive: the model relies on it) */
  mean: z.number(),
  std: z.number(),
});
export type FeatureImportance = z.infer<typeof FeatureImportance>;

export const RocPointDto = z.object({ fpr: z.number(), tpr: z.number(), threshold: z.number().nullable() });
export const PrPointDto = z.object({ recall: z.number(), precision: z.number(), threshold: z.number().nullable() });
export const ResidualPointDto = z.object({ predicted: z.number(), actual: z.number(), residual: z.number() });

export const CandidateExplanation = z.object({
  version: z.literal(1),
  task: ProblemType,
  /** the run's metric: what the importance is measured in */
  metric: Metric,
  greaterIsBetter: z.boolean(),
  /** validation rows of the fold explained */
  validationRows: z.number().int().nonnegative(),
  importance: z.object({
    /** the metric on the unshuffled rows used */
    baseline: z.number().nullable(),
    /** rows the importance was measured on (a seeded sample of the validation rows when there are many) */
    rowsUsed: z.number().int().nonnegative(),
    repeats: z.number().int().positive(),
    /** most important first */
    features: z.array(FeatureImportance),
    /** why the list is empty or partial, when it is */
    note: z.string().nullable(),
  }),
  /** classification: counts[true class][predicted class], labels in class-code order */
  confusion: z.object({ labels: z.array(z.string()), counts: z.array(z.array(z.number().int().nonnegative())) }).nullable(),
  /** binary: by increasing false positive rate, thinned to ~200 points; auc from every row */
  roc: z.object({ points: z.array(RocPointDto), auc: z.number().nullable() }).nullable(),
  /** binary: by increasing recall, thinned to ~200 points; averagePrecision from every row */
  pr: z.object({ points: z.array(PrPointDto), averagePrecision: z.number().nullable() }).nullable(),
  /** binary: the class whose probability the curves rank by (classes[1]) */
  positiveClass: z.string().nullable(),
  /** regression: residual = actual - predicted */
  residuals: z
    .object({
      /** a seeded sample of at most 500 rows */
      points: z.array(ResidualPointDto),
      meanResidual: z.number().nullable(),
      rmse: z.number().nullable(),
      /** mean residual per decile of the prediction, low predictions first */
      bins: z.array(z.object({ predictedLow: z.number(), predictedHigh: z.number(), meanResidual: z.number(), count: z.number().int().positive() })),
    })
    .nullable(),
});
export type CandidateExplanation = z.infer<typeof CandidateExplanation>;

/** GET /api/trials/:id/explanation */
export const TrialExplanationDto = CandidateExplanation.extend({ trialId: z.string() });
export type TrialExplanationDto = z.infer<typeof TrialExplanationDto>;
