-- AlterTable
ALTER TABLE "ChannelConfiguration" ADD COLUMN     "mutePermission" TEXT NOT NULL DEFAULT 'managers';

-- CreateTable
CREATE TABLE "ChannelMention" (
    "configurationId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "minSeverity" TEXT NOT NULL,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelMention_pkey" PRIMARY KEY ("configurationId","target")
);

-- CreateTable
CREATE TABLE "Mute" (
    "id" TEXT NOT NULL,
    "configurationId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "endsAt" TIMESTAMP(3),
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),
    "endedBy" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Mute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Acknowledgement" (
    "deliveryId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Acknowledgement_pkey" PRIMARY KEY ("deliveryId","userId")
);

-- CreateIndex
CREATE INDEX "Mute_configurationId_idx" ON "Mute"("configurationId");

-- CreateIndex
CREATE INDEX "Mute_endedAt_endsAt_idx" ON "Mute"("endedAt", "endsAt");

-- AddForeignKey
ALTER TABLE "ChannelMention" ADD CONSTRAINT "ChannelMention_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ChannelConfiguration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mute" ADD CONSTRAINT "Mute_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ChannelConfiguration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Acknowledgement" ADD CONSTRAINT "Acknowledgement_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "Delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

