-- CreateTable
CREATE TABLE "WorkspaceRate" (
    "key" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "refilledAt" DOUBLE PRECISION NOT NULL,
    "pausedUntil" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "backoffRate" DOUBLE PRECISION,
    "throttledAt" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "WorkspaceRate_pkey" PRIMARY KEY ("key")
);
