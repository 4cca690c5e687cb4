import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { Metric } from "../../contracts/dataset";
import type { Params } from "../../automl/space/suggest";
import type { EpochReport, FitContext, FitInput, FitResult, FittedModel, ModelFamily } from "../family";

/** Test-only helpers for fitting a model family in its tests (imported by them only). */

/** A fit context (seed 42, no deadline) that records every epoch's report, and stops the fit after epoch `stopAt` if given. */
export function ctx(metric: Metric, extra: Partial<FitContext> & { stopAt?: number } = {}) {
  const reports: EpochReport[] = [];
  const c: FitContext = {
    seed: 42,
    metric,
    deadline: Infinity,
    ...extra,
    async onEpoch(r) {
      reports.push(r);
      return extra.stopAt !== undefined && r.epoch >= extra.stopAt ? "stop" : "continue";
    },
  };
  return { reports, ctx: c };
}

/** The family's fit, typed with the family's own fitted model. */
export const fitter =
  <M extends FittedModel>(family: ModelFamily) =>
  (input: FitInput, params: Params, c: FitContext) =>
    family.fit(input, params, c) as Promise<FitResult & { model: M }>;

/** bit-level equality of two prediction arrays */
export const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

/** A scratch folder for the calling suite: made before its tests, removed after them; call the result for its path. */
export function suiteTempDir(prefix: string): () => string {
  let dir = "";
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}
