-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "validation" TEXT NOT NULL DEFAULT 'auto',
ADD COLUMN     "groupColumn" TEXT,
ADD COLUMN     "timeColumn" TEXT,
ADD COLUMN     "validationPlan" JSONB;

-- AlterTable
ALTER TABLE "Trial" ADD COLUMN     "valScoreSe" DOUBLE PRECISION,
ADD COLUMN     "testScoreSe" DOUBLE PRECISION;
