import { z } from "zod";
import { ArchitectureDiagramDto } from "./architecture";
import { Metric, ProblemType } from "./dataset";
import { CurvePointDto, TrialDto, TrialFeaturesDto } from "./run";

/** Two to five candidates side by side (GET /api/compare?trials=id1,id2,...). Shared by the server and the UI. */
export const MIN_COMPARED = 2;
export const MAX_COMPARED = 5;

/** the distinct ids of `trials=id1,id2,...`, in order (the page and the API read the URL alike) */
export const trialIdsOf = (trials: string): string[] => [...new Set(trials.split(",").map((id) => id.trim()).filter(Boolean))];

/** `trials=id1,id2,...` as the URL carries it: distinct ids, two to five */
export const CompareQuery = z.object({
  trials: z
    .string({ error: "Say which candidates to compare: ?trials=id1,id2 (two to five candidate ids)." })
    .transform(trialIdsOf)
    .refine((ids) => ids.length >= MIN_COMPARED && ids.length <= MAX_COMPARED, {
      message: `Choose between ${MIN_COMPARED} and ${MAX_COMPARED} different candidates to compare (?trials=id1,id2,...).`,
    }),
});
export type CompareQuery = z.infer<typeof CompareQuery>;

/** the candidate's validation score per cross-validation fold, or why there is none */
export const FoldScoresDto = z.object({
  /** one score of the run's metric per fold, in fold order; null when not known */
  scores: z.array(z.number()).nullable(),
  mean: z.number().nullable(),
  /** the standard deviation across folds (null with fewer than two) */
  std: z.number().nullable(),
  /** where the scores come from, or why there are none */
  note: z.string(),
});
export type FoldScoresDto = z.infer<typeof FoldScoresDto>;

export const ComparedCandidateDto = z.object({
  trial: TrialDto,
  /** a short name for column headers: "#3 gbdt" (with the run when the candidates come from several runs) */
  title: z.string(),
  folds: FoldScoresDto,
  curve: z.array(CurvePointDto),
  /** null until the candidate has an archive */
  features: TrialFeaturesDto.nullable(),
  /** neural architecture search candidates only */
  architecture: ArchitectureDiagramDto.nullable(),
});
export type ComparedCandidateDto = z.infer<typeof ComparedCandidateDto>;

const CellValue = z.union([z.string(), z.number(), z.boolean()]).nullable();

/** a row of a side-by-side table: one value per candidate (null: the candidate has none), and whether they differ */
export const CompareRowDto = z.object({ name: z.string(), values: z.array(CellValue), differs: z.boolean() });
export type CompareRowDto = z.infer<typeof CompareRowDto>;

export const DisagreementExampleDto = z.object({
  /** the row's index in the dataset (0 = the first data row of the CSV) */
  row: z.number().int(),
  inputs: z.array(z.object({ column: z.string(), value: z.string().nullable() })),
  truth: z.string().nullable(),
  /** each candidate's prediction, in candidate order: a class, or a value (regression) */
  predictions: z.array(z.union([z.string(), z.number()]).nullable()),
});
export type DisagreementExampleDto = z.infer<typeof DisagreementExampleDto>;

/** where the candidates' predictions of the same validation rows disagree */
export const DisagreementDto = z.object({
  /** which rows were predicted, and by which models, in words */
  basis: z.string(),
  rows: z.number().int(),
  /** classification: rows where the predicted classes are not all the same, and their share of `rows` */
  differingRows: z.number().int().nullable(),
  share: z.number().nullable(),
  /** regression: the mean over rows of the mean absolute difference between two candidates' predictions */
  meanAbsDifference: z.number().nullable(),
  /** up to five rows: the first that differ (classification) or those that differ most (regression) */
  examples: z.array(DisagreementExampleDto),
});
export type DisagreementDto = z.infer<typeof DisagreementDto>;

export const CompareDto = z.object({
  datasetId: z.string(),
  datasetName: z.string().nullable(),
  label: z.string(),
  problemType: ProblemType,
  /** the first candidate's run metric: listed first, and the one the fold scores and standard errors are of */
  metric: Metric,
  /** how the runs were validated, in words (one line per run when they differ) */
  validation: z.array(z.string()),
  candidates: z.array(ComparedCandidateDto),
  /** every metric any candidate has, the run's metric first */
  metrics: z.array(Metric),
  /** one row per hyperparameter name over every candidate */
  params: z.array(CompareRowDto),
  /** one row per model input: kept (true) or dropped (false) by each candidate's feature selection */
  features: z.array(CompareRowDto),
  /** null when fewer than two candidates have an archive to predict with; `disagreementNote` says why */
  disagreement: DisagreementDto.nullable(),
  disagreementNote: z.string().nullable(),
});
export type CompareDto = z.infer<typeof CompareDto>;
