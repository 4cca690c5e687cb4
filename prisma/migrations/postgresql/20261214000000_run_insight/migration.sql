-- CreateTable
CREATE TABLE "RunInsight" (
    "runId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "insight" JSONB NOT NULL,

    CONSTRAINT "RunInsight_pkey" PRIMARY KEY ("runId")
);

-- AddForeignKey
ALTER TABLE "RunInsight" ADD CONSTRAINT "RunInsight_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
