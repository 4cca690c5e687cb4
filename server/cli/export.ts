import path from "node:path";
import { exportCandidate } from "../usecases/export-candidate";
import { required, type Options } from "./options";
import { openCliStudio } from "./studio-dir";

/** `export`: any candidate's archive, with its notebook and exports, from a CLI run folder, by candidate id or trial number. */
export async function exportCommand(values: Options): Promise<void> {
  const ctx = await openCliStudio(path.resolve(required(values, "run")));
  try {
    const wanted = required(values, "candidate");
    const runs = await ctx.store.listRuns();
    if (runs.length === 0) throw new Error(`${values.run} holds no run: pass the --out folder of a train command`);
    const trials = (await Promise.all(runs.map((r) => ctx.store.listTrials(r.id)))).flat();
    const trial = trials.find((t) => t.id === wanted || String(t.number) === wanted);
    if (!trial) throw new Error(`no candidate "${wanted}"; candidates: ${trials.map((t) => `${t.number} (${t.id})`).join(", ")}`);
    const out = path.resolve(required(values, "out"));
    await exportCandidate(ctx, trial.id, out);
    console.log(`wrote candidate #${trial.number} to ${out} (open notebook.ipynb there, or predict with: node predict.mjs input.csv)`);
  } finally {
    await ctx.close();
  }
}
