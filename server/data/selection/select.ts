import { z } from "zod";
import { createRng, deriveSeed } from "../../automl/rng";
import type { Suggest } from "../../automl/space/suggest";
import type { Matrix, Task } from "../../models/family";
import { benjaminiHochberg } from "./chi-square";
import { checkInputs, rankDescending, sampleRows, subsetRows, subsetValues } from "./common";
import { coefficientImportance, fitL1Linear } from "./l1-linear";
import { mutualInformation } from "./mutual-information";
import { defaultProbeCount, permutationProbe } from "./permutation-probe";

/**
 * The feature-selection stage: fitted on a candidate's TRAINING rows only (the preprocessed matrix), stored as JSON
 * with the candidate, and applied as a column subset to every matrix the candidate sees afterwards (validation, test,
 * prediction). Selecting on rows that are later used to score the candidate leaks the label into the score (see
 * leakage.test.ts), so the caller passes the training matrix and nothing else.
 *
 * Methods (a hyperparameter of the search, `SELECTION_METHODS`):
 *  - none: every feature;
 *  - mutual_info (filter): features whose binned mutual information with the label is significant against a
 *    shuffled-label baseline, Benjamini-Hochberg at FDR `alpha` (default 0.05), and above the baseline;
 *  - l1 (embedded): features with a non-zero coefficient in an L1-regularised linear/logistic model, lambda by the
 *    one-standard-error rule on a held-out part of the training rows;
 *  - permutation_probe (wrapper): features whose permutation importance on held-out training rows beats the best of
 *    K random probe columns.
 * `maxFeatures` then keeps the best-scoring ones. At least one feature is always kept (the best-scoring), so that a
 * model has an input; the state says so in `notes` when that happens.
 */

export const SELECTION_METHODS = ["none", "mutual_info", "l1", "permutation_probe"] as const;
export const SelectionMethod = z.enum(SELECTION_METHODS);
export type SelectionMethod = z.infer<typeof SelectionMethod>;

export const FeatureVerdict = z.object({
  name: z.string(),
  /** the method's score (higher is more useful; see scoreLabel); null for "none" */
  score: z.number().nullable(),
  kept: z.boolean(),
  /** why the feature was dropped; null when kept */
  reason: z.string().nullable(),
});
export type FeatureVerdict = z.infer<typeof FeatureVerdict>;

export const SelectionState = z
  .object({
    version: z.literal(1),
    method: SelectionMethod,
    seed: z.number(),
    maxFeatures: z.number().int().positive().nullable(),
    /** what `score` measures, for the UI */
    scoreLabel: z.string(),
    /** the cut the scores were compared with, where the method has one number (e.g. the best probe's importance) */
    threshold: z.number().nullable(),
    /** training rows the selection was fitted on (a sample when there were more than maxRows) */
    rowsUsed: z.number().int().nonnegative(),
    /** one per input feature, in input order */
    features: z.array(FeatureVerdict),
    /** indices of the kept features in the input, ascending: the output columns of applySelection */
    kept: z.array(z.number().int().nonnegative()),
    keptNames: z.array(z.string()),
    notes: z.array(z.string()),
  })
  .superRefine((s, ctx) => {
    const flagged = s.features.flatMap((f, j) => (f.kept ? [j] : []));
    if (flagged.length !== s.kept.length || flagged.some((j, t) => s.kept[t] !== j)) {
      ctx.addIssue({ code: "custom", message: "kept must list, ascending, the features marked kept" });
    }
    if (s.keptNames.length !== s.kept.length || s.kept.some((j, t) => s.features[j]?.name !== s.keptNames[t])) {
      ctx.addIssue({ code: "custom", message: "keptNames must be the names of the kept features" });
    }
  });
export type SelectionState = z.infer<typeof SelectionState>;

export interface SelectionOptions {
  /** mutual_info: false discovery rate of the significance cut; default 0.05 (1 turns the cut off) */
  alpha?: number;
  /** mutual_info: most quantile bins per feature (and per regression target); default 16 */
  maxBins?: number;
  /** permutation_probe: number of probe columns; default min(100, max(10, features)) */
  probes?: number;
  /** rows above this are sampled (stratified, seeded) before selecting; default 10,000 */
  maxRows?: number;
}

export interface FitSelectionInput {
  /** the TRAINING rows only: `transform(preprocessorState, table, trainRows)` */
  x: Matrix;
  y: Float32Array;
  task: Task;
  /** the matrix's column names: `preprocessorState.featureNames` */
  featureNames: string[];
  method: SelectionMethod;
  seed: number;
  maxFeatures?: number;
  options?: SelectionOptions;
}

const fmt = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));

interface MethodOutcome {
  scores: Float64Array;
  pass: boolean[];
  reasons: (j: number) => string;
  scoreLabel: string;
  threshold: number | null;
}

function runMethod(method: Exclude<SelectionMethod, "none">, x: Matrix, y: Float32Array, task: Task, seed: number, opts: SelectionOptions): MethodOutcome {
  switch (method) {
    case "mutual_info": {
      const alpha = opts.alpha ?? 0.05;
      const r = mutualInformation(x, y, task, { seed: deriveSeed(seed, "mutual_info"), maxBins: opts.maxBins });
      const significant = benjaminiHochberg(r.pValue, alpha);
      return {
        scores: r.corrected,
        pass: Array.from(r.corrected, (c, j) => significant[j] && c > 0),
        reasons: (j) =>
          r.corrected[j] <= 0
            ? `mutual information ${fmt(r.mi[j])} nats is no more than with a shuffled label (${fmt(r.corrected[j])} above it)`
            : `mutual information ${fmt(r.mi[j])} nats, ${fmt(r.corrected[j])} above the shuffled-label baseline, p = ${fmt(r.pValue[j])}: ` +
              `not significant at a false discovery rate of ${alpha}`,
        scoreLabel: "mutual information with the label above a shuffled-label baseline (nats)",
        threshold: null,
      };
    }
    case "l1": {
      const model = fitL1Linear(x, y, task, { seed: deriveSeed(seed, "l1") });
      const scores = coefficientImportance(model);
      const at = model.lambda.map((l, o) => `${fmt(l / model.lambdaMax[o])} x lambda_max`).join(", ");
      return {
        scores,
        pass: Array.from(scores, (s) => s > 0),
        reasons: () => `L1 coefficient is 0 at lambda = ${at}${model.outputs > 1 ? " (one per class)" : ""}, chosen by the one-standard-error rule on held-out training rows`,
        scoreLabel: "|coefficient| of the standardised feature in an L1-regularised linear model",
        threshold: 0,
      };
    }
    case "permutation_probe": {
      const probes = opts.probes ?? defaultProbeCount(x.cols);
      const r = permutationProbe(x, y, task, { seed: deriveSeed(seed, "permutation_probe"), probes });
      return {
        scores: r.importance,
        pass: Array.from(r.importance, (v) => v > r.threshold),
        reasons: (j) =>
          `permutation importance ${fmt(r.importance[j])} does not beat the best of ${probes} random probe features (${fmt(r.threshold)})`,
        scoreLabel: `rise of the held-out ${task.type === "regression" ? "squared error" : "log loss"} when the feature is shuffled`,
        threshold: r.threshold,
      };
    }
  }
}

function isConstant(x: Matrix, j: number): boolean {
  for (let i = 1; i < x.rows; i++) if (x.data[i * x.cols + j] !== x.data[j]) return false;
  return true;
}

export function fitSelection(input: FitSelectionInput): SelectionState {
  const { task, featureNames, method, seed } = input;
  const opts = input.options ?? {};
  const p = input.x.cols;
  if (featureNames.length !== p) throw new Error(`${featureNames.length} feature names for ${p} columns`);
  checkInputs(input.x, input.y, task);
  const maxFeatures = input.maxFeatures ?? null;
  if (maxFeatures !== null && !(Number.isInteger(maxFeatures) && maxFeatures > 0)) throw new Error(`maxFeatures must be a positive integer, got ${maxFeatures}`);
  const notes: string[] = [];

  let x = input.x;
  let y = input.y;
  const maxRows = opts.maxRows ?? 10_000;
  if (method !== "none" && x.rows > maxRows) {
    const rows = sampleRows(y, task, maxRows, createRng(deriveSeed(seed, "selection-rows")));
    x = subsetRows(x, rows);
    y = subsetValues(y, rows);
    notes.push(`fitted on a sample of ${rows.length} of the ${input.x.rows} training rows`);
  }

  const scores: (number | null)[] = new Array(p).fill(null);
  const reasons: (string | null)[] = new Array(p).fill(null);
  let pass: boolean[] = new Array(p).fill(true);
  let scoreLabel = "none (every feature kept)";
  let threshold: number | null = null;
  if (method !== "none") {
    const out = runMethod(method, x, y, task, seed, opts);
    scoreLabel = out.scoreLabel;
    threshold = out.threshold;
    pass = out.pass.slice();
    for (let j = 0; j < p; j++) {
      scores[j] = Number.isFinite(out.scores[j]) ? out.scores[j] : null;
      if (isConstant(x, j)) {
        pass[j] = false;
        reasons[j] = "constant in the training rows";
      } else if (!pass[j]) reasons[j] = out.reasons(j);
    }
  }

  const rankScore = scores.map((s) => s ?? -Infinity);
  if (maxFeatures !== null) {
    let rank = 0;
    for (const j of rankDescending(rankScore)) {
      if (!pass[j]) continue;
      rank++;
      if (rank > maxFeatures) {
        pass[j] = false;
        reasons[j] = `passed the cut but ranked ${rank} by score; at most ${maxFeatures} features are kept`;
      }
    }
  }
  if (p > 0 && !pass.some(Boolean)) {
    const best = rankDescending(rankScore).find((j) => reasons[j] !== "constant in the training rows") ?? 0;
    pass[best] = true;
    reasons[best] = null;
    notes.push(`no feature passed the cut; kept the best-scoring one (${featureNames[best]}) so that the model has an input`);
  }

  const kept = pass.flatMap((k, j) => (k ? [j] : []));
  return SelectionState.parse({
    version: 1,
    method,
    seed,
    maxFeatures,
    scoreLabel,
    threshold,
    rowsUsed: x.rows,
    features: featureNames.map((name, j) => ({ name, score: scores[j], kept: pass[j], reason: pass[j] ? null : reasons[j] })),
    kept,
    keptNames: kept.map((j) => featureNames[j]),
    notes,
  });
}

/** The kept columns of x, in input order; x must have the columns the selection was fitted on. */
/**
 * The input columns a model sees after this selection, as indices into `width` preprocessed columns: every one under
 * "none" (prepareFold applies no selection then), else the kept ones.
 */
export function keptColumns(selection: SelectionState, width: number): number[] {
  if (selection.method === "none") return Array.from({ length: width }, (_, j) => j);
  if (selection.features.length !== width) {
    throw new Error(`the selection was fitted on ${selection.features.length} columns, the preprocessing makes ${width}`);
  }
  return selection.kept;
}

export function applySelection(state: SelectionState, x: Matrix): Matrix {
  if (x.cols !== state.features.length) {
    throw new Error(`selection was fitted on ${state.features.length} features, the matrix has ${x.cols}`);
  }
  const k = state.kept.length;
  const data = new Float32Array(x.rows * k);
  for (let i = 0; i < x.rows; i++) {
    const from = i * x.cols;
    const to = i * k;
    for (let t = 0; t < k; t++) data[to + t] = x.data[from + state.kept[t]];
  }
  return { rows: x.rows, cols: k, data };
}

/** The selection method as a dimension of a search space (define-by-run). */
export function suggestSelection(suggest: Suggest, name = "feature_selection"): SelectionMethod {
  return suggest.choice(name, SELECTION_METHODS);
}
