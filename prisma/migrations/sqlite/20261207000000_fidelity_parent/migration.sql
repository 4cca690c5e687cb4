-- AlterTable
ALTER TABLE "Trial" ADD COLUMN "lowFidelityScore" REAL;
ALTER TABLE "Trial" ADD COLUMN "parentNumber" INTEGER;
