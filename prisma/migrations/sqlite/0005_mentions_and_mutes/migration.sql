-- CreateTable
CREATE TABLE "ChannelMention" (
    "configurationId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "minSeverity" TEXT NOT NULL,
    "createdBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("configurationId", "target"),
    CONSTRAINT "ChannelMention_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ChannelConfiguration" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Mute" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "configurationId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "endsAt" DATETIME,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "endedBy" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Mute_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ChannelConfiguration" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Acknowledgement" (
    "deliveryId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("deliveryId", "userId"),
    CONSTRAINT "Acknowledgement_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "Delivery" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable (ADD COLUMN, not Prisma's table rebuild: dropping ChannelConfiguration inside the
-- migrator's transaction would cascade to its topics and deliveries)
ALTER TABLE "ChannelConfiguration" ADD COLUMN "mutePermission" TEXT NOT NULL DEFAULT 'managers';

-- CreateIndex
CREATE INDEX "Mute_configurationId_idx" ON "Mute"("configurationId");

-- CreateIndex
CREATE INDEX "Mute_endedAt_endsAt_idx" ON "Mute"("endedAt", "endsAt");

