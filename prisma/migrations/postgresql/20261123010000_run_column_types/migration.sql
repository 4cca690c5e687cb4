-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "columnTypes" JSONB;
