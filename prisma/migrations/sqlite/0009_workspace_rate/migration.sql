-- CreateTable
CREATE TABLE "WorkspaceRate" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "tokens" REAL NOT NULL,
    "refilledAt" REAL NOT NULL,
    "pausedUntil" REAL NOT NULL DEFAULT 0,
    "backoffRate" REAL,
    "throttledAt" REAL NOT NULL DEFAULT 0
);
