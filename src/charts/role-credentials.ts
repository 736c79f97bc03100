/**
 * Temporary credentials of a configuration's IAM role: sts:AssumeRole with the configuration's
 * ExternalId (the confused-deputy guard), called in the alarm's region (so aws-cn and aws-us-gov
 * reach their own partition's STS), cached until 5 minutes before they expire. Concurrent requests
 * for the same role share one AssumeRole. STS itself is called with the deployment's own credentials
 * (the SDK's default chain); AWS_ENDPOINT_URL_STS is honoured by the SDK, `endpoint` overrides it.
 */
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

export interface RoleCredentialsOptions {
  /** Explicit STS endpoint (config.awsEndpoints.sts); unset, the SDK decides (and reads the env). */
  endpoint?: string;
  /** Credentials STS is called with instead of the default chain (tests). */
  credentials?: AwsCredentialIdentity;
  /** How long before expiry cached credentials are refreshed. Default 5 min. */
  refreshBeforeMs?: number;
  /** Requested lifetime of the role session. Default 3600 s (the IAM default maximum). */
  durationSeconds?: number;
  now?: () => number;
}

export interface RoleRef {
  roleArn: string;
  externalId?: string;
  /** Becomes the role session name `aws-chatbot-<sessionId>` (CloudTrail shows it). */
  sessionId: string;
  /** Region whose STS endpoint is called, e.g. the alarm's. */
  region: string;
}

/** The shape of the SDK's AwsCredentialIdentity (declared here: @smithy/types is not a direct dependency). */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

interface CacheEntry {
  credentials: AwsCredentialIdentity;
  expiresAt: number;
}

const DEFAULT_REFRESH_BEFORE_MS = 5 * 60 * 1000;

/** `aws-chatbot-<id>` within STS's 2–64 characters of `[\w+=,.@-]`. */
export function roleSessionName(sessionId: string): string {
  return `aws-chatbot-${sessionId.replace(/[^\w+=,.@-]/g, "-")}`.slice(0, 64);
}

export class RoleCredentialsCache {
  readonly #clients = new Map<string, STSClient>();
  readonly #cache = new Map<string, CacheEntry>();
  readonly #inFlight = new Map<string, Promise<AwsCredentialIdentity>>();
  readonly #now: () => number;
  /** AssumeRole calls made (for metrics and tests). */
  assumeRoleCalls = 0;

  constructor(private readonly options: RoleCredentialsOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** Cached or fresh credentials of the role; throws the SDK's error when STS refuses. */
  async credentialsFor(role: RoleRef, signal?: AbortSignal): Promise<AwsCredentialIdentity> {
    const key = `${role.roleArn}\n${role.externalId ?? ""}`;
    const cached = this.#cache.get(key);
    const refreshBefore = this.options.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS;
    if (cached !== undefined && cached.expiresAt - refreshBefore > this.#now()) return cached.credentials;
    let pending = this.#inFlight.get(key);
    if (pending === undefined) {
      pending = this.#assume(role, signal).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    const credentials = await pending;
    return credentials;
  }

  /** Forgets cached credentials (e.g. after the role's configuration changed). */
  forget(roleArn?: string): void {
    for (const key of [...this.#cache.keys()])
      if (roleArn === undefined || key.startsWith(`${roleArn}\n`)) this.#cache.delete(key);
  }

  destroy(): void {
    for (const client of this.#clients.values()) client.destroy();
    this.#clients.clear();
  }

  async #assume(role: RoleRef, signal?: AbortSignal): Promise<AwsCredentialIdentity> {
    this.assumeRoleCalls += 1;
    const output = await this.#client(role.region).send(
      new AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: roleSessionName(role.sessionId),
        DurationSeconds: this.options.durationSeconds ?? 3600,
        ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
      }),
      { abortSignal: signal },
    );
    const c = output.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined) {
      throw new Error("STS AssumeRole answered without credentials");
    }
    const expiration = c.Expiration instanceof Date ? c.Expiration : undefined;
    const credentials: AwsCredentialIdentity = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      ...(expiration === undefined ? {} : { expiration }),
    };
    const expiresAt = expiration?.getTime() ?? this.#now() + 15 * 60 * 1000;
    this.#cache.set(`${role.roleArn}\n${role.externalId ?? ""}`, { credentials, expiresAt });
    return credentials;
  }

  #client(region: string): STSClient {
    let client = this.#clients.get(region);
    if (client === undefined) {
      client = new STSClient({
        region,
        ...(this.options.endpoint === undefined ? {} : { endpoint: this.options.endpoint }),
        ...(this.options.credentials === undefined ? {} : { credentials: this.options.credentials }),
        maxAttempts: 2,
        requestHandler: { requestTimeout: 5_000, throwOnRequestTimeout: true, connectionTimeout: 3_000 },
      });
      this.#clients.set(region, client);
    }
    return client;
  }
}
