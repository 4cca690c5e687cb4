/**
 * Weight inheritance as a run's estimation: a candidate starts training from the trained weights of its parent,
 * the finished candidate it is closest to, wherever their layers match (the family decides what matches; see
 * server/models/nas/inherit.ts). A good start ends early stopping sooner, which is the saving.
 *
 * The parent is found from the stored trials alone, so any strategy works and no strategy needs to know about
 * models: it is the earlier candidate that shares the most hyperparameter values with the child. For evolution that
 * is the tournament winner the child was mutated from (all values but one shared); for the other strategies it is
 * the nearest earlier point. Ties go to the better score, then to the later trial.
 */
import type { ParamValue } from "../space/distributions";
import { isBetter, type Direction } from "../space/trial-record";

export interface ParentCandidate {
  number: number;
  params: Readonly<Record<string, ParamValue>>;
  value: number;
}

/** the number of names with equal values in both (a name only one of them has counts as a difference) */
export function sharedValues(a: Readonly<Record<string, ParamValue>>, b: Readonly<Record<string, ParamValue>>): number {
  return Object.keys(a).filter((name) => Object.hasOwn(b, name) && b[name] === a[name]).length;
}

/** The parent of a child with `params` among finished candidates, or null when none shares a value with it. */
export function chooseParent(params: Readonly<Record<string, ParamValue>>, candidates: readonly ParentCandidate[], direction: Direction): ParentCandidate | null {
  let best: { candidate: ParentCandidate; shared: number } | null = null;
  for (const candidate of candidates) {
    const shared = sharedValues(params, candidate.params);
    if (shared === 0) continue;
    const closer =
      !best ||
      shared > best.shared ||
      (shared === best.shared && (isBetter(direction, candidate.value, best.candidate.value) || (candidate.value === best.candidate.value && candidate.number > best.candidate.number)));
    if (closer) best = { candidate, shared };
  }
  return best?.candidate ?? null;
}
