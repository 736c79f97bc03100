-- A posted Slack message's deliveries by (configuration, ts): the acknowledgements shown on a thread
-- parent at each of its updates, the parent's first rendering and the row behind a button were
-- found by scanning every delivery.

-- CreateIndex
CREATE INDEX "Delivery_configurationId_postedTs_idx" ON "Delivery"("configurationId", "postedTs");
