import type { PreprocessorState } from "../../data/preprocess";
import type { SelectionState } from "../../data/selection/select";
import type { FeatureGroup } from "./permutation-importance";

/**
 * Which columns of a candidate's model matrix came from which column of the CSV: preprocessing turns one source column
 * into several outputs (one-hot categories, date parts, hashed text buckets, a missing-value indicator), and feature
 * selection then keeps some of them. Permutation importance shuffles a source column's outputs together.
 *
 * The output count of each step mirrors preprocess.ts's `outputNames` (transform writes the steps' outputs in the
 * order of `columns`); the total is checked against `featureNames`, so a new kind of step cannot be miscounted silently.
 */
export function featureGroups(preprocessing: PreprocessorState, selection: SelectionState | null): FeatureGroup[] {
  const owner: number[] = []; // per preprocessed column, the index of its step
  const names: string[] = [];
  for (const step of preprocessing.columns) {
    const count = outputCount(step);
    for (let j = 0; j < count; j++) owner.push(names.length);
    names.push(step.name);
  }
  const width = preprocessing.featureNames.length;
  if (owner.length !== width) {
    throw new Error(`featureGroups: the preprocessing steps account for ${owner.length} output columns, featureNames has ${width}`);
  }
  // prepareFold applies no selection for method "none": the model sees every preprocessed column
  let kept: number[];
  if (!selection || selection.method === "none") {
    kept = Array.from({ length: width }, (_, j) => j);
  } else {
    if (selection.features.length !== width) {
      throw new Error(`featureGroups: the selection was fitted on ${selection.features.length} columns, the preprocessing makes ${width}`);
    }
    kept = selection.kept;
  }
  const cols = names.map((): number[] => []);
  kept.forEach((j, t) => cols[owner[j]].push(t));
  return names.flatMap((name, s) => (cols[s].length > 0 ? [{ name, cols: cols[s] }] : []));
}

type Step = PreprocessorState["columns"][number];

/** how many output columns transform writes for a step (version 1 and 2 steps alike) */
function outputCount(step: Step): number {
  switch (step.kind) {
    case "numeric":
      return step.missingIndicator ? 2 : 1;
    case "boolean":
      return 1;
    case "categorical": {
      // version 1 steps have no encoding: they are one-hot
      const encoding = "encoding" in step ? step.encoding : { type: "onehot" as const };
      switch (encoding.type) {
        case "onehot":
          return step.categories.length + 1; // + the OTHER bucket
        case "ordinal":
          return 1;
        case "target":
          return encoding.outputs.length;
      }
      break;
    }
    case "datetime":
      return step.parts.length + (step.missingIndicator ? 1 : 0);
    case "text":
      return step.buckets;
    case "dropped":
      return 0;
  }
  throw new Error(`featureGroups: unknown preprocessing step ${JSON.stringify(step)}`);
}
