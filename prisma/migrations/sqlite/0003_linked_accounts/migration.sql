-- CreateTable
CREATE TABLE "LinkedAccount" (
    "teamId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "linkedVia" TEXT NOT NULL,
    "linkedBy" TEXT,
    "proof" TEXT,
    "linkedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("teamId", "accountId")
);

-- CreateIndex
CREATE INDEX "LinkedAccount_accountId_idx" ON "LinkedAccount"("accountId");

-- Existing configurations keep working: each subscribed topic's AWS account is linked to the
-- workspace whose configuration subscribed that topic first (a later subscriber of the same topic,
-- in another workspace, is not linked by this: it must be linked like any new workspace).
-- Configurations of the operator CLI (team "cli") are trusted and need no link.
-- The migrator logs every row linked here (src/db/migrate.ts, MIGRATION_REPORTS).
-- A topic ARN is arn:PARTITION:sns:REGION:ACCOUNT:NAME (validated on entry); the account is the
-- 12 digits after the region.
INSERT INTO "LinkedAccount" ("teamId", "accountId", "linkedVia", "linkedAt")
SELECT DISTINCT "teamId", substr("afterRegion", 1, 12), 'migration', strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
FROM (
    SELECT cfg."teamId",
           substr("regionOn", instr("regionOn", ':') + 1) AS "afterRegion",
           ROW_NUMBER() OVER (
               PARTITION BY "topicArn" ORDER BY ct."createdAt", cfg."createdAt", cfg."teamId"
           ) AS "rank"
    FROM (
        SELECT "configurationId", "topicArn", "createdAt",
               substr("topicArn", instr("topicArn", ':sns:') + 5) AS "regionOn"
        FROM "ConfigurationTopic"
    ) AS ct
    JOIN "ChannelConfiguration" AS cfg ON cfg."id" = ct."configurationId"
    WHERE cfg."teamId" <> 'cli'
) AS firsts
WHERE "rank" = 1;
