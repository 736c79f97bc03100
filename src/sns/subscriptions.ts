/**
 * The lifecycle of this deployment's ONE SNS subscription per topic (fan-out to channels is ours):
 * pending → confirmed → (unsubscribed | failed with a reason people can read).
 *
 * Only topics some configuration wants are confirmed, always with the ConfirmSubscription API
 * (AuthenticateOnUnsubscribe=true), never by fetching a URL taken from a message.
 */
import { countConfigurationsWantingTopic } from "../configurations/configuration-store";
import type { PrismaClient } from "../db/database";
import { ChatbotError, ErrorCode } from "../errors";
import type { Logger } from "../logger";
import type { SnsSubscriptionConfirmation, SnsUnsubscribeConfirmation } from "./envelope";
import { storable } from "./ingest";
import type { SnsApi } from "./sns-api";
import { SnsApiError } from "./sns-api-errors";
import { FIFO_TOPIC_REASON, isTopicArn, parseTopicArn } from "./topic-arn";

export type SubscriptionStatus = "pending" | "confirmed" | "unsubscribed" | "failed";

export interface TopicSubscriptionState {
  topicArn: string;
  status: SubscriptionStatus;
  statusReason: string | null;
  subscriptionArn: string | null;
}

/** Tells the channels of a topic what happened to its subscription. */
export interface TopicEventListener {
  topicConfirmed?(topicArn: string): Promise<void>;
  rawDeliveryDisabled?(topicArn: string): Promise<void>;
}

export type SnsSubscriptionApi = Pick<
  SnsApi,
  "subscribe" | "confirmSubscription" | "unsubscribe" | "getSubscriptionAttributes" | "setRawMessageDelivery"
>;

export interface SubscriptionServiceOptions {
  /** PUBLIC_URL; SNS is subscribed at PUBLIC_URL + /sns/events. */
  publicUrl?: string;
  listener?: TopicEventListener;
}

export const SNS_ENDPOINT_PATH = "/sns/events";
/** Stored (and shown to users) when PUBLIC_URL is unset; the log line names the setting. */
export const NO_PUBLIC_ADDRESS_REASON =
  "this AWS Chatbot has no public address SNS could deliver to yet; its operator has to configure one, then subscribe again";

/** The subscription an UnsubscribeConfirmation is about, as SNS names it in the signed Message. */
const SUBSCRIPTION_ARN_IN_TEXT = /arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+:[A-Za-z0-9-]+/;

/** Text from a message, fit for a reason people read (and for the database: no NUL, no lone surrogate). */
function printable(text: string): string {
  const clipped = text.length > 64 ? `${text.slice(0, 64)}…` : text;
  return storable(clipped).replace(/\p{Cc}/gu, "?");
}

export class SubscriptionService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sns: SnsSubscriptionApi,
    private readonly logger: Logger,
    private readonly options: SubscriptionServiceOptions = {},
  ) {}

  /** Subscribes the topic unless already confirmed. Failures are stored on the topic, not thrown. */
  async ensureSubscribed(topicArn: string): Promise<TopicSubscriptionState> {
    const topic = parseTopicArn(topicArn);
    const row = await this.prisma.topicSubscription.upsert({
      where: { topicArn: topic.arn },
      create: { topicArn: topic.arn, region: topic.region },
      update: {},
    });
    if (row.status === "confirmed") return stateOf(row);
    if (topic.isFifo) {
      // SNS would refuse the Subscribe anyway; saying so without the call is faster and clearer.
      return this.#record(topic.arn, {
        status: "failed",
        statusReason: `${topic.arn}: ${FIFO_TOPIC_REASON}`,
      });
    }
    if (!this.options.publicUrl) {
      // The operator's fix is named in the log; users read the stored reason (`/aws list`).
      this.logger.warn(
        { topicArn: topic.arn },
        "SNS Subscribe skipped: PUBLIC_URL is not set (SNS needs the https URL at which it can reach this server)",
      );
      return this.#record(topic.arn, {
        status: "failed",
        statusReason: NO_PUBLIC_ADDRESS_REASON,
      });
    }
    try {
      const { subscriptionArn } = await this.sns.subscribe(
        topic.arn,
        `${this.options.publicUrl}${SNS_ENDPOINT_PATH}`,
      );
      // The confirmation can arrive (and be confirmed) before Subscribe returns: never step back from it.
      await this.prisma.topicSubscription.updateMany({
        where: { topicArn: topic.arn, status: { not: "confirmed" } },
        data: { status: "pending", statusReason: null, subscriptionArn },
      });
      this.logger.info({ topicArn: topic.arn }, "SNS subscription requested");
      return stateOf(
        await this.prisma.topicSubscription.findUniqueOrThrow({ where: { topicArn: topic.arn } }),
      );
    } catch (error) {
      if (!(error instanceof SnsApiError)) throw error;
      this.logger.warn(
        { topicArn: topic.arn, kind: error.kind, reason: error.message },
        "SNS Subscribe failed",
      );
      return this.#record(topic.arn, { status: "failed", statusReason: error.message });
    }
  }

  /** Unsubscribes the topic once no configuration wants it any more. */
  async release(topicArn: string): Promise<void> {
    if ((await countConfigurationsWantingTopic(this.prisma, topicArn)) > 0) return;
    const row = await this.prisma.topicSubscription.findUnique({ where: { topicArn } });
    if (row === null || row.status === "unsubscribed") return;
    if (row.subscriptionArn) {
      try {
        await this.sns.unsubscribe(row.subscriptionArn);
      } catch (error) {
        if (!(error instanceof SnsApiError) || error.kind !== "not_found") {
          const reason = error instanceof Error ? error.message : String(error);
          this.logger.warn({ topicArn, reason }, "SNS Unsubscribe failed");
          await this.#record(topicArn, { statusReason: `Unsubscribe failed: ${reason}` });
          throw error;
        }
      }
    }
    await this.#record(topicArn, {
      status: "unsubscribed",
      statusReason: "no configuration wants this topic",
    });
    this.logger.info({ topicArn }, "SNS subscription released");
  }

  /**
   * A verified SubscriptionConfirmation. Throws SnsTopicNotWanted (→ 403) for a topic nobody asked
   * for, and a retryable SnsApiError (→ 503, so SNS retries) when AWS could not be reached.
   */
  async handleConfirmation(envelope: SnsSubscriptionConfirmation): Promise<void> {
    const topicArn = envelope.TopicArn;
    if (!isTopicArn(topicArn) || (await countConfigurationsWantingTopic(this.prisma, topicArn)) === 0) {
      throw new ChatbotError(ErrorCode.SnsTopicNotWanted, `no configuration wants topic ${topicArn}`);
    }
    let subscriptionArn: string;
    try {
      ({ subscriptionArn } = await this.sns.confirmSubscription(topicArn, envelope.Token));
    } catch (error) {
      if (!(error instanceof SnsApiError)) throw error;
      this.logger.warn(
        { topicArn, kind: error.kind, reason: error.message },
        "SNS ConfirmSubscription failed",
      );
      if (error.retryable) throw error;
      // A stale or repeated confirmation must not undo the subscription that already works.
      const current = await this.prisma.topicSubscription.findUnique({ where: { topicArn } });
      if (current?.status === "confirmed") return;
      await this.#record(topicArn, { status: "failed", statusReason: error.message });
      return;
    }
    await this.#record(topicArn, { status: "confirmed", statusReason: null, subscriptionArn });
    this.logger.info({ topicArn }, "SNS subscription confirmed");
    await this.#turnOffRawDelivery(topicArn, subscriptionArn);
    await this.#tell((listener) => listener.topicConfirmed?.(topicArn));
  }

  /** Recorded; never re-subscribed automatically (someone removed the subscription on purpose). */
  async handleUnsubscribeConfirmation(envelope: SnsUnsubscribeConfirmation): Promise<void> {
    const row = isTopicArn(envelope.TopicArn)
      ? await this.prisma.topicSubscription.findUnique({ where: { topicArn: envelope.TopicArn } })
      : null;
    if (row === null) {
      throw new ChatbotError(ErrorCode.SnsTopicNotWanted, `topic ${envelope.TopicArn} is not one of ours`);
    }
    // SNS may deliver (or retry) the confirmation of an earlier subscription after the topic was
    // subscribed again; that one must not mark the current subscription removed.
    const removed = SUBSCRIPTION_ARN_IN_TEXT.exec(envelope.Message)?.[0];
    if (removed !== undefined && row.subscriptionArn !== null && removed !== row.subscriptionArn) {
      this.logger.info(
        { topicArn: envelope.TopicArn, removed, current: row.subscriptionArn },
        "UnsubscribeConfirmation of an earlier subscription ignored",
      );
      return;
    }
    const wanted = (await countConfigurationsWantingTopic(this.prisma, envelope.TopicArn)) > 0;
    await this.#record(envelope.TopicArn, {
      status: "unsubscribed",
      statusReason: wanted
        ? `SNS reported the subscription removed at ${printable(envelope.Timestamp)}; subscribe the topic again to resume`
        : "no configuration wants this topic",
    });
    this.logger.info({ topicArn: envelope.TopicArn }, "SNS UnsubscribeConfirmation recorded");
  }

  /** Raw delivery strips the envelope and its signature; our subscriptions never use it. */
  async #turnOffRawDelivery(topicArn: string, subscriptionArn: string): Promise<void> {
    try {
      const attributes = await this.sns.getSubscriptionAttributes(subscriptionArn);
      if (attributes.RawMessageDelivery !== "true") return;
      await this.sns.setRawMessageDelivery(subscriptionArn, false);
      await this.#record(topicArn, { rawDelivery: false });
      this.logger.warn({ topicArn }, "raw message delivery was on for the subscription: turned it off");
      await this.#tell((listener) => listener.rawDeliveryDisabled?.(topicArn));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.#record(topicArn, {
        rawDelivery: true,
        statusReason: `raw message delivery is on: ${reason}`,
      });
      this.logger.warn({ topicArn, reason }, "could not turn raw message delivery off");
    }
  }

  async #tell(call: (listener: TopicEventListener) => Promise<void> | undefined): Promise<void> {
    if (!this.options.listener) return;
    try {
      await call(this.options.listener);
    } catch (error) {
      this.logger.warn({ err: error }, "telling the channels about their topic failed");
    }
  }

  async #record(
    topicArn: string,
    data: {
      status?: SubscriptionStatus;
      statusReason?: string | null;
      subscriptionArn?: string;
      rawDelivery?: boolean;
    },
  ): Promise<TopicSubscriptionState> {
    const region = parseTopicArn(topicArn).region;
    const row = await this.prisma.topicSubscription.upsert({
      where: { topicArn },
      create: { topicArn, region, ...data },
      update: data,
    });
    return stateOf(row);
  }
}

function stateOf(row: {
  topicArn: string;
  status: string;
  statusReason: string | null;
  subscriptionArn: string | null;
}): TopicSubscriptionState {
  return {
    topicArn: row.topicArn,
    status: row.status as SubscriptionStatus,
    statusReason: row.statusReason,
    subscriptionArn: row.subscriptionArn,
  };
}
