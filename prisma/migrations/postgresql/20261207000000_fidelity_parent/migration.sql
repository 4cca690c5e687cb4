-- AlterTable
ALTER TABLE "Trial" ADD COLUMN "lowFidelityScore" DOUBLE PRECISION,
ADD COLUMN "parentNumber" INTEGER;
