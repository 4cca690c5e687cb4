-- AlterTable
ALTER TABLE "Run" ADD COLUMN "validation" TEXT NOT NULL DEFAULT 'auto';
ALTER TABLE "Run" ADD COLUMN "groupColumn" TEXT;
ALTER TABLE "Run" ADD COLUMN "timeColumn" TEXT;
ALTER TABLE "Run" ADD COLUMN "validationPlan" JSONB;

-- AlterTable
ALTER TABLE "Trial" ADD COLUMN "valScoreSe" REAL;
ALTER TABLE "Trial" ADD COLUMN "testScoreSe" REAL;
