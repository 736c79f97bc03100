-- Managers added with `/aws managers add`; whether a configuration's channel is private; which
-- audit entries people who are not managers may see (none of the older ones: they may name a private
-- channel or a topic).

-- CreateTable
CREATE TABLE "WorkspaceManager" (
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "addedBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("teamId", "userId")
);

-- AlterTable
ALTER TABLE "ChannelConfiguration" ADD COLUMN "channelPrivate" BOOLEAN;

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "visibleToAll" BOOLEAN NOT NULL DEFAULT false;

-- A configuration still waiting for `/invite @AWS` is in a private channel the bot cannot see.
UPDATE "ChannelConfiguration" SET "channelPrivate" = true WHERE "kind" = 'slack' AND "state" = 'awaiting_invite';
