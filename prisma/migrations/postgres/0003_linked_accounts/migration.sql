-- CreateTable
CREATE TABLE "LinkedAccount" (
    "teamId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "linkedVia" TEXT NOT NULL,
    "linkedBy" TEXT,
    "proof" TEXT,
    "linkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LinkedAccount_pkey" PRIMARY KEY ("teamId","accountId")
);

-- CreateIndex
CREATE INDEX "LinkedAccount_accountId_idx" ON "LinkedAccount"("accountId");

-- Existing configurations keep working: each subscribed topic's AWS account is linked to the
-- workspace whose configuration subscribed that topic first (a later subscriber of the same topic,
-- in another workspace, is not linked by this: it must be linked like any new workspace).
-- Configurations of the operator CLI (team "cli") are trusted and need no link.
-- The migrator logs every row linked here (src/db/migrate.ts, MIGRATION_REPORTS).
-- A topic ARN is arn:PARTITION:sns:REGION:ACCOUNT:NAME (validated on entry).
INSERT INTO "LinkedAccount" ("teamId", "accountId", "linkedVia")
SELECT DISTINCT "teamId", "accountId", 'migration'
FROM (
    SELECT cfg."teamId",
           split_part(ct."topicArn", ':', 5) AS "accountId",
           ROW_NUMBER() OVER (
               PARTITION BY ct."topicArn" ORDER BY ct."createdAt", cfg."createdAt", cfg."teamId"
           ) AS "rank"
    FROM "ConfigurationTopic" AS ct
    JOIN "ChannelConfiguration" AS cfg ON cfg."id" = ct."configurationId"
    WHERE cfg."teamId" <> 'cli'
) AS firsts
WHERE "rank" = 1;
