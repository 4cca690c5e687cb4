import type { Matrix } from "../family";
import type { TreeGrower } from "./grow";
import type { ScoreArrays } from "./objective";
import type { Tree } from "./tree";

/**
 * How often (in rounds) the kept exps are recomputed from the raw scores: in between they drift by rounding, about
 * 1e-16 relatively per factor, and a class whose exp has underflowed to 0 could not come back. The recomputation costs
 * a tenth of what recomputing every round would.
 */
export const EXP_REFRESH_ROUNDS = 10;

/** rows x outputs raw scores (row-major), every row at the base score */
export function startingScores(rows: number, base: Float64Array): Float64Array {
  const raw = new Float64Array(rows * base.length);
  for (let r = 0; r < rows; r++) raw.set(base, r * base.length);
  return raw;
}

/**
 * The running scores of the training rows during boosting: raw scores (rows x outputs, row-major), kept up to date
 * tree by tree rather than predicted afresh, and for the classification objectives also their exps. The sigmoid and
 * the softmax need exp(raw) of every row and output every round, the costliest step of a round with few features;
 * kept alongside, exps are updated by multiplying with the exp of a leaf's value (one exp per leaf instead of one per
 * row), and the objective recomputes them from the raw scores every EXP_REFRESH_ROUNDS rounds and wherever they
 * leave a safe range (objective.ts).
 */
export class TrainingScores implements ScoreArrays {
  readonly raw: Float64Array;
  /** filled by the objective's first gradients(), which must refresh */
  readonly exp: Float64Array | null;

  constructor(rows: number, base: Float64Array, withExp: boolean) {
    this.raw = startingScores(rows, base);
    this.exp = withExp ? new Float64Array(rows * base.length) : null;
  }

  /**
   * Adds `tree`, for output `col` of `stride`, just grown by `grower`: the rows it grew on from the grower's leaf row
   * ranges, and the rows left out of the round's sample (outOfBag[0, outCount)) by walking it on their raw values in x.
   */
  addTree(tree: Tree, col: number, stride: number, grower: TreeGrower, x: Matrix, outOfBag: Uint32Array, outCount: number): void {
    grower.addLeafValues(tree, this.raw, this.exp, stride, col);
    this.walkTree(tree, col, stride, x, outOfBag, outCount);
  }

  /**
   * Adds `tree` to the rows rows[0, count) (all of x's where rows is null) by walking it on their raw values in x:
   * for each row exactly what addTree adds, so replaying a checkpoint's trees this way rebuilds the scores bit for bit.
   */
  walkTree(tree: Tree, col: number, stride: number, x: Matrix, rows: Uint32Array | null, count: number): void {
    if (count === 0) return;
    const { raw, exp } = this;
    const factors = exp ? tree.value.map(Math.exp) : null;
    for (let i = 0; i < count; i++) {
      const r = rows ? rows[i] : i;
      const leaf = tree.leafOf(x.data, r * x.cols);
      const j = r * stride + col;
      raw[j] += tree.value[leaf];
      if (exp && factors) exp[j] *= factors[leaf];
    }
  }
}
