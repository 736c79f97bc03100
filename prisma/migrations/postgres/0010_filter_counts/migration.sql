-- CreateTable
CREATE TABLE "FilteredCount" (
    "configurationId" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "FilteredCount_pkey" PRIMARY KEY ("configurationId","hour")
);

-- CreateIndex
CREATE INDEX "FilteredCount_hour_idx" ON "FilteredCount"("hour");
