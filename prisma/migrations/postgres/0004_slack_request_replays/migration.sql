-- CreateTable
CREATE TABLE "SlackRequestReplay" (
    "signature" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SlackRequestReplay_pkey" PRIMARY KEY ("signature")
);

-- CreateIndex
CREATE INDEX "SlackRequestReplay_expiresAt_idx" ON "SlackRequestReplay"("expiresAt");

