-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Installation" (
    "id" TEXT NOT NULL,
    "installKey" TEXT NOT NULL,
    "teamId" TEXT,
    "enterpriseId" TEXT,
    "isEnterpriseInstall" BOOLEAN NOT NULL DEFAULT false,
    "botUserId" TEXT,
    "botId" TEXT,
    "installerUserId" TEXT,
    "dataEnc" TEXT NOT NULL,
    "botTokenExpiresAt" TIMESTAMP(3),
    "disabledReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Installation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelConfiguration" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelConfiguration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TopicSubscription" (
    "topicArn" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "subscriptionArn" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "statusReason" TEXT,
    "rawDelivery" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TopicSubscription_pkey" PRIMARY KEY ("topicArn")
);

-- CreateTable
CREATE TABLE "ConfigurationTopic" (
    "configurationId" TEXT NOT NULL,
    "topicArn" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConfigurationTopic_pkey" PRIMARY KEY ("configurationId","topicArn")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" TEXT NOT NULL,
    "snsMessageId" TEXT NOT NULL,
    "topicArn" TEXT NOT NULL,
    "subject" TEXT,
    "body" TEXT NOT NULL,
    "snsTimestamp" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "configurationId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "postedTs" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlarmThread" (
    "configurationId" TEXT NOT NULL,
    "threadKey" TEXT NOT NULL,
    "parentTs" TEXT NOT NULL,
    "lastState" TEXT,
    "lastStateAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlarmThread_pkey" PRIMARY KEY ("configurationId","threadKey")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "userId" TEXT,
    "action" TEXT NOT NULL,
    "detail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "ConfigurationTopic" ADD CONSTRAINT "ConfigurationTopic_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ChannelConfiguration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConfigurationTopic" ADD CONSTRAINT "ConfigurationTopic_topicArn_fkey" FOREIGN KEY ("topicArn") REFERENCES "TopicSubscription"("topicArn") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ChannelConfiguration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlarmThread" ADD CONSTRAINT "AlarmThread_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ChannelConfiguration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

