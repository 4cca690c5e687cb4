import { stepOutputs, type PreprocessorState } from "../../data/preprocess";
import { keptColumns, type SelectionState } from "../../data/selection/select";
import type { FeatureGroup } from "./permutation-importance";

/**
 * Which columns of a candidate's model matrix came from which column of the CSV: preprocessing turns one source column
 * into several outputs (one-hot categories, date parts, hashed text buckets, a missing-value indicator), and feature
 * selection then keeps some of them. Permutation importance shuffles a source column's outputs together.
 */
export function featureGroups(preprocessing: PreprocessorState, selection: SelectionState | null): FeatureGroup[] {
  const steps = stepOutputs(preprocessing);
  const owner: number[] = []; // per preprocessed column, the index of its step
  steps.forEach(({ width }, s) => {
    for (let j = 0; j < width; j++) owner.push(s);
  });
  const kept = selection ? keptColumns(selection, owner.length) : owner.map((_, j) => j);
  const cols = steps.map((): number[] => []);
  kept.forEach((j, t) => cols[owner[j]].push(t));
  return steps.flatMap(({ step }, s) => (cols[s].length > 0 ? [{ name: step.name, cols: cols[s] }] : []));
}
