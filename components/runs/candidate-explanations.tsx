"use client";

import type { TrialExplanationDto } from "@/server/contracts/explanation";
import { ConfusionMatrix } from "../charts/confusion-matrix";
import { FeatureImportanceBars } from "../charts/feature-importance-bars";
import { ResidualPlot } from "../charts/residual-plot";
import { RocPrCurves } from "../charts/roc-pr-curves";
import { errorMessage } from "../queries/api";
import { isExplanationPending, useTrialExplanation } from "../queries/get-trial-explanation";
import { ErrorMessage } from "../ui/error-message";
import { formatCount, formatScore, METRIC_LABELS } from "../ui/format";

/**
 * What the selected candidate's model does on its validation rows: which columns it relies on (permutation
 * importance), and its confusion matrix and ROC/PR curves (classification) or its residuals (regression). Until the
 * candidate finishes there is none yet: that is said quietly, and asked again every few seconds while `poll`.
 */
export function CandidateExplanations({ trialId, poll = true }: { trialId: string; poll?: boolean }) {
  const { data, error, isPending } = useTrialExplanation(trialId, poll);
  return (
    <div className="insight" data-testid="candidate-explanations">
      <h3>What the model relies on</h3>
      {data?.trialId === trialId ? (
        <Explanation explanation={data} />
      ) : isExplanationPending(error) ? (
        <p className="muted small" data-testid="explanation-pending">
          {errorMessage(error)}
        </p>
      ) : error ? (
        <ErrorMessage error={error} />
      ) : isPending ? (
        <p className="muted small">Loading the explanation…</p>
      ) : null}
    </div>
  );
}

function Explanation({ explanation: e }: { explanation: TrialExplanationDto }) {
  const metric = METRIC_LABELS[e.metric] ?? e.metric;
  const { importance } = e;
  const sampled = importance.rowsUsed < e.validationRows;
  const total = e.confusion?.counts.flat().reduce((a, b) => a + b, 0) ?? 0;
  const positives = e.confusion && e.confusion.counts.length === 2 ? e.confusion.counts[1].reduce((a, b) => a + b, 0) : null;
  return (
    <>
      <div className="insight-part">
        <h3>Permutation importance</h3>
        {importance.rowsUsed > 0 ? (
          <p className="muted small">
            Each column of the data is shuffled {importance.repeats} times on {sampled ? `a sample of ${formatCount(importance.rowsUsed)} of the ` : ""}
            {formatCount(e.validationRows)} validation rows; the drop of the {metric} (from {formatScore(importance.baseline)}) is how much the model relies on it.
          </p>
        ) : null}
        {importance.note ? <p className="muted small">{importance.note}</p> : null}
        {importance.features.length > 0 ? <FeatureImportanceBars features={importance.features} metricLabel={metric} /> : null}
      </div>
      {e.confusion ? (
        <div className="insight-part">
          <h3>Confusion matrix</h3>
          <ConfusionMatrix labels={e.confusion.labels} counts={e.confusion.counts} />
        </div>
      ) : null}
      {e.roc && e.pr ? (
        <div className="insight-part">
          <RocPrCurves roc={e.roc} pr={e.pr} positiveClass={e.positiveClass} positiveRate={positives !== null && total > 0 ? positives / total : null} />
        </div>
      ) : null}
      {e.residuals ? (
        <div className="insight-part" data-testid="residual-plot">
          <h3>Residuals</h3>
          <ResidualPlot residuals={e.residuals} />
        </div>
      ) : null}
    </>
  );
}
