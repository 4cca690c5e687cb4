-- CreateTable
CREATE TABLE "Dataset" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "columnCount" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "columns" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "datasetId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "problemType" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "strategy" TEXT NOT NULL DEFAULT 'random',
    "scheduler" TEXT NOT NULL DEFAULT 'none',
    "seed" INTEGER NOT NULL,
    "maxTrials" INTEGER,
    "budgetSeconds" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "error" TEXT,
    "backend" TEXT,
    "spaceVersion" TEXT NOT NULL,
    "searchState" JSONB,
    "bestTrialId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "elapsedSeconds" REAL NOT NULL DEFAULT 0,
    CONSTRAINT "Run_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Trial" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "family" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "spaceVersion" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "reason" TEXT,
    "valScore" REAL,
    "testScore" REAL,
    "valMetrics" JSONB,
    "testMetrics" JSONB,
    "epochs" INTEGER,
    "bestEpoch" INTEGER,
    "paramCount" INTEGER,
    "archiveBytes" INTEGER,
    "trainSeconds" REAL,
    "predictMsPer1k" REAL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Trial_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CurvePoint" (
    "trialId" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "trainLoss" REAL NOT NULL,
    "valLoss" REAL NOT NULL,
    "trainMetric" REAL,
    "valMetric" REAL,
    "seconds" REAL NOT NULL,

    PRIMARY KEY ("trialId", "epoch"),
    CONSTRAINT "CurvePoint_trialId_fkey" FOREIGN KEY ("trialId") REFERENCES "Trial" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "trialId" TEXT,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "workerId" TEXT,
    "heartbeatAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedAt" DATETIME,
    CONSTRAINT "Job_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Run_datasetId_idx" ON "Run"("datasetId");

-- CreateIndex
CREATE INDEX "Trial_runId_status_idx" ON "Trial"("runId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Trial_runId_number_key" ON "Trial"("runId", "number");

-- CreateIndex
CREATE INDEX "Job_status_createdAt_idx" ON "Job"("status", "createdAt");
