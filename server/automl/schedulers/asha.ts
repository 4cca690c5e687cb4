/**
 * ASHA, asynchronous successive halving (Li et al. 2020): whenever a worker is free, promote a paused trial that is
 * in the best 1/eta of everything that has finished its rung (highest rungs first); otherwise start a new trial at
 * the lowest rung. No worker waits for a rung to fill, which is what parallel workers need; the price is that with
 * several workers the promotions depend on which trial finished first (with one worker, a seed still gives the same
 * trials, and a restart carries on identically). When the budget is spent and nothing can be promoted, the best
 * trial of the highest rung is finished in full if none was, and the rest are pruned with their scores.
 */
import { byScore, type Decision, type ScheduledTrial, type Scheduler, type SchedulerView } from "./scheduler";
import { RungOptions, maxHalvings, rungEpochs } from "./rungs";

export function createAshaScheduler(options?: unknown): Scheduler {
  const o = RungOptions.parse(options ?? {});
  const top = maxHalvings(o);
  const epochs = (rung: number) => rungEpochs(o, top, rung);

  /** the best paused trial of the highest rung whose best 1/eta it belongs to, not yet taken */
  function promotable(view: SchedulerView, taken: Set<number>): Decision | null {
    for (let rung = top - 1; rung >= 0; rung--) {
      const finished = view.trials.filter((t) => t.rungScores.length > rung).sort(byScore(view.direction, (t) => t.rungScores[rung]));
      const best = finished.slice(0, Math.floor(finished.length / o.eta));
      const pick = best.find((t) => t.status === "paused" && t.rung === rung && !taken.has(t.number));
      if (pick) return { kind: "promote", number: pick.number, rung: rung + 1, epochs: epochs(rung + 1), final: rung + 1 === top };
    }
    return null;
  }

  return {
    name: "asha",
    batchStart: () => "asynchronous",
    budget: (_bracket, rung) => ({ epochs: epochs(rung), final: rung >= top }),
    describe: () => `ASHA: eta ${o.eta}, rungs of ${Array.from({ length: top + 1 }, (_, r) => epochs(r)).join(", ")} epochs, asynchronous`,
    decide(view: SchedulerView): Decision[] {
      const decisions: Decision[] = [];
      const taken = new Set<number>();
      let trials = view.trials.length;
      for (let slot = 0; slot < view.freeSlots; slot++) {
        const promotion = promotable(view, taken);
        if (promotion) {
          if (promotion.kind === "promote") taken.add(promotion.number);
          decisions.push(promotion);
        } else if (view.maxTrials === null || trials < view.maxTrials) {
          decisions.push({ kind: "start", bracket: 0, epochs: epochs(0), final: top === 0 });
          trials++;
        } else break;
      }
      if (decisions.length > 0 || view.trials.some((t) => t.status === "queued" || t.status === "running")) return decisions;
      return wrapUp(view);
    },
  };

  /** the budget is spent and nothing runs: finish the best trial of the highest rung if none reached the top, prune the rest */
  function wrapUp(view: SchedulerView): Decision[] {
    const paused = view.trials.filter((t) => t.status === "paused");
    if (paused.length === 0) return [];
    if (!view.trials.some((t) => t.status === "done")) {
      const highest = Math.max(...paused.map((t) => t.rung ?? 0));
      const best = paused.filter((t) => t.rung === highest).sort(byScore(view.direction, (t) => t.rungScores[highest]))[0];
      return [{ kind: "promote", number: best.number, rung: highest + 1, epochs: epochs(highest + 1), final: highest + 1 === top }];
    }
    return paused.map((t: ScheduledTrial) => ({ kind: "prune", number: t.number, reason: `pruned by ASHA after ${epochs(t.rung ?? 0)} epochs: not in the best 1/${o.eta} of its rung when the budget ran out` }));
  }
}
