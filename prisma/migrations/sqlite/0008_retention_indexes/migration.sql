-- Retention (src/retention/) deletes in small batches, oldest first: each batch is an index range scan.

-- CreateIndex
CREATE INDEX "Message_receivedAt_idx" ON "Message"("receivedAt");

-- CreateIndex
CREATE INDEX "Delivery_status_updatedAt_idx" ON "Delivery"("status", "updatedAt");

-- CreateIndex
CREATE INDEX "AlarmThread_updatedAt_idx" ON "AlarmThread"("updatedAt");

-- CreateIndex
CREATE INDEX "AlarmThread_configurationId_parentTs_idx" ON "AlarmThread"("configurationId", "parentTs");

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");
