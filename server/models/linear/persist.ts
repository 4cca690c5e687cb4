import { z } from "zod";
import type { Task } from "../family";
import { ParamsFile, readModelFile, TaskFile, writeModelFile } from "../shared/model-file";
import type { TargetScaler } from "../layers/predict";
import type { FittedLinear } from "./model";

/**
 * Persistence: one model.json with the task, the feature count, the coefficients (one array per output: the
 * standardised target's for regression, the log-odds' or class scores' for classification), the intercepts, the
 * regression target's scaler and the hyperparameters. Numbers are JSON numbers, which round-trip doubles exactly, so
 * a loaded model predicts bit for bit what the saved one did.
 */

const FORMAT = "automl-studio/linear@1";

const ModelFile = z.object({
  format: z.literal(FORMAT),
  task: TaskFile,
  features: z.number().int().min(0),
  coef: z.array(z.array(z.number())).min(1),
  intercept: z.array(z.number()).min(1),
  scaler: z.object({ mean: z.number(), std: z.number().positive() }).nullable(),
  params: ParamsFile,
});
type ModelFile = z.infer<typeof ModelFile>;

/** Writes dir/model.json (see writeModelFile). */
export async function saveLinear(dir: string, model: FittedLinear): Promise<void> {
  const d = model.features;
  const k = model.outputs;
  const file: ModelFile = {
    format: FORMAT,
    task: { type: model.task.type, classes: model.task.classes },
    features: d,
    coef: Array.from({ length: k }, (_, c) => Array.from(model.theta.subarray(c * d, (c + 1) * d))),
    intercept: Array.from(model.theta.subarray(k * d)),
    scaler: model.scaler && { mean: model.scaler.mean, std: model.scaler.std },
    params: model.params,
  };
  await writeModelFile(dir, file);
}

/** What a saved model consists of (FittedLinear's constructor arguments). */
export interface LinearParts {
  task: Task;
  features: number;
  theta: Float64Array;
  scaler: TargetScaler | null;
  params: ModelFile["params"];
}

export async function loadLinear(dir: string, task: Task): Promise<LinearParts> {
  const file = await readModelFile(dir, ModelFile);
  if (file.task.type !== task.type) throw new Error(`linear: the saved model is for a ${file.task.type} task, not ${task.type}`);
  const classes = task.classes.length ? task.classes : file.task.classes;
  const k = file.coef.length;
  const outputs = task.type === "multiclass" ? classes.length : 1;
  if (k !== outputs || file.intercept.length !== k) {
    throw new Error(`linear: the saved model has ${k} coefficient vectors and ${file.intercept.length} intercepts, the task needs ${outputs}`);
  }
  const d = file.features;
  const bad = file.coef.findIndex((c) => c.length !== d);
  if (bad >= 0) throw new Error(`linear: the saved model's coefficient vector ${bad} has ${file.coef[bad].length} values, not ${d}`);
  if ((task.type === "regression") !== (file.scaler !== null)) throw new Error("linear: the saved model's target scaler does not match its task");
  const theta = new Float64Array(k * (d + 1));
  file.coef.forEach((c, i) => theta.set(c, i * d));
  theta.set(file.intercept, k * d);
  return { task: { type: task.type, classes }, features: d, theta, scaler: file.scaler, params: file.params };
}
