/**
 * Putting work in the outbox: a Message and its Delivery rows, committed together. A single
 * notification (`/aws test`) goes through Prisma; ingest's group-committed batches through the
 * hot-path writers (raw statements, the same columns on both databases: Prisma's query builder spent
 * ~200 µs a row compiling and mapping a createMany, which capped ingest near 2,000 messages/s).
 */
import type { PrismaClient } from "../db/database";
import type { PostgresWriter, PreparedStatement } from "../db/postgres-writer";
import type { SqliteWriter } from "../db/sqlite-writer";

export interface EnqueuedMessage {
  id: string;
  snsMessageId: string;
  topicArn: string;
  subject: string | null;
  body: string;
  snsTimestamp: string;
}

export interface EnqueuedDelivery {
  id: string;
  configurationId: string;
  status: "pending" | "held";
}

/** One message with one delivery, in one transaction (`receivedAt`, `nextAttemptAt`: now). */
export async function enqueueOne(
  prisma: PrismaClient,
  rows: { message: EnqueuedMessage; delivery: EnqueuedDelivery },
): Promise<void> {
  await prisma.$transaction([
    prisma.message.create({ data: rows.message }),
    prisma.delivery.create({ data: { ...rows.delivery, messageId: rows.message.id } }),
  ]);
}

// ---- Ingest's batches -----------------------------------------------------------------------------

/** A message of an ingest batch: our id and what SNS sent (ingest's candidates, passed as they are). */
export interface BatchMessage {
  id: string;
  notification: {
    snsMessageId: string;
    topicArn: string;
    subject?: string;
    message: string;
    snsTimestamp: string;
  };
}

/** A delivery of an ingest batch. */
export interface BatchDelivery {
  id: string;
  messageId: string;
  configurationId: string;
  status: "pending" | "held";
}

const INSERT_MESSAGE = `
      INSERT INTO "Message" ("id", "snsMessageId", "topicArn", "subject", "body", "snsTimestamp", "receivedAt")
      VALUES `;
const INSERT_DELIVERY = `
      INSERT INTO "Delivery" ("id", "messageId", "configurationId", "status", "nextAttemptAt", "createdAt", "updatedAt")
      VALUES `;

/**
 * SQLite, inside the caller's synchronous transaction: one prepared single-row insert per message
 * (SQLite runs one in microseconds; there is no round trip to save). A MessageId stored before (an
 * SNS retry) is skipped. `now` is Prisma's DateTime text (`sqliteTimestamp`). Returns the MessageIds
 * inserted.
 */
export function insertMessagesOnSqlite(
  writer: SqliteWriter,
  messages: Iterable<BatchMessage>,
  now: string,
): Set<string> {
  const insertMessage = writer.statement(
    `${INSERT_MESSAGE}(?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("snsMessageId") DO NOTHING`,
  );
  const inserted = new Set<string>();
  for (const { id, notification: n } of messages) {
    const { changes } = insertMessage.run(
      id,
      n.snsMessageId,
      n.topicArn,
      n.subject ?? null,
      n.message,
      n.snsTimestamp,
      now,
    );
    if (changes > 0) inserted.add(n.snsMessageId);
  }
  return inserted;
}

/** SQLite, in the same transaction: the deliveries of the messages inserted, due `now`. */
export function insertDeliveriesOnSqlite(
  writer: SqliteWriter,
  deliveries: BatchDelivery[],
  now: string,
): void {
  const insertDelivery = writer.statement(`${INSERT_DELIVERY}(?, ?, ?, ?, ?, ?, ?)`);
  for (const d of deliveries)
    insertDelivery.run(d.id, d.messageId, d.configurationId, d.status, now, now, now);
}

/**
 * PostgreSQL: the messages whose MessageId is new and the deliveries of exactly those, in one
 * statement (one transaction): the unique MessageId decides, so a message stored earlier (an SNS
 * retry, another replica) is skipped with its deliveries, and its MessageId is not returned. Each
 * column travels as one array parameter and `unnest` turns the arrays back into rows, so the text
 * (and its plan) is the same for every batch; DateTimes go as ISO text cast to `timestamp`, which
 * keeps them UTC whatever the session's time zone.
 */
const PG_INSERT_BATCH: PreparedStatement = {
  name: "ingest_insert_batch",
  text: `
    WITH inserted AS (
      INSERT INTO "Message" ("id", "snsMessageId", "topicArn", "subject", "body", "snsTimestamp", "receivedAt")
      SELECT m.id, m.sns_message_id, m.topic_arn, m.subject, m.body, m.sns_timestamp, $7::timestamp
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
        AS m(id, sns_message_id, topic_arn, subject, body, sns_timestamp)
      ON CONFLICT ("snsMessageId") DO NOTHING
      RETURNING "id", "snsMessageId"),
    deliveries AS (
      INSERT INTO "Delivery" ("id", "messageId", "configurationId", "status", "nextAttemptAt", "createdAt", "updatedAt")
      SELECT d.id, d.message_id, d.configuration_id, d.status, $7::timestamp, $7::timestamp, $7::timestamp
      FROM unnest($8::text[], $9::text[], $10::text[], $11::text[]) AS d(id, message_id, configuration_id, status)
      JOIN inserted ON inserted."id" = d.message_id)
    SELECT "snsMessageId" FROM inserted`,
};

/**
 * PostgreSQL: a batch's messages and the deliveries planned for every one of them; the statement
 * keeps the deliveries of the messages it inserted. Returns the MessageIds inserted.
 */
export async function insertBatchOnPostgres(
  writer: PostgresWriter,
  messages: BatchMessage[],
  deliveries: BatchDelivery[],
): Promise<Set<string>> {
  const rows = await writer.query<{ snsMessageId: string }>(PG_INSERT_BATCH, [
    messages.map((c) => c.id),
    messages.map((c) => c.notification.snsMessageId),
    messages.map((c) => c.notification.topicArn),
    messages.map((c) => c.notification.subject ?? null),
    messages.map((c) => c.notification.message),
    messages.map((c) => c.notification.snsTimestamp),
    new Date().toISOString(),
    deliveries.map((d) => d.id),
    deliveries.map((d) => d.messageId),
    deliveries.map((d) => d.configurationId),
    deliveries.map((d) => d.status),
  ]);
  return new Set(rows.map((row) => row.snsMessageId));
}
