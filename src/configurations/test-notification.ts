/**
 * `/aws test` and App Home's "Send test message": a synthetic notification that goes through the
 * whole delivery pipeline (outbox row, worker, renderer, rate limiter, chat.postMessage) to ONE
 * configuration. The message is an AWS Chatbot custom notification, so it renders like any other;
 * its MessageId (`test-<uuid>`) and topic (account 000000000000, which no AWS account has) can
 * never collide with what SNS sends.
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/database";
import type { DeliveryControl } from "../delivery/delivery-control";
import { enqueueOne } from "../outbox/enqueue";

export const TEST_TOPIC_ACCOUNT = "000000000000";
export const TEST_TOPIC_NAME = "aws-chatbot-test";
export const TEST_NOTIFICATION_TITLE = "Test notification from AWS Chatbot";

export interface TestNotificationTarget {
  configurationId: string;
  /** How the configuration is shown to people, e.g. "#alerts". */
  label: string;
  /** Region of the test topic: one of the configuration's topics', else us-east-1. */
  region: string;
  /** Partition of that region ("aws", "aws-cn", "aws-us-gov"). */
  partition: string;
  /** Held until the bot is invited (awaiting_invite), else pending. */
  held: boolean;
}

export interface QueuedTestNotification {
  messageId: string;
  deliveryId: string;
  snsMessageId: string;
  topicArn: string;
  held: boolean;
}

/** The SNS Message: a custom notification (its text is escaped by the renderer, so no mentions here). */
export function testNotificationBody(target: Pick<TestNotificationTarget, "label">): string {
  return JSON.stringify({
    version: "1.0",
    source: "custom",
    id: `test-${randomUUID()}`,
    content: {
      title: TEST_NOTIFICATION_TITLE,
      description:
        `A test notification was requested for ${target.label}. ` +
        "If you can read this, Amazon SNS notifications reach this channel.",
      nextSteps: ["Nothing to do: this is only a test."],
    },
    metadata: { additionalContext: { severity: "info" } },
  });
}

/** Stores the message and its one delivery in one transaction, then wakes the delivery worker. */
export async function queueTestNotification(
  prisma: PrismaClient,
  delivery: Pick<DeliveryControl, "wake">,
  target: TestNotificationTarget,
): Promise<QueuedTestNotification> {
  const messageId = randomUUID();
  const deliveryId = randomUUID();
  const snsMessageId = `test-${randomUUID()}`;
  const topicArn = `arn:${target.partition}:sns:${target.region}:${TEST_TOPIC_ACCOUNT}:${TEST_TOPIC_NAME}`;
  await enqueueOne(prisma, {
    message: {
      id: messageId,
      snsMessageId,
      topicArn,
      subject: TEST_NOTIFICATION_TITLE,
      body: testNotificationBody(target),
      snsTimestamp: new Date().toISOString(),
    },
    delivery: {
      id: deliveryId,
      configurationId: target.configurationId,
      status: target.held ? "held" : "pending",
    },
  });
  if (!target.held) delivery.wake();
  return { messageId, deliveryId, snsMessageId, topicArn, held: target.held };
}
