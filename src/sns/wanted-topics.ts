/**
 * Is this topic one of ours (a TopicSubscription row)? The endpoint asks before verifying a signature, so a post naming a topic
 * nobody configured costs one indexed lookup, never a certificate download. Only positive answers are
 * remembered (briefly): a topic subscribed a moment ago is found at once, and a topic removed a moment
 * ago is still refused by the ingest and the subscription service, which decide for real.
 */
import type { DbClient } from "../db/database";

/** How long a "wanted" answer is reused; a removed topic passes this pre-check at most this long. */
const WANTED_TTL_MS = 5_000;
/** Remembered topics; past this many the memory starts over (a deployment has far fewer). */
const MAX_REMEMBERED = 10_000;

export class WantedTopics {
  private readonly wanted = new Map<string, number>();

  constructor(
    private readonly prisma: DbClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when remembered as wanted; undefined when the database must be asked (`isWanted`). */
  wantedFromMemory(topicArn: string): true | undefined {
    const until = this.wanted.get(topicArn);
    return until !== undefined && until > this.now() ? true : undefined;
  }

  /**
   * We hold (or are setting up) an SNS subscription to the topic: every configured topic has one
   * (ConfigurationTopic's foreign key), and an UnsubscribeConfirmation is only for one of those.
   */
  async isWanted(topicArn: string): Promise<boolean> {
    if (this.wantedFromMemory(topicArn)) return true;
    const row = await this.prisma.topicSubscription.findUnique({
      where: { topicArn },
      select: { topicArn: true },
    });
    if (row === null) return false;
    if (this.wanted.size >= MAX_REMEMBERED) this.wanted.clear();
    this.wanted.set(topicArn, this.now() + WANTED_TTL_MS);
    return true;
  }
}
