import type { CompareDto } from "@/server/contracts/compare";
import { formatScore } from "../ui/format";

/** how often (classification) or how far (regression) the candidates' predictions of the same rows differ, with example rows */
export function DisagreementPanel({ comparison }: { comparison: CompareDto }) {
  const { disagreement: d, candidates, label } = comparison;
  if (!d) return <p className="muted">{comparison.disagreementNote}</p>;
  const show = (v: string | number | null) => (v === null ? "—" : typeof v === "number" ? formatScore(v) : v);
  return (
    <div data-testid="compare-disagreement">
      {d.share !== null ? (
        <p>
          The predicted classes differ on{" "}
          <strong data-testid="disagreement-share" data-rows={d.differingRows} data-of={d.rows}>
            {d.differingRows} of {d.rows} rows ({(d.share * 100).toFixed(1)}%)
          </strong>
          .
        </p>
      ) : (
        <p>
          Mean absolute difference between two candidates&apos; predictions:{" "}
          <strong data-testid="disagreement-spread" data-rows={d.rows}>
            {formatScore(d.meanAbsDifference)}
          </strong>{" "}
          over {d.rows} rows.
        </p>
      )}
      <p className="muted small">{d.basis}</p>
      {d.examples.length === 0 ? (
        <p className="muted">They agree on every row.</p>
      ) : (
        <>
          <h3>{d.share !== null ? "Rows where they differ" : "Rows where they differ most"}</h3>
          <div className="table-wrap">
            <table className="table" data-testid="disagreement-examples">
              <thead>
                <tr>
                  <th scope="col">row</th>
                  <th scope="col">true {label}</th>
                  {candidates.map((c) => (
                    <th key={c.trial.id} scope="col">
                      {c.title}
                    </th>
                  ))}
                  <th scope="col">inputs</th>
                </tr>
              </thead>
              <tbody>
                {d.examples.map((e) => (
                  <tr key={e.row} data-testid="disagreement-example">
                    <th scope="row" className="num">
                      {e.row + 1}
                    </th>
                    <td className="mono">{show(e.truth)}</td>
                    {e.predictions.map((p, i) => (
                      <td key={candidates[i].trial.id} className="mono">
                        {show(p)}
                      </td>
                    ))}
                    <td>
                      <details>
                        <summary>{e.inputs.length} values</summary>
                        <dl className="small mono inline-pair">
                          {e.inputs.map((input) => (
                            <div key={input.column}>
                              <dt>{input.column}</dt>: <dd>{input.value ?? "(missing)"}</dd>
                            </div>
                          ))}
                        </dl>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
