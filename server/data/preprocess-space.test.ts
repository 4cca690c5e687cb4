import { describe, expect, it } from "vitest";
import { RecordingSuggest } from "../automl/space/recording-suggest";
import type { Task } from "../models/family";
import { PreprocessOptions } from "./preprocess";
import { defaultPreprocessing, preprocessOptionsOf, suggestPreprocessing } from "./preprocess-space";

const binary: Task = { type: "binary", classes: ["no", "yes"] };
const regression: Task = { type: "regression", classes: [] };

describe("preprocessing space", () => {
  it("asks imputation, encoding and scaling, and class_weight for classification only", () => {
    const asked: [string, unknown][] = [];
    const last = new RecordingSuggest((name, dist) => {
      asked.push([name, dist]);
      return dist.kind === "choice" ? dist.choices[dist.choices.length - 1] : 0;
    });
    expect(suggestPreprocessing(last, binary)).toEqual({ imputation: "constant", encoding: "target", scaling: "none", class_weight: "balanced" });
    expect(asked.map(([name]) => name)).toEqual(["imputation", "encoding", "scaling", "class_weight"]);
    const first = new RecordingSuggest((_, dist) => (dist.kind === "choice" ? dist.choices[0] : 0));
    expect(suggestPreprocessing(first, regression)).toEqual({ imputation: "median", encoding: "onehot", scaling: "standard" });
  });

  it("offers a family that needs scaled inputs every scaling but none", () => {
    const last = new RecordingSuggest((_, dist) => (dist.kind === "choice" ? dist.choices[dist.choices.length - 1] : 0));
    expect(suggestPreprocessing(last, binary, { scaled: true })).toMatchObject({ scaling: "robust" });
    expect(last.distributions.scaling).toMatchObject({ kind: "choice", choices: ["standard", "robust"] });
  });

  it("defaults to median, one-hot, standard (and unweighted classes)", () => {
    expect(defaultPreprocessing(binary)).toEqual({ imputation: "median", encoding: "onehot", scaling: "standard", class_weight: "none" });
    expect(defaultPreprocessing(regression)).toEqual({ imputation: "median", encoding: "onehot", scaling: "standard" });
    expect(preprocessOptionsOf(defaultPreprocessing(binary))).toEqual(PreprocessOptions.parse({}));
  });

  it("reads options from params; keys a stored trial lacks are the defaults; a bad value is refused", () => {
    expect(preprocessOptionsOf({ lr: 0.1, encoding: "ordinal", class_weight: "balanced" })).toEqual({
      imputation: "median",
      encoding: "ordinal",
      scaling: "standard",
    });
    expect(preprocessOptionsOf({})).toEqual({ imputation: "median", encoding: "onehot", scaling: "standard" });
    expect(() => preprocessOptionsOf({ scaling: "minmax" })).toThrow();
  });

  it("options round-trip through JSON and zod", () => {
    const options = PreprocessOptions.parse({ imputation: "most_frequent", encoding: "target", scaling: "robust" });
    expect(PreprocessOptions.parse(JSON.parse(JSON.stringify(options)))).toEqual(options);
  });
});
