import type { ColumnStep, PreprocessorState } from "./preprocess";
import type { SelectionState } from "./selection/select";

/**
 * Which columns of a candidate's model matrix hold category codes, for FitInput.categorical: families that split
 * natively on categories (gbdt) bin such a column by code instead of by value.
 *
 * Only an ordinal-encoded categorical column holds codes, and only where its values are the raw codes: ordinal
 * encoding writes (code - center) / scale, and the scaling step sets center and scale from the training codes
 * (scaling "standard" or "robust"), so the values are integer codes only where center is 0 and scale 1 (scaling
 * "none", or a robust scaling that happened to give exactly those). Scaled codes are reported as null: the model gets
 * no affine transform to map them back, and reads them as numbers, as before. The codes are 0..k-1 for the k
 * categories kept in training and k for OTHER (rare and unseen categories), so the column has k + 1 categories; a
 * missing cell without imputation is -1, which the model treats as missing.
 */
export function categoricalColumns(preprocessing: PreprocessorState, selection: SelectionState): (number | null)[] {
  const names = preprocessing.featureNames;
  const all: (number | null)[] = new Array<number | null>(names.length).fill(null);
  // version 1 states predate the encodings: every categorical column is one-hot
  if (preprocessing.version === 2) {
    let offset = 0;
    for (const step of preprocessing.columns) {
      if (step.kind === "categorical" && step.encoding.type === "ordinal") {
        if (names[offset] !== step.name) throw new Error(`categoricalColumns: expected column ${step.name} at ${offset}, found ${names[offset]}`);
        if (step.encoding.center === 0 && step.encoding.scale === 1) all[offset] = step.categories.length + 1;
      }
      offset += outputWidth(step);
    }
    if (offset !== names.length) throw new Error(`categoricalColumns: the steps make ${offset} columns, the state names ${names.length}`);
  }
  // prepareFold applies no selection under "none": the matrix keeps every column
  if (selection.method === "none") return all;
  if (selection.features.length !== names.length) {
    throw new Error(`categoricalColumns: selection was fitted on ${selection.features.length} features, preprocessing makes ${names.length}`);
  }
  return selection.kept.map((j) => all[j]);
}

/** how many matrix columns a step writes (preprocess.ts's output names, counted) */
function outputWidth(step: ColumnStep): number {
  switch (step.kind) {
    case "numeric":
      return step.missingIndicator ? 2 : 1;
    case "boolean":
      return 1;
    case "categorical":
      switch (step.encoding.type) {
        case "onehot":
          return step.categories.length + 1;
        case "ordinal":
          return 1;
        case "target":
          return step.encoding.outputs.length;
      }
      break;
    case "datetime":
      return step.parts.length + (step.missingIndicator ? 1 : 0);
    case "text":
      return step.buckets;
    case "dropped":
      return 0;
  }
}
