/**
 * What the rest of the app may ask of the delivery side (the outbox worker). The Slack listeners,
 * the CLI and the SNS ingest depend on this interface, not on the worker itself.
 */
export interface DeliveryStatus {
  /** When the last delivery to this configuration was posted, if ever. */
  lastPostedAt: Date | null;
  /** Waiting to be posted (including retries scheduled for later). */
  pending: number;
  /** Held until the bot is invited to the channel. */
  held: number;
  /** Given up on after bounded retries; visible and replayable. */
  deadLetters: number;
  /** Stored but not posted: a mute matched them (issue 13). */
  muted?: number;
  /** Failed attempts in the last 24 hours. */
  recentFailures: number;
  /** The last error recorded on any of its deliveries, if any. */
  lastError: string | null;
}

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
}
