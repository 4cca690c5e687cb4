import { describe, expect, it } from "vitest";
import { replaySpace } from "../automl/space/recording-suggest";
import { forestFamily } from "../models/forest";
import { gbdtFamily } from "../models/gbdt";
import { linearFamily } from "../models/linear";
import { mlpFamily } from "../models/tfjs-mlp";
import type { Task } from "../models/family";
import type { Params } from "../automl/space/suggest";
import { candidateSpace, chosenFamily, defaultCandidates, splitParams } from "./candidate-space";

const task: Task = { type: "binary", classes: [] };

const shape = (p: Params) => [p.family, p[`${p.family}.growth`] ?? p[`${p.family}.kind`] ?? "default"];

describe("the candidate space of several families", () => {
  const space = candidateSpace([gbdtFamily, mlpFamily], task);
  const [gbdt, mlp] = defaultCandidates([gbdtFamily, mlpFamily], task);

  it("starts with each family's defaults, its hyperparameters under its name, and the default data stages", () => {
    expect(gbdt).toMatchObject({ family: "gbdt", "gbdt.learning_rate": 0.1, "gbdt.max_leaves": 31, feature_selection: "none", imputation: "median" });
    expect(mlp).toMatchObject({ family: "mlp", "mlp.depth": 2, "mlp.learning_rate": 1e-3 });
    // the two learning rates have different ranges: one name each, so no strategy mixes them up
    const replayed = replaySpace(space, gbdt);
    expect(replayed.distributions["gbdt.learning_rate"]).toMatchObject({ kind: "float", low: 0.01, high: 0.3 });
    expect(replayed.distributions.family).toMatchObject({ kind: "choice", choices: ["gbdt", "mlp"] });
    expect(Object.keys(replayed.distributions).some((k) => k.startsWith("mlp."))).toBe(false);
  });

  it("never leaves a family that needs scaled inputs unscaled; trees keep every scaling", () => {
    const families = [gbdtFamily, linearFamily, mlpFamily, forestFamily];
    const scalings = (family: string) => {
      const start = defaultCandidates(families, task).find((p) => p.family === family)!;
      return replaySpace(candidateSpace(families, task), start).distributions.scaling;
    };
    for (const family of ["linear", "mlp"]) expect(scalings(family)).toMatchObject({ kind: "choice", choices: ["standard", "robust"] });
    for (const family of ["gbdt", "forest"]) expect(scalings(family)).toMatchObject({ kind: "choice", choices: ["standard", "robust", "none"] });
    // a run of one such family too
    const [linear] = defaultCandidates([linearFamily], task);
    expect(replaySpace(candidateSpace([linearFamily], task), linear).distributions.scaling).toMatchObject({ choices: ["standard", "robust"] });
  });

  it("gives the family its own names back, unprefixed, and says which it chose", () => {
    expect(chosenFamily(mlp, ["gbdt", "mlp"])).toBe("mlp");
    const split = splitParams(mlp);
    expect(split.family).toEqual(mlpFamily.defaultParams(task));
    expect(split.stages.featureSelection).toBe("none");
  });

  it("follows the defaults with the families' portfolios, one of each family in turn, each a point of the space", () => {
    const families = [mlpFamily, gbdtFamily, forestFamily];
    const starts = defaultCandidates(families, task);
    expect(starts.map(shape)).toEqual([
      ["mlp", "default"],
      ["gbdt", "leafwise"],
      ["forest", "random_forest"],
      ["gbdt", "depthwise"],
      ["forest", "extra_trees"],
      ["gbdt", "leafwise"],
    ]);
    expect(starts[3]).toMatchObject({ "gbdt.max_depth": 4, "gbdt.learning_rate": 0.05, "gbdt.subsample": 0.8 });
    expect(starts[3]).not.toHaveProperty("gbdt.max_leaves");
    expect(starts[5]).toMatchObject({ "gbdt.max_leaves": 128, "gbdt.learning_rate": 0.03 });
    // each is a point of the space, which a strategy learns from as from its own draws
    const space = candidateSpace(families, task);
    for (const start of starts) expect(replaySpace(space, start).params).toMatchObject(start);
  });

  it("by priority, opens with the trees' defaults and portfolios, then the linear model, then the network", () => {
    const starts = defaultCandidates([mlpFamily, linearFamily, gbdtFamily, forestFamily], task, "priority");
    expect(starts.map(shape)).toEqual([
      ["gbdt", "leafwise"],
      ["forest", "random_forest"],
      ["gbdt", "depthwise"],
      ["forest", "extra_trees"],
      ["gbdt", "leafwise"],
      ["linear", "default"],
      ["mlp", "default"],
    ]);
    // the same configurations as listed, in another order
    const listed = defaultCandidates([mlpFamily, linearFamily, gbdtFamily, forestFamily], task);
    expect(new Set(starts.map((p) => JSON.stringify(p)))).toEqual(new Set(listed.map((p) => JSON.stringify(p))));
    // families of one priority keep the run's order
    expect(defaultCandidates([forestFamily, mlpFamily, gbdtFamily], task, "priority").map((p) => p.family)).toEqual(["forest", "gbdt", "forest", "gbdt", "gbdt", "mlp"]);
  });

  it("leaves a run of one family as it always was: bare names, no family choice", () => {
    const [only] = defaultCandidates([mlpFamily], task);
    expect(only).not.toHaveProperty("family");
    expect(only).toMatchObject({ depth: 2, units_0: 128 });
    expect(chosenFamily(only, ["mlp"])).toBe("mlp");
    expect(splitParams(only).family).toEqual(mlpFamily.defaultParams(task));
  });
});
