import type { CurvePointRow, Store } from "../db/store";

/**
 * The live learning curve of a trial, written to the store in batches: points wait here until flush(), which writes
 * them in one statement and sets the trial's epoch count to the last one's epoch.
 */
export class CurveWriter {
  private pending: CurvePointRow[] = [];

  constructor(
    private readonly store: Store,
    private readonly trialId: string,
  ) {}

  add(point: CurvePointRow): void {
    this.pending.push(point);
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const points = this.pending;
    this.pending = [];
    await this.store.addCurvePoints(this.trialId, points);
    await this.store.updateTrial(this.trialId, { epochs: points[points.length - 1].epoch });
  }
}
