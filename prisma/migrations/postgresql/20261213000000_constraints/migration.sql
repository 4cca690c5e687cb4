-- AlterTable
ALTER TABLE "Run" ADD COLUMN "maxArchiveBytes" DOUBLE PRECISION,
ADD COLUMN "maxPredictMsPer1k" DOUBLE PRECISION,
ADD COLUMN "maxTrainSeconds" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Trial" ADD COLUMN "infeasibleReason" TEXT;
