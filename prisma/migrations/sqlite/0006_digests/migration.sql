-- Storm digests (issue 14): one message listing many deliveries of a configuration.
CREATE TABLE "Digest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "configurationId" TEXT NOT NULL,
    "ts" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Digest_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ChannelConfiguration" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE INDEX "Digest_configurationId_idx" ON "Digest"("configurationId");

-- SQLite adds a column with a foreign key in place when its default is NULL (no table rebuild,
-- so a large Delivery table migrates in constant time).
ALTER TABLE "Delivery" ADD COLUMN "digestId" TEXT REFERENCES "Digest" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE INDEX "Delivery_digestId_idx" ON "Delivery"("digestId");
