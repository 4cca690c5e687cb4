/**
 * Cross-validation's common stopping round (xgb.cv's and LightGBM's cv: the best round of the folds' mean curve).
 * Each fold's own early stopping picks its best round on its own validation rows; on small folds that pick is mostly
 * chance, and the chance is in its favour, so the out-of-fold score of models stopped there is optimistic. One round
 * chosen on every out-of-fold row together is picked on k times the rows, and the out-of-fold score of the fold
 * models truncated to it pays only for that one choice.
 */
export interface FoldCurve {
  /** the fold's validation rows: its weight in the pooled curve */
  rows: number;
  /** its validation loss after each epoch (round), from epoch 1 */
  loss: readonly number[];
}

/**
 * The round (1-based) whose validation loss, pooled over the folds' rows, is lowest; ties go to the earlier round.
 * A fold that its own patience stopped earlier than others counts at its last loss for the rounds after: it had not
 * improved for that many rounds, and ending the pooled curve there would cut every fold short of what the others
 * found (a fold at its best after 36 rounds would hold back four that were best after 72 to 229). Its model then
 * stays at its last round (cutRound). Null when fewer than 2 folds, or no round has a finite pooled loss.
 */
export function commonStoppingRound(curves: readonly FoldCurve[]): number | null {
  if (curves.length < 2) return null;
  const rounds = Math.max(...curves.map((c) => c.loss.length));
  let best: { round: number; loss: number } | null = null;
  for (let r = 0; r < rounds; r++) {
    let sum = 0;
    let rows = 0;
    for (const c of curves) {
      sum += c.rows * (c.loss.length === 0 ? NaN : c.loss[Math.min(r, c.loss.length - 1)]);
      rows += c.rows;
    }
    const pooled = sum / rows;
    if (Number.isFinite(pooled) && (!best || pooled < best.loss)) best = { round: r + 1, loss: pooled };
  }
  return best?.round ?? null;
}

/** the round a fold's model is cut back to: the common round, or its last where it stopped before it */
export function cutRound(common: number, trained: number): number {
  return Math.min(common, trained);
}
