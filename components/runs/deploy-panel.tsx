"use client";

import { useState, useSyncExternalStore } from "react";
import { curlExample, type DeploymentDto, type PredictRowsDto } from "@/server/contracts/deployment";
import { useDeployCandidate } from "../queries/deploy-candidate";
import { useModel } from "../queries/get-model";
import { useTrialDeployment } from "../queries/get-trial-deployment";
import { usePredictRows } from "../queries/predict-rows";
import { useUndeployCandidate } from "../queries/undeploy-candidate";
import { ErrorMessage } from "../ui/error-message";

/**
 * Real-time predictions for the selected candidate: Deploy / Undeploy, and once deployed its endpoint, a curl example
 * with a real example row (built from the model's inputs), and "Try it", which sends that row and shows the answer.
 * Renders nothing until the candidate has finished.
 */
export function DeployPanel({ trialId, finished }: { trialId: string; finished: boolean }) {
  // keyed: another candidate starts with no leftover error or answer
  return finished ? <CandidateDeployment key={trialId} trialId={trialId} /> : null;
}

function CandidateDeployment({ trialId }: { trialId: string }) {
  const state = useTrialDeployment(trialId, true);
  const deploy = useDeployCandidate(trialId);
  const undeploy = useUndeployCandidate(trialId);
  const deployment = state.data?.deployment ?? null;

  return (
    <div className="deploy-panel" data-testid="deploy-panel" style={PANEL_STYLE}>
      <h3 style={{ margin: "0 0 6px" }}>Real-time predictions</h3>
      {state.isPending ? (
        <p className="muted small">Checking whether this candidate is deployed…</p>
      ) : deployment ? (
        <Deployed
          key={deployment.id}
          deployment={deployment}
          undeploying={undeploy.isPending}
          onUndeploy={() => undeploy.mutate({ modelId: deployment.id, runId: deployment.runId })}
        />
      ) : (
        <div className="toolbar">
          <button type="button" className="btn btn-primary" data-testid="deploy-candidate" disabled={deploy.isPending || state.isError} onClick={() => deploy.mutate()}>
            {deploy.isPending ? "Deploying…" : "Deploy"}
          </button>
          <span className="muted small">Serve this candidate&apos;s predictions over HTTP: JSON rows in, predictions and probabilities out, in milliseconds.</span>
        </div>
      )}
      <ErrorMessage error={state.error ?? deploy.error ?? undeploy.error} />
    </div>
  );
}

function Deployed({ deployment, undeploying, onUndeploy }: { deployment: DeploymentDto; undeploying: boolean; onUndeploy(): void }) {
  const origin = useOrigin();
  const model = useModel(deployment.id);
  const tryIt = usePredictRows();
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const url = `${origin}${deployment.endpoint}`;
  const example = model.data ? [model.data.exampleRow] : null;
  const curl = example ? curlExample(url, example) : null;

  const copy = async () => {
    if (!curl) return;
    try {
      await navigator.clipboard.writeText(curl);
      setCopied("yes");
    } catch {
      // no clipboard (a page served over plain http from another host): the text is there to select
      setCopied("no");
    }
  };

  return (
    <>
      <div className="toolbar">
        <span className="small">
          Deployed as model <span className="mono">{deployment.id}</span> · POST JSON rows to{" "}
          <span className="mono" data-testid="deploy-endpoint">
            {url}
          </span>
        </span>
        <button type="button" className="btn btn-small btn-danger-outline" data-testid="undeploy-candidate" disabled={undeploying} onClick={onUndeploy}>
          {undeploying ? "Undeploying…" : "Undeploy"}
        </button>
      </div>
      {curl ? (
        <>
          <pre className="mono" data-testid="deploy-curl" style={CODE_STYLE}>
            {curl}
          </pre>
          <div className="toolbar">
            <button type="button" className="btn btn-small" data-testid="deploy-copy" onClick={copy}>
              {copied === "yes" ? "Copied" : "Copy curl"}
            </button>
            <button
              type="button"
              className="btn btn-small"
              data-testid="deploy-try"
              disabled={tryIt.isPending}
              onClick={() => example && tryIt.mutate({ modelId: deployment.id, rows: example })}
            >
              {tryIt.isPending ? "Sending…" : "Try it with this row"}
            </button>
            {copied === "no" ? <span className="muted small">The browser did not allow copying: select the text above.</span> : null}
          </div>
          <p className="muted small">
            The answer: <span className="mono">{`{"predictions": [{"prediction": …, "probabilities": {class: p}}], "warnings": […]}`}</span>, one
            prediction per row in order (at most {model.data?.maxRows.toLocaleString("en-US")} rows per request). Every row needs the model&apos;s{" "}
            {model.data?.inputs.length} input columns (null for a missing value); a missing or unknown column is a 400 that names it. With{" "}
            <span className="mono">STUDIO_TOKEN</span> set, add <span className="mono">-H &apos;Authorization: Bearer $STUDIO_TOKEN&apos;</span>.
          </p>
        </>
      ) : model.isPending ? (
        <p className="muted small">Loading the model&apos;s inputs…</p>
      ) : null}
      {tryIt.data ? <TryResult result={tryIt.data} /> : null}
      <ErrorMessage error={model.error ?? tryIt.error} />
    </>
  );
}

function TryResult({ result }: { result: PredictRowsDto }) {
  const [first] = result.predictions;
  const probabilities = first?.probabilities ? Object.entries(first.probabilities) : [];
  return (
    <div role="status" className="notice" data-testid="deploy-try-result">
      Prediction: <strong data-testid="deploy-try-prediction">{String(first?.prediction ?? "none")}</strong>
      {probabilities.length > 0 ? <span> · {probabilities.map(([c, p]) => `${c} ${p.toFixed(3)}`).join(", ")}</span> : null}
      {result.warnings.length > 0 ? <span> · {result.warnings.map((w) => w.message).join(" ")}</span> : null}
    </div>
  );
}

/** the page's origin (empty while rendering on the server) */
function useOrigin(): string {
  return useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => "",
  );
}
const noSubscription = () => () => {};

const PANEL_STYLE = { marginTop: 14, paddingTop: 12, borderTop: "1px solid var(--border)" } as const;
// wrapped anywhere: the example row is one long JSON line, all of it in view
const CODE_STYLE = { background: "#f3f4f6", border: "1px solid var(--border)", borderRadius: 6, padding: "8px 10px", margin: "8px 0", whiteSpace: "pre-wrap", overflowWrap: "anywhere" } as const;
