import { archiveUrl, notebookUrl } from "../queries/get-run";

/**
 * A finished candidate's downloads: its archive (model, preprocessing, the reproducibility notebook, the portable
 * parameters and a standalone Node prediction script) and the notebook alone, with the CLI command that does the same.
 */
export function CandidateDownloads({ trialId, number }: { trialId: string; number: number }) {
  return (
    <div className="candidate-downloads" data-testid="candidate-downloads">
      <div className="toolbar">
        <a className="btn" href={archiveUrl(trialId)} download data-testid="download-candidate-archive">
          Download candidate #{number} (model + notebook, .zip)
        </a>
        <a className="btn" href={notebookUrl(trialId)} download data-testid="download-candidate-notebook">
          Notebook only (.ipynb)
        </a>
      </div>
      <p className="muted small">
        The zip holds <span className="mono">notebook.ipynb</span>, which replays this candidate&apos;s predictions from its exported parameters and
        retrains it from scratch with pandas, scikit-learn and PyTorch; <span className="mono">predict.mjs</span> (
        <span className="mono">node predict.mjs input.csv</span>, nothing to install); and <span className="mono">portable.json</span>, the trained
        parameters. The notebook runs from the unzipped folder. From the command line:{" "}
        <span className="mono">npm run automl -- export --run DIR --candidate {number} --out DIR</span>
      </p>
    </div>
  );
}
