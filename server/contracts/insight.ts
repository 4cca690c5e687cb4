import { z } from "zod";
import { TrialDto } from "./run";

/** GET /api/runs/:id/insight — what the finished trials say about the search (server/automl/insight). */

export const ParamAxisDto = z.discriminatedUnion("kind", [
  /** values are shown (log-)linearly between low and high */
  z.object({ name: z.string(), kind: z.literal("numeric"), log: z.boolean(), low: z.number(), high: z.number(), absent: z.boolean() }),
  z.object({ name: z.string(), kind: z.literal("categorical"), categories: z.array(z.string()), absent: z.boolean() }),
]);
export type ParamAxisDto = z.infer<typeof ParamAxisDto>;

/** what a score-against-cost chart reads of a finished candidate (ensembles included) */
export const ParetoCandidateDto = TrialDto.pick({ id: true, number: true, family: true, valScore: true, paramCount: true, archiveBytes: true, durationSeconds: true, predictMsPer1k: true, infeasibleReason: true });
export type ParetoCandidateDto = z.infer<typeof ParetoCandidateDto>;

export const RunInsightDto = z.object({
  runId: z.string(),
  direction: z.enum(["min", "max"]),
  /** finished trials with a validation score: the ones the insight is about */
  finishedTrials: z.number().int(),
  history: z.object({
    /** by trial number; a long run is thinned (every improvement of the best kept) */
    points: z.array(z.object({ number: z.number().int(), value: z.number(), best: z.number() })),
    total: z.number().int(),
  }),
  parallel: z.object({
    axes: z.array(ParamAxisDto),
    /** coords: per axis, in [0, 1] (numeric) or a category index; null where the trial lacks the hyperparameter */
    lines: z.array(z.object({ number: z.number().int(), value: z.number(), coords: z.array(z.number().nullable()) })),
    total: z.number().int(),
    /** a long run sends its best lines plus an even sample of the others */
    bestKept: z.number().int(),
  }),
  importance: z.object({
    /** most important first, summing to 1; null below minTrials finished trials */
    params: z.array(z.object({ name: z.string(), importance: z.number() })).nullable(),
    minTrials: z.number().int(),
    trialsUsed: z.number().int(),
  }),
  pareto: z.object({
    /** by number; a long run sends every candidate on a cost's Pareto front plus an even sample of the others */
    candidates: z.array(ParetoCandidateDto),
    /** finished candidates in all */
    total: z.number().int(),
  }),
});
export type RunInsightDto = z.infer<typeof RunInsightDto>;
