import { X509Certificate } from "node:crypto";
import { ChatbotError, ErrorCode } from "../errors";
import type { Logger } from "../logger";
import {
  type CertificateAgents,
  certificateAgents,
  downloadCertificate,
  fetchFailed,
} from "./certificate-download";

/**
 * Fetches and caches the X.509 certificates SNS signs with. Callers must have checked the URL
 * (`checkSigningCertUrl`) first: this module fetches whatever it is given.
 *
 * Anyone can post an envelope naming a certificate URL, so the downloads are bounded: at most
 * `maxConcurrentDownloads` at once, a short queue behind them, and a URL that failed is answered from
 * memory for `failureTtlMs` instead of being fetched again. A refusal is SnsCertificateFetchFailed,
 * which the endpoint answers 503 (SNS retries it; a forger gets nothing).
 */

export interface CertificateCacheOptions {
  logger: Logger;
  /** Whole fetch, headers and body, must finish within this. Default 5 000 ms. */
  fetchTimeoutMs?: number;
  /** A certificate larger than this is refused while streaming. Default 10 KiB, as the AWS Java SDK. */
  maxCertificateBytes?: number;
  /** LRU bound. Default 100 (SNS uses one certificate per region at a time). */
  maxEntries?: number;
  /** How long a certificate is reused; never past its own notAfter. Default 1 hour. */
  ttlMs?: number;
  /**
   * Refuse certificates outside their validity period. Default true; false exists only so a test can
   * check a genuine, long-expired AWS certificate against a message it signed years ago.
   */
  checkValidityPeriod?: boolean;
  /** Downloads in flight at once. Default 4. */
  maxConcurrentDownloads?: number;
  /**
   * Downloads waiting for a slot; past this the request is refused at once. Default 8, so that the
   * last one waits at most two download timeouts and still answers within SNS's 15 s.
   */
  maxQueuedDownloads?: number;
  /** How long a URL whose download failed is refused without fetching it again. Default 30 s. */
  failureTtlMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

interface CacheEntry {
  certificate: X509Certificate;
  expiresAt: number;
}

export const DEFAULT_CERT_FETCH_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_CERTIFICATE_BYTES = 10 * 1024;
const DEFAULT_MAX_ENTRIES = 100;
const DEFAULT_TTL_MS = 60 * 60 * 1000;
export const DEFAULT_MAX_CONCURRENT_DOWNLOADS = 4;
const DEFAULT_MAX_QUEUED_DOWNLOADS = 8;
export const DEFAULT_FAILURE_TTL_MS = 30_000;
/** Failed URLs remembered; past this many the oldest are forgotten first. */
const MAX_REMEMBERED_FAILURES = 1_000;

export class CertificateCache {
  private readonly logger: Logger;
  private readonly fetchTimeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly checkValidityPeriod: boolean;
  private readonly now: () => number;
  /** Map iteration order is insertion order, so re-inserting on a hit makes this an LRU. */
  private readonly entries = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<X509Certificate>>();
  /** URL → why its download failed and until when that answer stands. */
  private readonly failures = new Map<string, { reason: string; until: number }>();
  private readonly maxConcurrent: number;
  private readonly maxQueued: number;
  private readonly failureTtlMs: number;
  /** At most `maxConcurrent` connections to certificate hosts, open or idle. */
  private readonly agents: CertificateAgents;
  private downloading = 0;
  /** Downloads waiting for a slot, first come first served. */
  private readonly waiting: Array<() => void> = [];

  constructor(options: CertificateCacheOptions) {
    this.logger = options.logger;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? DEFAULT_CERT_FETCH_TIMEOUT_MS;
    this.maxBytes = options.maxCertificateBytes ?? DEFAULT_MAX_CERTIFICATE_BYTES;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.checkValidityPeriod = options.checkValidityPeriod ?? true;
    this.now = options.now ?? Date.now;
    this.maxConcurrent = options.maxConcurrentDownloads ?? DEFAULT_MAX_CONCURRENT_DOWNLOADS;
    this.maxQueued = options.maxQueuedDownloads ?? DEFAULT_MAX_QUEUED_DOWNLOADS;
    this.failureTtlMs = options.failureTtlMs ?? DEFAULT_FAILURE_TTL_MS;
    this.agents = certificateAgents(this.maxConcurrent);
  }

  /** Number of cached certificates (expired ones count until they are next looked up). */
  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  /**
   * The certificate at `url`, from the cache or fetched. Concurrent calls for one URL share a single
   * fetch. Failures throw ChatbotError(SnsCertificateFetchFailed); a URL that failed fails again
   * without a download for `failureTtlMs`.
   */
  async get(url: string): Promise<X509Certificate> {
    const cached = this.entries.get(url);
    if (cached !== undefined) {
      this.entries.delete(url);
      if (cached.expiresAt > this.now()) {
        this.entries.set(url, cached);
        return cached.certificate;
      }
    }
    const pending = this.inFlight.get(url);
    if (pending !== undefined) return pending;
    const failed = this.failures.get(url);
    if (failed !== undefined) {
      if (failed.until > this.now()) {
        throw new ChatbotError(
          ErrorCode.SnsCertificateFetchFailed,
          `${failed.reason} (remembered; not fetched again yet)`,
        );
      }
      this.failures.delete(url);
    }
    const fetching = this.fetchAndStore(url).finally(() => this.inFlight.delete(url));
    this.inFlight.set(url, fetching);
    return fetching;
  }

  private async fetchAndStore(url: string): Promise<X509Certificate> {
    const started = this.now();
    let certificate: X509Certificate;
    await this.acquireSlot();
    try {
      certificate = this.parse(await this.download(url));
    } catch (error) {
      this.rememberFailure(url, error);
      this.logger.warn(
        { certUrl: url, reason: error instanceof Error ? error.message : String(error) },
        "SNS signing certificate rejected",
      );
      throw error;
    } finally {
      this.releaseSlot();
    }
    const notAfter = Date.parse(certificate.validTo);
    const expiresAt = this.checkValidityPeriod
      ? Math.min(this.now() + this.ttlMs, notAfter)
      : this.now() + this.ttlMs;
    this.entries.set(url, { certificate, expiresAt });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.logger.debug({ certUrl: url, ms: this.now() - started }, "SNS signing certificate fetched");
    return certificate;
  }

  /** Waits for one of the download slots; refuses at once when the queue is full. */
  private acquireSlot(): Promise<void> {
    if (this.downloading < this.maxConcurrent) {
      this.downloading += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxQueued) {
      return Promise.reject(fetchFailed("too many certificate downloads are in progress"));
    }
    // The slot is handed over by releaseSlot, so `downloading` stays counted.
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.downloading -= 1;
    else next();
  }

  private rememberFailure(url: string, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.failures.delete(url);
    this.failures.set(url, { reason, until: this.now() + this.failureTtlMs });
    while (this.failures.size > MAX_REMEMBERED_FAILURES) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  private download(url: string): Promise<Buffer> {
    return downloadCertificate(url, {
      agents: this.agents,
      timeoutMs: this.fetchTimeoutMs,
      maxBytes: this.maxBytes,
    });
  }

  private parse(bytes: Buffer): X509Certificate {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(bytes);
    } catch (error) {
      throw fetchFailed("the URL did not return an X.509 certificate", error);
    }
    if (certificate.publicKey.asymmetricKeyType !== "rsa") {
      throw fetchFailed(`the certificate holds a ${certificate.publicKey.asymmetricKeyType} key, not RSA`);
    }
    if (this.checkValidityPeriod) {
      const now = this.now();
      if (Number.isNaN(Date.parse(certificate.validFrom)) || Number.isNaN(Date.parse(certificate.validTo))) {
        throw fetchFailed("the certificate's validity period is unreadable");
      }
      if (now < Date.parse(certificate.validFrom)) {
        throw fetchFailed(`the certificate is not valid before ${certificate.validFrom}`);
      }
      if (now > Date.parse(certificate.validTo)) {
        throw fetchFailed(`the certificate expired on ${certificate.validTo}`);
      }
    }
    return certificate;
  }
}
