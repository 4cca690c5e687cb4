-- AlterTable
ALTER TABLE "Run" ADD COLUMN "finalModel" TEXT NOT NULL DEFAULT 'bag';
