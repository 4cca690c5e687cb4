-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "family" TEXT NOT NULL DEFAULT 'mlp',
ADD COLUMN     "estimation" TEXT NOT NULL DEFAULT 'full';
