-- AlterTable
ALTER TABLE "Trial" ADD COLUMN     "bracket" INTEGER,
ADD COLUMN     "rung" INTEGER,
ADD COLUMN     "rungScores" JSONB;
