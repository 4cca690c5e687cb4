/** An in-memory `TrialStore` for tests, the CLI and single-process runs. */
import { sameDistribution } from "../space/distributions";
import type { FinishedTrial, ProposedTrial, TrialResult, TrialStore } from "./trial-store";

interface Entry {
  proposal: ProposedTrial;
  result: TrialResult | null;
}

export class MemoryTrialStore implements TrialStore {
  private readonly studies = new Map<string, Map<number, Entry>>();

  async saveProposal(studyId: string, trial: ProposedTrial): Promise<void> {
    if (!Number.isSafeInteger(trial.number) || trial.number < 0) throw new Error(`trial numbers are non-negative integers, got ${trial.number}`);
    const trials = this.study(studyId);
    const existing = trials.get(trial.number);
    if (existing) {
      if (!sameProposal(existing.proposal, trial)) {
        throw new Error(`trial ${trial.number} of study ${studyId} was already proposed with different params: ${JSON.stringify(existing.proposal.params)} vs ${JSON.stringify(trial.params)}`);
      }
      return;
    }
    trials.set(trial.number, { proposal: structuredClone(trial), result: null });
  }

  async saveResult(studyId: string, number: number, result: TrialResult): Promise<FinishedTrial> {
    const entry = this.studies.get(studyId)?.get(number);
    if (!entry) throw new Error(`trial ${number} of study ${studyId} was never proposed`);
    if (entry.result) throw new Error(`trial ${number} of study ${studyId} already finished (${entry.result.state})`);
    entry.result = { value: result.value, state: result.state, ...(result.step !== undefined && { step: result.step }), ...(result.violation !== undefined && { violation: result.violation }), ...(result.cost !== undefined && { cost: result.cost }) };
    return toFinished(entry.proposal, entry.result);
  }

  async finishedTrials(studyId: string): Promise<FinishedTrial[]> {
    const trials = [...(this.studies.get(studyId)?.values() ?? [])];
    return trials
      .filter((e) => e.result !== null)
      .sort((a, b) => a.proposal.number - b.proposal.number)
      .map((e) => toFinished(e.proposal, e.result as TrialResult));
  }

  async proposals(studyId: string): Promise<ProposedTrial[]> {
    const trials = [...(this.studies.get(studyId)?.values() ?? [])];
    return trials.map((e) => structuredClone(e.proposal)).sort((a, b) => a.number - b.number);
  }

  private study(studyId: string): Map<number, Entry> {
    let trials = this.studies.get(studyId);
    if (!trials) this.studies.set(studyId, (trials = new Map()));
    return trials;
  }
}

function toFinished(proposal: ProposedTrial, result: TrialResult): FinishedTrial {
  return { ...structuredClone(proposal), ...result };
}

function sameProposal(a: ProposedTrial, b: ProposedTrial): boolean {
  const names = Object.keys(a.params);
  if (names.length !== Object.keys(b.params).length) return false;
  return names.every((n) => a.params[n] === b.params[n] && !!a.distributions[n] && !!b.distributions[n] && sameDistribution(a.distributions[n], b.distributions[n]));
}
