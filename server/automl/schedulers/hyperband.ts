/**
 * Hyperband (Li et al. 2017), synchronous: brackets of successive halving, from the most aggressive (many trials
 * started at minEpochs) to the most conservative (a few trials at maxEpochs), repeated while the trial budget lasts.
 * Within a bracket, a rung is decided once every trial of it has finished the rung: the best 1/eta continue from
 * their checkpoints, the others are pruned and keep their score. One bracket runs at a time and is one batch of the
 * study, so its proposals see every earlier bracket complete: the same seed gives the same trials with any number
 * of workers. With the random strategy this is Hyperband; with TPE it is BOHB's scheme.
 */
import { byScore, type Decision, type ScheduledTrial, type Scheduler, type SchedulerView } from "./scheduler";
import { RungOptions, maxHalvings, rungEpochs, survivors } from "./rungs";

const SETTLED = new Set(["paused", "done", "pruned", "stopped", "failed", "cancelled"]);

export function createHyperbandScheduler(options?: unknown): Scheduler {
  const o = RungOptions.parse(options ?? {});
  const sMax = maxHalvings(o);
  /** bracket j's halvings: the most aggressive first */
  const halvings = (bracket: number) => sMax - (bracket % (sMax + 1));
  const size = (bracket: number) => Math.ceil(((sMax + 1) / (halvings(bracket) + 1)) * o.eta ** halvings(bracket));
  const firstTrial = (bracket: number) => {
    let n = 0;
    for (let j = 0; j < bracket; j++) n += size(j);
    return n;
  };
  const bracketOf = (number: number) => {
    let j = 0;
    for (let first = 0; first + size(j) <= number; j++) first += size(j);
    return j;
  };

  return {
    name: "hyperband",
    batchStart: (number) => firstTrial(bracketOf(number)),
    budget: (bracket, rung) => ({ epochs: rungEpochs(o, halvings(bracket), rung), final: rung >= halvings(bracket) }),
    describe: () =>
      `Hyperband: eta ${o.eta}, brackets of ${Array.from({ length: sMax + 1 }, (_, j) => size(j)).join(", ")} trials, rungs of ${Array.from({ length: sMax + 1 }, (_, r) => rungEpochs(o, sMax, r)).join(", ")} epochs`,
    decide(view: SchedulerView): Decision[] {
      const byBracket = new Map<number, ScheduledTrial[]>();
      for (const t of view.trials) if (t.bracket !== null) byBracket.set(t.bracket, [...(byBracket.get(t.bracket) ?? []), t]);
      // the current bracket: the first one not finished (brackets run one at a time)
      let bracket = 0;
      while ((byBracket.get(bracket)?.length ?? 0) > 0 && isFinished(byBracket.get(bracket)!, planned(bracket))) bracket++;
      const first = firstTrial(bracket);
      if (view.maxTrials !== null && first >= view.maxTrials) return [];
      const trials = byBracket.get(bracket) ?? [];
      const s = halvings(bracket);
      const started = planned(bracket);
      if (trials.length < started) {
        const n = Math.min(view.freeSlots, started - trials.length);
        return Array.from({ length: n }, () => ({ kind: "start", bracket, epochs: rungEpochs(o, s, 0), final: s === 0 }));
      }
      return decideRung(view, trials, s, started);

      function planned(j: number) {
        return view.maxTrials === null ? size(j) : Math.min(size(j), view.maxTrials - firstTrial(j));
      }
    },
  };

  /** promotes the best of the lowest rung whose trials have all finished it; prunes the rest of that rung */
  function decideRung(view: SchedulerView, trials: ScheduledTrial[], s: number, started: number): Decision[] {
    for (let rung = 0; rung < s; rung++) {
      const atOrBelow = trials.filter((t) => (t.rung ?? 0) <= rung);
      if (atOrBelow.some((t) => !SETTLED.has(t.status))) return []; // the rung is still running
      const waiting = atOrBelow.filter((t) => t.status === "paused" && t.rung === rung);
      if (waiting.length === 0) continue;
      const keep = survivors(o, started, rung + 1);
      const ranked = trials.filter((t) => t.rungScores.length > rung).sort(byScore(view.direction, (t) => t.rungScores[rung]));
      const best = new Set(ranked.slice(0, keep).map((t) => t.number));
      const decisions: Decision[] = waiting
        .filter((t) => !best.has(t.number))
        .map((t) => ({ kind: "prune", number: t.number, reason: `pruned by Hyperband after ${rungEpochs(o, s, rung)} epochs: not in the best ${keep} of ${ranked.length}` }));
      const promote = waiting.filter((t) => best.has(t.number)).slice(0, view.freeSlots);
      for (const t of promote) decisions.push({ kind: "promote", number: t.number, rung: rung + 1, epochs: rungEpochs(o, s, rung + 1), final: rung + 1 === s });
      return decisions;
    }
    return [];
  }
}

function isFinished(trials: ScheduledTrial[], planned: number): boolean {
  return trials.length >= planned && trials.every((t) => SETTLED.has(t.status) && t.status !== "paused");
}
