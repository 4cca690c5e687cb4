-- CreateTable
CREATE TABLE "RunInsight" (
    "runId" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "insight" JSONB NOT NULL,
    CONSTRAINT "RunInsight_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
