/**
 * What the rest of the app may ask of the delivery side (the outbox worker). The Slack listeners,
 * the CLI and the SNS ingest depend on this interface, not on the worker itself.
 */
import type { DeliveryStatus } from "../outbox/inspect";

export type { DeliveryStatus };

export interface DeliveryControl {
  /**
   * New deliveries were stored: claim them now instead of at the next poll. Given the configurations
   * they are for, a worker that already holds a full queue for each of them does not claim (it
   * claims for a channel again as its queue drains).
   */
  wake(configurationIds?: ReadonlySet<string>): void;
  /** The configuration can be posted to again: its held deliveries become due. Returns how many. */
  releaseHeld(configurationId: string): Promise<number>;
  statusOf(configurationId: string): Promise<DeliveryStatus>;
  /**
   * "Show one in full" on a storm digest: posts the notification's full rendering in the digest's
   * thread (paced like any post). False when the delivery is not a line of that digest in that
   * channel of that workspace (a forged or stale value): nothing is posted.
   */
  expandDigestLine(request: DigestLineRequest): Promise<boolean>;
}

export interface DigestLineRequest {
  teamId: string;
  channelId: string;
  /** ts of the digest message the menu was used on. */
  digestTs: string;
  /** The option's value: the delivery shown on the line. */
  deliveryId: string;
}
