/**
 * Where a study's trials live: the only source of truth (Optuna's storage). The study writes a
 * proposal when it asks and a result when it is told, and reads finished trials to build the history
 * a strategy learns from. Implementations: `MemoryTrialStore` here, the database one in server/db.
 * Every implementation must pass `trialStoreContract` (trial-store.contract.ts).
 */
import type { FinishedTrial, ProposedTrial, TrialState } from "../space/trial-record";

export type { FinishedTrial, ProposedTrial, TrialState } from "../space/trial-record";

export interface TrialResult {
  value: number | null;
  state: TrialState;
  /** see FinishedTrial.step */
  step?: number;
  /** see FinishedTrial.violation */
  violation?: number;
  /** see FinishedTrial.cost */
  cost?: number;
}

export interface TrialStore {
  /**
   * Records a proposal (the trial is then running). Idempotent: saving the same params again is a
   * no-op (whatever state the trial is in); different params for an existing number reject, since
   * proposals are deterministic and a mismatch means the run's seed, space or history changed.
   */
  saveProposal(studyId: string, trial: ProposedTrial): Promise<void>;
  /** Records how a proposed trial ended; rejects for an unknown trial or one already finished. */
  saveResult(studyId: string, number: number, result: TrialResult): Promise<FinishedTrial>;
  /** Every finished trial (complete, pruned or failed) of the study, ordered by number; copies. */
  finishedTrials(studyId: string): Promise<FinishedTrial[]>;
  /**
   * Every proposal of the study, running or finished, ordered by number; copies. The study reads the
   * earlier proposals of a trial's own batch from it (the pending trials a strategy may avoid repeating).
   */
  proposals(studyId: string): Promise<ProposedTrial[]>;
}
