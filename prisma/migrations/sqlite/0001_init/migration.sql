-- CreateTable
CREATE TABLE "Installation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "installKey" TEXT NOT NULL,
    "teamId" TEXT,
    "enterpriseId" TEXT,
    "isEnterpriseInstall" BOOLEAN NOT NULL DEFAULT false,
    "botUserId" TEXT,
    "botId" TEXT,
    "installerUserId" TEXT,
    "dataEnc" TEXT NOT NULL,
    "botTokenExpiresAt" DATETIME,
    "disabledReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ChannelConfiguration" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "enterpriseId" TEXT,
    "channelId" TEXT,
    "channelName" TEXT,
    "webhookUrlEnc" TEXT,
    "webhookDescription" TEXT,
    "webhookProvider" TEXT,
    "iamRoleArn" TEXT,
    "externalId" TEXT,
    "filters" TEXT,
    "state" TEXT NOT NULL DEFAULT 'active',
    "stateReason" TEXT,
    "createdBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "TopicSubscription" (
    "topicArn" TEXT NOT NULL PRIMARY KEY,
    "region" TEXT NOT NULL,
    "subscriptionArn" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "statusReason" TEXT,
    "rawDelivery" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ConfigurationTopic" (
    "configurationId" TEXT NOT NULL,
    "topicArn" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("configurationId", "topicArn"),
    CONSTRAINT "ConfigurationTopic_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ChannelConfiguration" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ConfigurationTopic_topicArn_fkey" FOREIGN KEY ("topicArn") REFERENCES "TopicSubscription" ("topicArn") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Message" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "snsMessageId" TEXT NOT NULL,
    "topicArn" TEXT NOT NULL,
    "subject" TEXT,
    "body" TEXT NOT NULL,
    "snsTimestamp" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "messageId" TEXT NOT NULL,
    "configurationId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "lastError" TEXT,
    "postedTs" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Delivery_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Delivery_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ChannelConfiguration" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AlarmThread" (
    "configurationId" TEXT NOT NULL,
    "threadKey" TEXT NOT NULL,
    "parentTs" TEXT NOT NULL,
    "lastState" TEXT,
    "lastStateAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("configurationId", "threadKey"),
    CONSTRAINT "AlarmThread_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ChannelConfiguration" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "userId" TEXT,
    "action" TEXT NOT NULL,
    "detail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "Installation_installKey_key" ON "Installation"("installKey");

-- CreateIndex
CREATE INDEX "Installation_teamId_idx" ON "Installation"("teamId");

-- CreateIndex
CREATE INDEX "ChannelConfiguration_teamId_channelId_idx" ON "ChannelConfiguration"("teamId", "channelId");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelConfiguration_teamId_name_key" ON "ChannelConfiguration"("teamId", "name");

-- CreateIndex
CREATE INDEX "ConfigurationTopic_topicArn_idx" ON "ConfigurationTopic"("topicArn");

-- CreateIndex
CREATE UNIQUE INDEX "Message_snsMessageId_key" ON "Message"("snsMessageId");

-- CreateIndex
CREATE INDEX "Delivery_status_nextAttemptAt_idx" ON "Delivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Delivery_configurationId_status_idx" ON "Delivery"("configurationId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_messageId_configurationId_key" ON "Delivery"("messageId", "configurationId");

-- CreateIndex
CREATE INDEX "AuditEvent_teamId_createdAt_idx" ON "AuditEvent"("teamId", "createdAt");

