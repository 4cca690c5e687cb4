-- AlterTable
ALTER TABLE "Run" ADD COLUMN "maxArchiveBytes" REAL;
ALTER TABLE "Run" ADD COLUMN "maxPredictMsPer1k" REAL;
ALTER TABLE "Run" ADD COLUMN "maxTrainSeconds" REAL;

-- AlterTable
ALTER TABLE "Trial" ADD COLUMN "infeasibleReason" TEXT;
