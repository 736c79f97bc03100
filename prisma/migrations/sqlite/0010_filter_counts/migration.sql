-- CreateTable
CREATE TABLE "FilteredCount" (
    "configurationId" TEXT NOT NULL,
    "hour" DATETIME NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("configurationId", "hour")
);

-- CreateIndex
CREATE INDEX "FilteredCount_hour_idx" ON "FilteredCount"("hour");
