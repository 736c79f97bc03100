-- Storm digests (issue 14): one message listing many deliveries of a configuration.
CREATE TABLE "Digest" (
    "id" TEXT NOT NULL,
    "configurationId" TEXT NOT NULL,
    "ts" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Digest_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Digest_configurationId_idx" ON "Digest"("configurationId");

ALTER TABLE "Digest" ADD CONSTRAINT "Digest_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ChannelConfiguration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A nullable column without a default: no table rewrite.
ALTER TABLE "Delivery" ADD COLUMN "digestId" TEXT;

CREATE INDEX "Delivery_digestId_idx" ON "Delivery"("digestId");

ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_digestId_fkey" FOREIGN KEY ("digestId") REFERENCES "Digest"("id") ON DELETE SET NULL ON UPDATE CASCADE;
