import { sampleWeights } from "../data/class-weights";
import { categoricalColumns } from "../data/categorical-columns";
import type { EpochReport, FitContext, FitResult, FittedModel, ModelFamily } from "../models/family";
import type { Params } from "../automl/space/suggest";
import type { Metric } from "../contracts/dataset";
import type { FinalModel } from "../contracts/run";
import { prepareFold, refitRows, validationFolds, type DataStages, type FoldData, type FoldRows, type KeptModel } from "./candidate-data";
import type { RunData } from "./run-data";
import { createRng, deriveSeed } from "../automl/rng";
import { LOW_FIDELITY, lowFidelityRows, type FidelityScale } from "../automl/estimation/lower-fidelity";
import { commonStoppingRound, cutRound } from "../automl/estimation/common-round";

export interface EstimateHooks {
  metric: Metric;
  deadline: number;
  /** what a cross-validated candidate keeps: its fold models (bag) or a refit on all non-test rows */
  finalModel: FinalModel;
  /** the training seed of each model: by fold index, -1 for the refit */
  seedFor(index: number): number;
  /** after every epoch of every model; "stop" ends the search for this candidate (a cancel) */
  onEpoch(model: FoldRows, index: number, report: EpochReport): Promise<"continue" | "stop">;
  /** before each model and after its data stages are fitted (synchronous work that can take a while); index -1: the refit */
  onModel(model: FoldRows, index: number): Promise<void>;
  /** after each model's training, its last epoch reported */
  onModelEnd(index: number): Promise<void>;
  /** weight inheritance: the trained model that model `index` starts from (disposed here after the fit), or null */
  parentModel?(index: number): Promise<FittedModel | null>;
  /** weight inheritance: keeps validation model `index` for the candidates that will inherit from this one */
  keepModel?(model: FittedModel, index: number): Promise<void>;
  /** the first validation model, with the data stages it was fitted with: explained on its validation rows */
  explain?(model: FittedModel, stages: FoldData): Promise<void>;
}

export interface Estimate {
  /**
   * what the candidate deploys: one model (the refit, or the first fold's), or, cross-validated, every fold's model,
   * whose predictions are averaged (a bag)
   */
  kept: KeptModel[];
  /** the validation predictions of every fold (row-major), in fold order, and their labels */
  valPred: Float32Array;
  valY: Float32Array;
  /** the validation rows in the order of valPred */
  valRows: number[];
  /** every validation row was scored (false when the budget or a cancel cut the folds short) */
  complete: boolean;
  /** what the kept model was fitted on, for the manifest and the leaderboard */
  fittedOn: string;
  refit: { rows: number; epochs: number } | null;
  /** the bag's folds: each fold model's index (its seed is hooks.seedFor(index)) and epochs; null for one kept model */
  bag: { index: number; epochs: number; bestEpoch: number }[] | null;
  /** set where the refit was not started because the folds' pace said it would end past the deadline: its expected seconds */
  refitSkipped?: { seconds: number };
  /** the epochs trained by the kept model, and the epoch count validation chose */
  epochs: number;
  bestEpoch: number;
  /** why the folds ended, fold by fold, and the best epoch of each fold's own validation rows */
  folds: { name: string; epochs: number; bestEpoch: number; reason: string }[];
  /** where every fold model was cut back to one round, the best of the folds' pooled validation loss; else null */
  commonRound: number | null;
  interrupted: "stopped" | "deadline" | null;
  /** weight inheritance: what the first model took from its parent */
  inherited?: FitResult["inherited"];
}

/**
 * Performance estimation at full fidelity: the candidate is trained on each validation fold (one holdout split, or
 * every cross-validation fold) with early stopping and scored on the rows it did not train on.
 * Cross-validated, the candidate deploys the bag of its fold models (hooks.finalModel "bag"), their predictions
 * averaged, as AutoGluon does: the models that earned the out-of-fold score are the ones used, so an ensemble weighted
 * on those predictions gets what it chose, and each fold keeps the epoch count its own validation rows found.
 * Otherwise (a holdout candidate, or finalModel "refit") it is refit on all non-test rows for the epoch count
 * validation found (the folds' mean), as H2O and AutoGluon's refit_full do: one model on more rows, k times cheaper to
 * keep and to predict with than a bag, and the validation score was already earned.
 * Where the family can go back to an earlier epoch (boosted trees: FitResult.atEpoch), every fold model is cut back
 * to the common stopping round of the folds' pooled validation loss before it is scored and kept, as xgb.cv stops its
 * folds (automl/estimation/common-round.ts); the refit then trains that many rounds.
 * When the budget or a cancel ends training early, the folds trained so far give the score and the first fold's model
 * is kept; so it is when the validation's pace (seconds per epoch and training row) says the refit would end past the
 * deadline, and the refit is then not started.
 */
export async function estimateCandidate(
  data: RunData,
  family: ModelFamily,
  params: CandidateParams,
  runSeed: number,
  hooks: EstimateHooks,
  fidelity?: Fidelity,
): Promise<Estimate> {
  const folds = validationFolds(data);
  const preds: Float32Array[] = [];
  const ys: Float32Array[] = [];
  const rows: number[] = [];
  const summaries: Estimate["folds"] = [];
  /** each fold's training seconds per epoch and training row */
  const pace: number[] = [];
  const fits: { fit: FitResult; stages: FoldData }[] = [];
  /** each fold's validation loss, epoch by epoch (index epoch - 1) */
  const curves: number[][] = [];
  let interrupted: Estimate["interrupted"] = null;
  try {
    for (const [index, fold] of folds.entries()) {
      await hooks.onModel(fold, index);
      const stages = prepareFold(data, fold, params.stages, runSeed);
      await hooks.onModel(fold, index);
      const fitStarted = performance.now();
      const curve: number[] = [];
      curves.push(curve);
      const fit = await fitOne(data, family, params, stages, hooks, fold, index, fidelity && { pauseAt: fidelity.maxEpochs, resume: index === 0 ? fidelity.resume : undefined }, curve);
      pace.push((performance.now() - fitStarted) / 1000 / (Math.max(1, fit.epochs) * Math.max(1, fold.train.length)));
      ys.push(stages.y.valid);
      rows.push(...fold.valid);
      // at a scheduler's last rung, its epoch cap is the model's epoch cap
      summaries.push({ name: fold.name, epochs: fit.epochs, bestEpoch: fit.bestEpoch, reason: fit.reason === "paused" ? "max epochs" : fit.reason });
      fits.push({ fit, stages });
      if (fit.reason === "stopped" || fit.reason === "deadline") {
        interrupted = fit.reason;
        break;
      }
    }
    const commonRound = interrupted ? null : cutToCommonRound(fits, curves);
    for (const [index, { fit, stages }] of fits.entries()) {
      preds.push(fit.model.predict(stages.x.valid));
      await hooks.keepModel?.(fit.model, index);
    }
    await hooks.explain?.(fits[0].fit.model, fits[0].stages);
    const valPred = concat(preds);
    const valY = concat(ys);
    const found = commonRound ?? Math.max(1, Math.round(summaries.reduce((a, s) => a + s.bestEpoch, 0) / summaries.length));
    const keptFittedOn = (why: string) =>
      `the ${folds[0].name === "holdout" ? "training split" : `training rows of ${folds[0].name}`} (${folds[0].train.length} rows), early stopping on its validation rows; not refit on all non-test rows: ${why}`;
    const common = { valPred, valY, valRows: rows, complete: !interrupted, folds: summaries, commonRound, interrupted, bestEpoch: found, inherited: fits[0].fit.inherited, bag: null };
    if (folds.length > 1 && !interrupted && hooks.finalModel === "bag") {
      const epochs = Math.round(fits.reduce((a, f) => a + f.fit.epochs, 0) / fits.length);
      return {
        ...common,
        kept: fits.map(({ fit, stages }) => ({ model: fit.model, stages })),
        bag: fits.map(({ fit }, index) => ({ index, epochs: fit.epochs, bestEpoch: fit.bestEpoch })),
        refit: null,
        epochs,
        fittedOn: `the ${folds.length} fold models, each fitted on its fold's training rows with early stopping on its validation rows, their predictions averaged (bagging): the models that earned the out-of-fold validation score; the test split was never seen by the search`,
      };
    }
    // one model is kept, the first fold's unless a refit replaces it: the others go now (an error below disposes it alone)
    for (const f of fits.splice(1)) f.fit.model.dispose();
    const kept = { model: fits[0].fit.model, stages: fits[0].stages };
    let refitCut: "stopped" | "deadline" | null = null;
    // a refit that would end past the deadline is not started: cut there, it would be lost and keep a worker from
    // the next candidate (on shuttle, a network's refit held one for the last 27 s of a 60 s budget)
    const refitSeconds = (pace.reduce((a, b) => a + b, 0) / pace.length) * found * refitRows(data).train.length;
    if (!interrupted && Date.now() + refitSeconds * 1000 > hooks.deadline) {
      return { ...common, kept: [kept], refit: null, refitSkipped: { seconds: refitSeconds }, epochs: fits[0].fit.epochs, fittedOn: keptFittedOn(`its refit would take about ${Math.ceil(refitSeconds)} s, past the deadline`) };
    }
    if (!interrupted) {
      const refit = await refitOnAll(data, family, params, found, runSeed, hooks);
      if ("cutBy" in refit) refitCut = refit.cutBy;
      else {
        kept.model.dispose();
        return {
          ...common,
          ...refit,
          fittedOn: `all ${refit.refit.rows} non-test rows (training + validation), for the ${found} epochs ${folds.length > 1 ? `the ${folds.length} folds found on average` : "early stopping found on validation"}; the test split was never seen by the search`,
        };
      }
    }
    const why = (reason: "stopped" | "deadline") => (reason === "deadline" ? "the budget ran out" : "the run was cancelled");
    const cut = interrupted ? `${why(interrupted)} before the refit` : `${why(refitCut!)} during the refit`;
    return { ...common, kept: [kept], refit: null, epochs: fits[0].fit.epochs, fittedOn: keptFittedOn(cut) };
  } catch (err) {
    for (const f of fits) f.fit.model.dispose();
    throw err;
  }
}

type Refit = Pick<Estimate, "kept" | "epochs"> & { refit: { rows: number; epochs: number } };

/**
 * Cuts every fold model back to the folds' common stopping round, where every fold was validated on its own rows with
 * a full curve and the family can go back (FitResult.atEpoch); returns the round, or null where the models stay as
 * their own early stopping left them. A fold resumed from a scheduler's checkpoint lacks its first epochs' losses.
 */
function cutToCommonRound(fits: { fit: FitResult; stages: FoldData }[], curves: number[][]): number | null {
  // filter skips the holes a resumed fold's curve has before its first reported epoch
  const whole = curves.every((c, i) => c.length === fits[i].fit.epochs && c.filter((v) => v !== undefined).length === c.length);
  if (!whole || !fits.every(({ fit }) => fit.atEpoch)) return null;
  const round = commonStoppingRound(fits.map(({ stages }, i) => ({ rows: stages.y.valid.length, loss: curves[i] })));
  if (round === null) return null;
  for (const f of fits) {
    const epoch = cutRound(round, f.fit.epochs);
    const cut = f.fit.atEpoch!(epoch);
    f.fit.model.dispose();
    f.fit = { ...f.fit, model: cut, bestEpoch: epoch };
  }
  return round;
}

export interface CandidateParams {
  stages: DataStages;
  classWeight: "none" | "balanced";
  family: Params;
}

/** a scheduler's budget for the last rung: every model trains at most maxEpochs; the first continues from `resume` */
export interface Fidelity {
  maxEpochs: number;
  resume?: Uint8Array;
}

export interface RungEstimate {
  /** the validation score of the best epoch so far, on the first fold's validation rows */
  valPred: Float32Array;
  valY: Float32Array;
  epochs: number;
  bestEpoch: number;
  /** why training paused or ended ("paused" at the rung's epochs) */
  reason: string;
  /** the state to continue from at the next rung (see FitContext.resume) */
  checkpoint: Uint8Array;
}

/**
 * Lower-fidelity estimation for a scheduler's rung: the first validation fold (the holdout split, or fold 1) trained
 * to `epochs` in total, continuing from the previous rung's checkpoint, and scored on its validation rows. Only the
 * last rung cross-validates and refits (estimateCandidate with a Fidelity).
 */
export async function estimateAtRung(data: RunData, family: ModelFamily, params: CandidateParams, runSeed: number, hooks: EstimateHooks, epochs: number, resume?: Uint8Array): Promise<RungEstimate> {
  const fold = validationFolds(data)[0];
  await hooks.onModel(fold, 0);
  const stages = prepareFold(data, fold, params.stages, runSeed);
  await hooks.onModel(fold, 0);
  const fit = await fitOne(data, family, params, stages, hooks, fold, 0, { pauseAt: epochs, resume });
  try {
    if (!fit.checkpoint) throw new Error(`the ${family.name} family cannot pause training, so it cannot run under a scheduler`);
    return { valPred: fit.model.predict(stages.x.valid), valY: stages.y.valid, epochs: fit.epochs, bestEpoch: fit.bestEpoch, reason: fit.reason, checkpoint: fit.checkpoint };
  } finally {
    fit.model.dispose();
  }
}

export interface LowFidelityEstimate {
  valPred: Float32Array;
  valY: Float32Array;
  epochs: number;
  bestEpoch: number;
  reason: string;
  /** the training rows it kept, of how many */
  rows: number;
  of: number;
}

/**
 * Lower-fidelity estimation (server/automl/estimation/lower-fidelity.ts): the first validation fold, trained on a
 * seeded sample of its training rows (the same for every trial of the run, so cheap scores compare) with the family's
 * cheaper form of the candidate, and scored on all of the fold's validation rows.
 */
export async function estimateLowFidelity(data: RunData, family: ModelFamily, params: CandidateParams, runSeed: number, hooks: EstimateHooks, scale: FidelityScale = LOW_FIDELITY): Promise<LowFidelityEstimate> {
  if (!family.lowerFidelity) throw new Error(`the ${family.name} family has no lower-fidelity form; choose full training or learning-curve estimation`);
  const full = validationFolds(data)[0];
  const keep = lowFidelityRows(full.train.length, scale);
  const fold: FoldRows = { name: `${full.name}, ${keep} of its training rows`, train: seededSample(full.train, keep, deriveSeed(runSeed, "low-fidelity")), valid: full.valid };
  await hooks.onModel(fold, 0);
  const stages = prepareFold(data, fold, params.stages, runSeed);
  await hooks.onModel(fold, 0);
  const fit = await fitOne(data, family, { ...params, family: family.lowerFidelity(params.family, scale) }, stages, hooks, fold, 0);
  try {
    return { valPred: fit.model.predict(stages.x.valid), valY: stages.y.valid, epochs: fit.epochs, bestEpoch: fit.bestEpoch, reason: fit.reason, rows: keep, of: full.train.length };
  } finally {
    fit.model.dispose();
  }
}

/** `count` of `rows`, drawn without replacement (a partial Fisher-Yates shuffle), in ascending order */
function seededSample(rows: readonly number[], count: number, seed: number): number[] {
  const pool = [...rows];
  const rng = createRng(seed);
  for (let i = 0; i < count; i++) {
    const j = rng.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count).sort((a, b) => a - b);
}

async function refitOnAll(
  data: RunData,
  family: ModelFamily,
  params: CandidateParams,
  epochs: number,
  runSeed: number,
  hooks: EstimateHooks,
): Promise<Refit | { cutBy: "deadline" | "stopped" }> {
  const fold = refitRows(data);
  await hooks.onModel(fold, -1);
  const stages = prepareFold(data, fold, params.stages, runSeed);
  await hooks.onModel(fold, -1);
  const fit = await fitOne(data, family, params, stages, hooks, fold, -1, { epochs });
  const reason = fit.reason;
  if (reason === "deadline" || reason === "stopped") {
    fit.model.dispose();
    return { cutBy: reason };
  }
  return { kept: [{ model: fit.model, stages }], refit: { rows: fold.train.length, epochs: fit.epochs }, epochs: fit.epochs };
}

async function fitOne(
  data: RunData,
  family: ModelFamily,
  params: CandidateParams,
  stages: FoldData,
  hooks: EstimateHooks,
  fold: FoldRows,
  index: number,
  budget?: Pick<FitContext, "epochs" | "pauseAt" | "resume">,
  /** filled with the validation loss of every epoch reported, at index epoch - 1 */
  curve?: number[],
): Promise<FitResult> {
  const parent = (await hooks.parentModel?.(index)) ?? undefined;
  try {
    const fit = await family.fit(
      {
        task: data.task,
        xTrain: stages.x.train,
        yTrain: stages.y.train,
        xVal: stages.x.valid,
        yVal: stages.y.valid,
        sampleWeight: sampleWeights(stages.y.train, data.task, params.classWeight),
        categorical: categoricalColumns(stages.preprocessing, stages.selection),
      },
      params.family,
      {
        seed: hooks.seedFor(index),
        metric: hooks.metric,
        deadline: hooks.deadline,
        ...budget,
        inheritFrom: parent,
        onEpoch: (report) => {
          if (curve) curve[report.epoch - 1] = report.valLoss;
          return hooks.onEpoch(fold, index, report);
        },
      },
    );
    await hooks.onModelEnd(index);
    return fit;
  } finally {
    parent?.dispose();
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
