import { stepOutputs, type PreprocessorState } from "./preprocess";
import { keptColumns, type SelectionState } from "./selection/select";

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
  const all: (number | null)[] = stepOutputs(preprocessing).flatMap(({ step, width }) => {
    const codes = step.kind === "categorical" && step.encoding.type === "ordinal" && step.encoding.center === 0 && step.encoding.scale === 1;
    return codes ? [step.categories.length + 1] : new Array<null>(width).fill(null);
  });
  return keptColumns(selection, all.length).map((j) => all[j]);
}
