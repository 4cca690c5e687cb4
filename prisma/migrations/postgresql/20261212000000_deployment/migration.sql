-- CreateTable
CREATE TABLE "Deployment" (
    "id" TEXT NOT NULL,
    "trialId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Deployment_trialId_key" ON "Deployment"("trialId");

-- CreateIndex
CREATE INDEX "Deployment_runId_idx" ON "Deployment"("runId");

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_trialId_fkey" FOREIGN KEY ("trialId") REFERENCES "Trial"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
