-- Configuration as code (issue 16): who owns a configuration, Slack or a configuration file
-- applied with `npx chatbot apply`, and whether the file lets Slack change it anyway. Existing
-- configurations were all made from Slack or the CLI.

-- AlterTable
ALTER TABLE "ChannelConfiguration" ADD COLUMN "managedBy" TEXT NOT NULL DEFAULT 'slack';
ALTER TABLE "ChannelConfiguration" ADD COLUMN "allowSlackChanges" BOOLEAN NOT NULL DEFAULT false;
