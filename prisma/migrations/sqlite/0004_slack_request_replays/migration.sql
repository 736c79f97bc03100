-- CreateTable
CREATE TABLE "SlackRequestReplay" (
    "signature" TEXT NOT NULL PRIMARY KEY,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "SlackRequestReplay_expiresAt_idx" ON "SlackRequestReplay"("expiresAt");

