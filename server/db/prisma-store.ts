/**
 * Store on Prisma (SQLite or PostgreSQL: the same code runs on either generated client). Conditional transitions are
 * single `updateMany ... where status in (...)` statements, so they are atomic on both databases without transactions.
 */
import { Prisma, type PrismaClient } from "./generated/sqlite/client";
import type { CurvePoint, Dataset, Deployment, Run, Trial } from "./generated/sqlite/client";
import type { ColumnProfile, Metric, ProblemType } from "../contracts/dataset";
import { LEAN_TRIAL_COLUMNS, type CurvePointRow, type DatasetRow, type DeploymentRow, type NewRun, type NewTrial, type RunRow, type RunStatus, type LeanTrialRow, type Store, type TrialResult, type TrialRow, type TrialStatus } from "./store";

/** The Prisma client the store and queue run on (typed by the SQLite client; the PostgreSQL one is identical in use). */
export type PrismaDb = PrismaClient;

type RunPatch = Partial<Omit<RunRow, "id" | "datasetId" | "createdAt">>;

/** Json? columns: JS null means SQL NULL. */
function nullableJson(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null || value === undefined ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}

/** Drops undefined keys, so that a patch only touches the fields it names. */
function defined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function runData(patch: RunPatch): Prisma.RunUpdateManyMutationInput {
  const { searchState, columnTypes, validationPlan, ...rest } = defined(patch);
  const data: Prisma.RunUpdateManyMutationInput = { ...rest };
  if ("searchState" in patch && patch.searchState !== undefined) data.searchState = nullableJson(searchState);
  if (patch.columnTypes !== undefined) data.columnTypes = nullableJson(columnTypes);
  if (patch.validationPlan !== undefined) data.validationPlan = nullableJson(validationPlan);
  return data;
}

function trialData(patch: TrialResult): Prisma.TrialUpdateManyMutationInput {
  const { valMetrics, testMetrics, rungScores, ...rest } = defined(patch);
  const data: Prisma.TrialUpdateManyMutationInput = { ...rest };
  if (patch.valMetrics !== undefined) data.valMetrics = nullableJson(valMetrics);
  if (patch.testMetrics !== undefined) data.testMetrics = nullableJson(testMetrics);
  if (patch.rungScores !== undefined) data.rungScores = nullableJson(rungScores);
  return data;
}

export function toDatasetRow(d: Dataset): DatasetRow {
  return {
    id: d.id,
    name: d.name,
    sizeBytes: d.sizeBytes,
    rowCount: d.rowCount,
    columnCount: d.columnCount,
    sha256: d.sha256,
    columns: d.columns as unknown as ColumnProfile[],
    createdAt: d.createdAt,
  };
}

export function toRunRow(r: Run): RunRow {
  return {
    id: r.id,
    datasetId: r.datasetId,
    label: r.label,
    problemType: r.problemType as ProblemType,
    metric: r.metric as Metric,
    strategy: r.strategy,
    scheduler: r.scheduler,
    seed: r.seed,
    maxTrials: r.maxTrials,
    budgetSeconds: r.budgetSeconds,
    status: r.status as RunStatus,
    error: r.error,
    backend: r.backend,
    spaceVersion: r.spaceVersion,
    searchState: r.searchState ?? null,
    bestTrialId: r.bestTrialId,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    elapsedSeconds: r.elapsedSeconds,
    columnTypes: (r.columnTypes ?? null) as RunRow["columnTypes"],
    validation: r.validation as RunRow["validation"],
    finalModel: r.finalModel as RunRow["finalModel"],
    groupColumn: r.groupColumn,
    timeColumn: r.timeColumn,
    validationPlan: (r.validationPlan ?? null) as RunRow["validationPlan"],
    families: r.family.split(","),
    estimation: r.estimation,
    testFraction: r.testFraction,
    maxArchiveBytes: r.maxArchiveBytes,
    maxPredictMsPer1k: r.maxPredictMsPer1k,
    maxTrainSeconds: r.maxTrainSeconds,
  };
}

export function toTrialRow(t: Trial): TrialRow {
  return {
    id: t.id,
    runId: t.runId,
    number: t.number,
    family: t.family,
    params: t.params as TrialRow["params"],
    spaceVersion: t.spaceVersion,
    status: t.status as TrialStatus,
    reason: t.reason,
    valScore: t.valScore,
    testScore: t.testScore,
    valMetrics: (t.valMetrics ?? null) as TrialRow["valMetrics"],
    testMetrics: (t.testMetrics ?? null) as TrialRow["testMetrics"],
    valScoreSe: t.valScoreSe,
    testScoreSe: t.testScoreSe,
    epochs: t.epochs,
    bestEpoch: t.bestEpoch,
    paramCount: t.paramCount,
    archiveBytes: t.archiveBytes,
    trainSeconds: t.trainSeconds,
    predictMsPer1k: t.predictMsPer1k,
    attempts: t.attempts,
    createdAt: t.createdAt,
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
    updatedAt: t.updatedAt,
    bracket: t.bracket,
    rung: t.rung,
    rungScores: (t.rungScores ?? null) as TrialRow["rungScores"],
    lowFidelityScore: t.lowFidelityScore,
    parentNumber: t.parentNumber,
    infeasibleReason: t.infeasibleReason,
  };
}

/** curve points per INSERT: 7 bound values each, well under SQLite's 32,766 */
const CURVE_BATCH = 2000;

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

function toCurvePointRow(p: CurvePoint): CurvePointRow {
  return { epoch: p.epoch, trainLoss: p.trainLoss, valLoss: p.valLoss, trainMetric: p.trainMetric, valMetric: p.valMetric, seconds: p.seconds };
}

function toDeploymentRow(d: Deployment): DeploymentRow {
  return { id: d.id, trialId: d.trialId, runId: d.runId, createdAt: d.createdAt };
}

/** a unique constraint failed (Prisma's P2002), as a second deployment of one trial does */
// by its code: each provider's generated client has its own error class
const isUniqueViolation = (err: unknown) => typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";

export class PrismaStore implements Store {
  constructor(
    private readonly prisma: PrismaDb,
    private readonly onClose: () => Promise<void> = () => prisma.$disconnect(),
  ) {}

  // datasets

  async createDataset(row: Omit<DatasetRow, "createdAt">): Promise<DatasetRow> {
    const { columns, ...rest } = row;
    return toDatasetRow(await this.prisma.dataset.create({ data: { ...rest, columns: columns as unknown as Prisma.InputJsonValue } }));
  }

  async getDataset(id: string): Promise<DatasetRow | null> {
    const d = await this.prisma.dataset.findUnique({ where: { id } });
    return d && toDatasetRow(d);
  }

  async listDatasets(): Promise<DatasetRow[]> {
    return (await this.prisma.dataset.findMany({ orderBy: [{ createdAt: "desc" }, { id: "asc" }] })).map(toDatasetRow);
  }

  async deleteDataset(id: string): Promise<void> {
    await this.prisma.dataset.deleteMany({ where: { id } });
  }

  // runs

  async createRun(run: NewRun): Promise<RunRow> {
    const { columnTypes, validationPlan, families, ...rest } = run;
    return toRunRow(
      await this.prisma.run.create({ data: { ...rest, ...(families && { family: families.join(",") }), columnTypes: nullableJson(columnTypes), validationPlan: nullableJson(validationPlan) } }),
    );
  }

  async getRun(id: string): Promise<RunRow | null> {
    const r = await this.prisma.run.findUnique({ where: { id } });
    return r && toRunRow(r);
  }

  async listRuns(filter: { datasetId?: string; statuses?: RunStatus[] } = {}): Promise<RunRow[]> {
    const rows = await this.prisma.run.findMany({
      where: { datasetId: filter.datasetId, status: filter.statuses ? { in: filter.statuses } : undefined },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    });
    return rows.map(toRunRow);
  }

  async updateRun(id: string, patch: RunPatch): Promise<RunRow> {
    return toRunRow(await this.prisma.run.update({ where: { id }, data: runData(patch) }));
  }

  async transitionRun(id: string, from: RunStatus[], patch: RunPatch): Promise<boolean> {
    const { count } = await this.prisma.run.updateMany({ where: { id, status: { in: from } }, data: runData(patch) });
    return count === 1;
  }

  async deleteRun(id: string): Promise<void> {
    await this.prisma.run.deleteMany({ where: { id } });
  }

  // trials

  async createTrial(trial: NewTrial): Promise<TrialRow> {
    return toTrialRow(await this.prisma.trial.create({ data: { ...trial } }));
  }

  async deleteTrial(id: string): Promise<void> {
    await this.prisma.trial.deleteMany({ where: { id } });
  }

  async getTrial(id: string): Promise<TrialRow | null> {
    const t = await this.prisma.trial.findUnique({ where: { id } });
    return t && toTrialRow(t);
  }

  async listTrials(runId: string): Promise<TrialRow[]> {
    return (await this.prisma.trial.findMany({ where: { runId }, orderBy: { number: "asc" } })).map(toTrialRow);
  }

  /** trials whose updatedAt is at or after `since` (at: a change in the same millisecond is not lost), by number */
  async listTrialsUpdatedSince(runId: string, since: Date): Promise<TrialRow[]> {
    return (await this.prisma.trial.findMany({ where: { runId, updatedAt: { gte: since } }, orderBy: { number: "asc" } })).map(toTrialRow);
  }

  async updateTrial(id: string, patch: TrialResult): Promise<TrialRow> {
    return toTrialRow(await this.prisma.trial.update({ where: { id }, data: trialData(patch) }));
  }

  async transitionTrial(id: string, from: TrialStatus[], patch: TrialResult): Promise<boolean> {
    // updateMany does not maintain @updatedAt by itself on every Prisma version: set it.
    const { count } = await this.prisma.trial.updateMany({ where: { id, status: { in: from } }, data: { ...trialData(patch), updatedAt: new Date() } });
    return count === 1;
  }

  // learning curves

  async addCurvePoints(trialId: string, points: CurvePointRow[]): Promise<void> {
    // the last report of an epoch wins, within the batch as over the stored points
    const byEpoch = new Map(points.map((p) => [p.epoch, p]));
    if (byEpoch.size === 0) return;
    const data = [...byEpoch.values()].map((p) => ({ trialId, epoch: p.epoch, trainLoss: p.trainLoss, valLoss: p.valLoss, trainMetric: p.trainMetric ?? null, valMetric: p.valMetric ?? null, seconds: p.seconds }));
    await this.prisma.$transaction([
      this.prisma.curvePoint.deleteMany({ where: { trialId, epoch: { in: [...byEpoch.keys()] } } }),
      // batches keep each statement under SQLite's limit on bound values
      ...chunks(data, CURVE_BATCH).map((batch) => this.prisma.curvePoint.createMany({ data: batch })),
    ]);
  }

  async listCurve(trialId: string): Promise<CurvePointRow[]> {
    return (await this.prisma.curvePoint.findMany({ where: { trialId }, orderBy: { epoch: "asc" } })).map(toCurvePointRow);
  }

  async clearCurve(trialId: string): Promise<void> {
    await this.prisma.curvePoint.deleteMany({ where: { trialId } });
  }

  // deployments

  async createDeployment(row: Omit<DeploymentRow, "createdAt">): Promise<DeploymentRow> {
    const existing = await this.getDeploymentOfTrial(row.trialId);
    if (existing) return existing;
    try {
      return toDeploymentRow(await this.prisma.deployment.create({ data: row }));
    } catch (err) {
      // deployed at the same time by another request: that deployment wins
      const winner = isUniqueViolation(err) ? await this.getDeploymentOfTrial(row.trialId) : null;
      if (winner) return winner;
      throw err;
    }
  }

  async getDeployment(id: string): Promise<DeploymentRow | null> {
    const d = await this.prisma.deployment.findUnique({ where: { id } });
    return d && toDeploymentRow(d);
  }

  async getDeploymentOfTrial(trialId: string): Promise<DeploymentRow | null> {
    const d = await this.prisma.deployment.findUnique({ where: { trialId } });
    return d && toDeploymentRow(d);
  }

  async listDeployments(filter: { runId?: string } = {}): Promise<DeploymentRow[]> {
    return (await this.prisma.deployment.findMany({ where: { runId: filter.runId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] })).map(toDeploymentRow);
  }

  async deleteDeployment(id: string): Promise<boolean> {
    const { count } = await this.prisma.deployment.deleteMany({ where: { id } });
    return count === 1;
  }

  async getRunInsight(runId: string): Promise<{ key: string; insight: unknown } | null> {
    return this.prisma.runInsight.findUnique({ where: { runId }, select: { key: true, insight: true } });
  }

  async saveRunInsight(runId: string, key: string, insight: unknown): Promise<void> {
    const data = { key, insight: insight as Prisma.InputJsonValue };
    await this.prisma.runInsight.upsert({ where: { runId }, create: { runId, ...data }, update: data });
  }

  close(): Promise<void> {
    return this.onClose();
  }

  async importTrials(trials: (NewTrial & TrialResult & { curve?: CurvePointRow[] })[]): Promise<void> {
    // batches keep each statement under SQLite's limit on bound values
    for (let i = 0; i < trials.length; i += 500) {
      const data = trials.slice(i, i + 500).map(({ curve: _curve, params, ...t }) => ({ ...t, ...trialData(t), params: params as Prisma.InputJsonValue }) as Prisma.TrialCreateManyInput);
      await this.prisma.trial.createMany({ data });
    }
    const points = trials.flatMap((t) => (t.curve ?? []).map((p) => Prisma.sql`(${t.id}, ${p.epoch}, ${p.trainLoss}, ${p.valLoss}, ${p.trainMetric}, ${p.valMetric}, ${p.seconds})`));
    // one multi-row INSERT per batch: createMany costs twenty times as much per row here (a million points)
    for (let i = 0; i < points.length; i += 4000) {
      await this.prisma.$executeRaw`INSERT INTO "CurvePoint" ("trialId", "epoch", "trainLoss", "valLoss", "trainMetric", "valMetric", "seconds") VALUES ${Prisma.join(points.slice(i, i + 4000))}`;
    }
  }

  async listTrialsLean(runId: string): Promise<LeanTrialRow[]> {
    const select = Object.fromEntries(LEAN_TRIAL_COLUMNS.map((c) => [c, true])) as Record<(typeof LEAN_TRIAL_COLUMNS)[number], true>;
    // cast, not copied: the status column holds a TrialStatus, and copying 10,000 rows costs as much as reading them
    return (await this.prisma.trial.findMany({ where: { runId }, select, orderBy: { number: "asc" } })) as LeanTrialRow[];
  }

  async listTrialsByIds(ids: string[]): Promise<TrialRow[]> {
    return (await this.prisma.trial.findMany({ where: { id: { in: ids } } })).map(toTrialRow);
  }
}
