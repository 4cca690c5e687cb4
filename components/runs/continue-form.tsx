"use client";

import { useState, type FormEvent } from "react";
import { useContinueRun } from "../queries/continue-run";
import { ErrorMessage } from "../ui/error-message";

/** Continue a finished run with more trials and/or more minutes. */
export function ContinueForm({ runId }: { runId: string }) {
  const cont = useContinueRun(runId);
  const [trials, setTrials] = useState("5");
  const [minutes, setMinutes] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const num = (s: string) => (s.trim() === "" ? undefined : Number(s));
    cont.mutate({ extraTrials: num(trials), extraMinutes: num(minutes) });
  };
  return (
    <form className="card form continue" onSubmit={submit}>
      <h2>Continue with more budget</h2>
      <div className="form-grid">
        <label className="field">
          <span>Extra trials</span>
          <input type="number" min="1" step="1" value={trials} placeholder="none" data-testid="continue-trials" onChange={(e) => setTrials(e.target.value)} />
        </label>
        <label className="field">
          <span>Extra minutes</span>
          <input type="number" min="0" step="any" value={minutes} placeholder="none" data-testid="continue-minutes" onChange={(e) => setMinutes(e.target.value)} />
        </label>
        <div className="field field-end">
          <button type="submit" className="btn btn-primary" data-testid="continue-run" disabled={cont.isPending}>
            {cont.isPending ? "Continuing…" : "Continue run"}
          </button>
        </div>
      </div>
      <ErrorMessage error={cont.error} />
    </form>
  );
}
