import fs from "node:fs/promises";
import path from "node:path";
import type { StudioContext } from "../context";
import type { RunRow, TrialRow } from "../db/store";
import type { FittedModel, ModelFamily, Task } from "../models/family";
import { greaterIsBetter } from "../automl/estimation/metrics";
import { chooseParent } from "../automl/estimation/weight-inheritance";
import { archiveFiles } from "../export/archive-files";
import { keys } from "../storage/keys";
import type { EstimateHooks } from "./estimate-candidate";
import { earlierBatches } from "./propose";

export interface Inheritance {
  /** the trial whose weights this one starts from, or null (the first batch, or nothing in common) */
  parent: TrialRow | null;
  hooks: Required<Pick<EstimateHooks, "parentModel" | "keepModel">>;
}

/**
 * Weight inheritance for one trial (server/automl/estimation/weight-inheritance.ts): its parent is the closest
 * finished candidate of the earlier batches (all finished before it was proposed, so the choice does not depend on
 * the worker count). Each validation model starts from the parent's model of the same fold, which never saw that
 * fold's validation rows, so the child's score is as honest as the parent's; the refit starts from the parent's refit.
 * Every validation model is kept for the children to come.
 */
export async function weightInheritance(ctx: StudioContext, run: RunRow, trial: TrialRow, family: ModelFamily, task: Task): Promise<Inheritance> {
  if (!family.inheritsWeights) throw new Error(`the ${family.name} family cannot inherit weights; choose another estimation`);
  const finished = earlierBatches(await ctx.store.listTrials(run.id), trial.number).filter(
    (t) => t.status === "done" && t.valScore !== null && Number.isFinite(t.valScore),
  );
  const chosen = chooseParent(
    trial.params,
    finished.map((t) => ({ number: t.number, params: t.params, value: t.valScore! })),
    greaterIsBetter(run.metric) ? "maximize" : "minimize",
  );
  const parent = finished.find((t) => t.number === chosen?.number) ?? null;
  const modelDir = async (owner: TrialRow, index: number) =>
    index < 0 ? path.join(await ctx.blobs.localPath(keys.trialArchive(run.id, owner.id)), archiveFiles.model) : ctx.blobs.localPath(keys.trialFoldModel(run.id, owner.id, index));
  return {
    parent,
    hooks: {
      async parentModel(index): Promise<FittedModel | null> {
        if (!parent) return null;
        const dir = await modelDir(parent, index);
        // a parent validated on fewer folds (a continued run's changed plan) has no model for this one
        return (await exists(dir)) ? family.load(dir, task) : null;
      },
      async keepModel(model, index) {
        const key = keys.trialFoldModel(run.id, trial.id, index);
        await ctx.blobs.remove(key);
        await model.save(await ctx.blobs.localPath(key));
      },
    },
  };
}

const exists = (p: string) =>
  fs.stat(p).then(
    () => true,
    () => false,
  );
