import type { StudioContext } from "../context";
import type { RunRow, TrialRow } from "../db/store";
import type { ModelFamily } from "../models/family";
import { allMetrics, greaterIsBetter, score } from "../automl/estimation/metrics";
import { describeScale, screen } from "../automl/estimation/lower-fidelity";
import { estimateLowFidelity, type CandidateParams, type EstimateHooks } from "./estimate-candidate";
import { BATCH_SIZE, earlierBatches } from "./propose";
import type { RunData } from "./run-data";

export type ScreenOutcome = { promoted: true; note: string } | { promoted: false };

/**
 * Lower-fidelity estimation's screening of one trial (server/automl/estimation/lower-fidelity.ts): trains the cheap
 * form of the candidate and stores its score; then either the trial goes on to full training (`note` says why, for
 * its reason) or it ends here as pruned, keeping the cheap score as its last one. The cheap scores it is ranked
 * against are those of the earlier batches, all finished, so the decision does not depend on the worker count.
 */
export async function screenAtLowFidelity(
  ctx: StudioContext,
  c: { run: RunRow; trial: TrialRow; data: RunData; family: ModelFamily; params: CandidateParams; hooks: EstimateHooks; started: number },
): Promise<ScreenOutcome> {
  const { run, trial, data } = c;
  await ctx.store.updateTrial(trial.id, { reason: "training at lower fidelity: fewer rows, epochs and units" });
  const low = await estimateLowFidelity(data, c.family, c.params, run.seed, c.hooks);
  const value = score(run.metric, data.task, low.valY, low.valPred);
  const earlier = earlierBatches(await ctx.store.listTrials(run.id), trial.number)
    .map((t) => t.lowFidelityScore)
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const calibrating = trial.number < BATCH_SIZE;
  const verdict = screen(value, earlier, greaterIsBetter(run.metric) ? "maximize" : "minimize", calibrating);
  const shown = `${run.metric} ${value.toFixed(4)} on ${low.rows} of ${low.of} training rows, ${describeScale()}`;
  const interrupted = low.reason === "deadline" ? "the budget ran out" : low.reason === "stopped" ? "the run was cancelled" : null;
  if (verdict.promote && !interrupted) {
    await ctx.store.updateTrial(trial.id, { lowFidelityScore: value, reason: "training in full" });
    // the full estimate's curve replaces the cheap one
    await ctx.store.clearCurve(trial.id);
    const note = calibrating
      ? `trained at both fidelities (one of the first ${BATCH_SIZE}, which measure how well cheap scores rank): lower fidelity ${value.toFixed(4)}`
      : `lower fidelity ${value.toFixed(4)} ranked ${verdict.rank} of ${verdict.of}`;
    return { promoted: true, note };
  }
  await ctx.store.updateTrial(trial.id, {
    status: "pruned",
    reason: interrupted
      ? `${interrupted} during its lower-fidelity estimate (${shown})`
      : `lower fidelity: ${shown}, ranks ${verdict.rank} of ${verdict.of}; only the best ${verdict.kept} are trained in full`,
    valScore: value,
    valMetrics: allMetrics(data.task, low.valY, low.valPred),
    lowFidelityScore: value,
    epochs: low.epochs,
    bestEpoch: low.bestEpoch,
    trainSeconds: (performance.now() - c.started) / 1000,
    finishedAt: new Date(),
  });
  return { promoted: false };
}
