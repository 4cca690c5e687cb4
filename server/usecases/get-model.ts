import { MAX_LISTED_VALUES, MAX_PREDICT_ROWS, type ModelInfoDto, type ModelInputDto, type RowValue } from "../contracts/deployment";
import type { StudioContext } from "../context";
import { OTHER, type PreprocessorState } from "../data/preprocess";
import { parseNumber } from "../data/values";
import { toDeploymentDto } from "./deployment-dto";
import { useDeployedModel } from "./deployed-model";
import { predictorCache, type PredictorCache } from "./predictor-cache";

/**
 * A deployed model and what to send it: the columns every row needs, how the model reads each (with the categories it
 * learnt), and an example row built from them, ready to send (the training median, most frequent category, earliest
 * date...). Loads the model into the cache when it is cold, so the next prediction is fast.
 */
export async function getModel(ctx: StudioContext, modelId: string, cache: PredictorCache = predictorCache()): Promise<ModelInfoDto> {
  return useDeployedModel(ctx, modelId, cache, ({ manifest, preprocessing }, deployment): ModelInfoDto => {
    const inputs = modelInputs(preprocessing);
    const exampleRow = Object.create(null) as Record<string, RowValue>;
    for (const input of inputs) exampleRow[input.name] = input.example;
    return {
      ...toDeploymentDto(deployment, { number: manifest.trialNumber, family: manifest.family }),
      label: manifest.label,
      problemType: manifest.problemType,
      metric: manifest.metric,
      classes: manifest.problemType === "regression" ? [] : manifest.classes,
      inputs,
      ignored: [...preprocessing.columns.filter((c) => c.kind === "dropped").map((c) => c.name), preprocessing.label],
      exampleRow,
      maxRows: MAX_PREDICT_ROWS,
    };
  });
}

/** the columns the model uses, in table order, with an example value each */
export function modelInputs(state: PreprocessorState): ModelInputDto[] {
  const inputs: ModelInputDto[] = [];
  for (const step of state.columns) {
    switch (step.kind) {
      case "numeric": {
        // version 1 archives kept the median as `median`; version 2 the imputed value as `fill`
        const fill = "fill" in step ? step.fill : step.median;
        inputs.push({ name: step.name, kind: "numeric", values: null, example: Number.isFinite(fill) ? round(fill) : 0 });
        break;
      }
      case "boolean":
        inputs.push({ name: step.name, kind: "boolean", values: [...step.ones, ...step.zeros], example: asValue(step.ones[0] ?? step.zeros[0] ?? null) });
        break;
      case "categorical": {
        const categories = step.categories.filter((c) => c !== OTHER);
        const example = ("fill" in step ? step.fill : null) ?? categories[0] ?? null;
        inputs.push({ name: step.name, kind: "categorical", values: categories.slice(0, MAX_LISTED_VALUES), example: asValue(example) });
        break;
      }
      case "datetime":
        inputs.push({ name: step.name, kind: "datetime", values: null, example: isoDate(step.origin) });
        break;
      case "text":
        inputs.push({ name: step.name, kind: "text", values: null, example: "some text" });
        break;
      case "dropped":
        break;
    }
  }
  return inputs;
}

/** a category that reads as a number is sent as one (a CSV cell "2" and the JSON number 2 are the same category) */
function asValue(s: string | null): RowValue {
  if (s === null) return null;
  const n = parseNumber(s);
  return n !== null && String(n) === s ? n : s;
}

/** a median such as 2319.5 as is; long fractions cut to 6 significant digits */
const round = (v: number) => Number(v.toPrecision(6));

/** an ISO date (with the time when it has one), which the date reading always recognises */
function isoDate(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const iso = new Date(ms).toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 19);
}
