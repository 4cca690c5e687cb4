"use client";

import { useEffect, useRef, useState } from "react";
import type { PredictionWarning } from "@/server/contracts/prediction";
import type { TrialDto } from "@/server/contracts/run";
import { useTrialPage, type LeaderboardView } from "../queries/list-trials";
import { usePredict } from "../queries/predict";
import { ErrorMessage } from "../ui/error-message";

/** the candidates offered: the best finished ones, in leaderboard order (a run may have thousands) */
const FINISHED_VIEW: LeaderboardView = { status: ["done", "stopped"], limit: 100 };

/**
 * Upload a CSV without the label and get predictions.csv back, from the best candidate or a chosen one (among the
 * 100 best finished).
 * The download starts by itself; the link stays for another click. Warnings about the uploaded CSV (unseen categories,
 * values of the wrong type, empty columns) are listed below: the predictions were made all the same.
 */
export function PredictBox({ runId, best, poll }: { runId: string; best: TrialDto | null; poll: boolean }) {
  const predict = usePredict();
  const finished = useTrialPage(runId, FINISHED_VIEW, { poll });
  const [candidate, setCandidate] = useState("");
  const [url, setUrl] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<PredictionWarning[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const link = useRef<HTMLAnchorElement>(null);

  useEffect(() => {
    // a fresh result downloads by itself; the link stays for another click
    if (url) link.current?.click();
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [url]);

  const send = (file: File | undefined) => {
    if (!file) return;
    setUrl(null);
    setWarnings([]);
    predict.mutate(
      { runId, file, candidate: candidate || null },
      {
        onSuccess: (result) => {
          setWarnings(result.warnings);
          setUrl(URL.createObjectURL(result.blob));
        },
        onSettled: () => {
          if (input.current) input.current.value = "";
        },
      },
    );
  };

  const usable = finished.data?.trials ?? [];
  // the best candidate is known with the run, before the list of the others arrives
  const ready = best !== null || usable.length > 0;
  return (
    <section className="card" data-testid="predict-box">
      <h2>Predict</h2>
      <p className="muted small">Upload a CSV with the same feature columns (the label may be left out); you get one prediction per row.</p>
      <div className="predict-row">
        <label className="field inline">
          <span>Candidate</span>
          <select value={candidate} onChange={(e) => setCandidate(e.target.value)} data-testid="predict-candidate">
            <option value="">best{best ? ` (#${best.number})` : ""}</option>
            {usable.map((t) => (
              <option key={t.id} value={t.id}>
                #{t.number} {t.family}
              </option>
            ))}
          </select>
        </label>
        <label className={`btn${!ready || predict.isPending ? " btn-disabled" : ""}`}>
          {predict.isPending ? "Predicting…" : "Choose CSV…"}
          <input
            ref={input}
            type="file"
            accept=".csv,.tsv,.txt,text/csv"
            className="visually-hidden"
            data-testid="predict-input"
            disabled={!ready || predict.isPending}
            onChange={(e) => send(e.target.files?.[0])}
          />
        </label>
        {url ? (
          <a ref={link} href={url} download="predictions.csv" className="btn btn-primary" data-testid="predict-download">
            Download predictions.csv
          </a>
        ) : null}
      </div>
      {warnings.length > 0 ? (
        <div role="status" data-testid="predict-warning" className="notice" style={WARNING_STYLE}>
          <strong>
            The predictions were made, but the file differs from the training data in {warnings.length}{" "}
            {warnings.length === 1 ? "column" : "columns"}:
          </strong>
          <ul>
            {warnings.map((w) => (
              <li key={`${w.column}:${w.kind}`}>{w.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {ready ? null : <p className="muted small">Predictions are available once a candidate has finished.</p>}
      <ErrorMessage error={predict.error} />
    </section>
  );
}

/** the .notice box in amber: a warning, not a success */
const WARNING_STYLE = { background: "#fffbeb", borderColor: "#fde68a", color: "#92400e" } as const;
