import { type KeyObject, verify as verifyRsa, type X509Certificate } from "node:crypto";
import { ChatbotError, ErrorCode } from "../errors";
import type { Logger } from "../logger";
import { CertificateCache, type CertificateCacheOptions } from "./certificate-cache";
import type { SnsEnvelope } from "./envelope";

/**
 * SNS message signature verification (PROTOCOLS §1.2), written here because the npm validators each
 * get something wrong (§1.8): sns-validator fails every UnsubscribeConfirmation, sns-payload-validator
 * caches error pages and cannot take a custom certificate-URL pattern.
 */

/** The CONTRACT's default for SNS_CERT_URL_PATTERN: AWS's own certificate hosts, https, a .pem path. */
export const DEFAULT_CERT_URL_PATTERN = /^https:\/\/sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[^?#]+\.pem$/;

/** SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA; anything else cannot be checked. */
function digestFor(signatureVersion: string): "sha1" | "sha256" | undefined {
  if (signatureVersion === "1") return "sha1";
  if (signatureVersion === "2") return "sha256";
  return undefined;
}

/**
 * The exact text SNS signed: `Name\nValue\n` for each signed key in byte order. Subject takes part
 * only when present; SigningCertURL, Signature, UnsubscribeURL and MessageAttributes never do.
 */
export function buildStringToSign(envelope: SnsEnvelope): string {
  const fields: Array<readonly [string, string | undefined]> =
    envelope.Type === "Notification"
      ? [
          ["Message", envelope.Message],
          ["MessageId", envelope.MessageId],
          ["Subject", envelope.Subject],
          ["Timestamp", envelope.Timestamp],
          ["TopicArn", envelope.TopicArn],
          ["Type", envelope.Type],
        ]
      : [
          ["Message", envelope.Message],
          ["MessageId", envelope.MessageId],
          ["SubscribeURL", envelope.SubscribeURL],
          ["Timestamp", envelope.Timestamp],
          ["Token", envelope.Token],
          ["TopicArn", envelope.TopicArn],
          ["Type", envelope.Type],
        ];
  let text = "";
  for (const [key, value] of fields) {
    if (value !== undefined) text += `${key}\n${value}\n`;
  }
  return text;
}

const LOOPBACK_HOST = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/;

function urlRejected(reason: string): ChatbotError {
  return new ChatbotError(ErrorCode.SnsCertificateUrlRejected, `SigningCertURL rejected: ${reason}`);
}

/**
 * Checks a SigningCertURL before anything is fetched. The pattern sees the raw string; the URL is then
 * parsed and must serialise back to exactly that string, so what the pattern approved is what gets
 * fetched (no userinfo, backslash or percent-encoding tricks). Plain http is allowed only to a
 * loopback host, and only if the configured pattern allows it: that is how tests serve certificates.
 */
export function checkSigningCertUrl(raw: string, pattern: RegExp = DEFAULT_CERT_URL_PATTERN): URL {
  if (!matches(pattern, raw)) {
    throw urlRejected("it does not match the allowed certificate URL pattern (an SNS host over https)");
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw urlRejected("it is not a URL");
  }
  if (url.username !== "" || url.password !== "") throw urlRejected("it carries user information");
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOST.test(url.hostname))) {
    throw urlRejected("it is not https");
  }
  if (raw.includes("?") || raw.includes("#")) throw urlRejected("it has a query string or fragment");
  if (!url.pathname.endsWith(".pem")) throw urlRejected("its path does not end in .pem");
  // Canonical equality means the protocol, host and path the pattern judged are the ones fetched.
  if (url.href !== raw) throw urlRejected("it is not in canonical form");
  return url;
}

/** Global or sticky regexps keep `lastIndex` between calls; test from the start every time. */
function matches(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  const result = pattern.test(text);
  pattern.lastIndex = 0;
  return result;
}

/** Approved certificate URLs remembered; past this many (never, with SNS) the memory starts over. */
const MAX_REMEMBERED_URLS = 100;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function signatureInvalid(reason: string): ChatbotError {
  return new ChatbotError(ErrorCode.SnsSignatureInvalid, `SNS message signature rejected: ${reason}`);
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export interface SnsMessageVerifierOptions
  extends Pick<
    CertificateCacheOptions,
    | "maxCertificateBytes"
    | "maxEntries"
    | "ttlMs"
    | "checkValidityPeriod"
    | "maxConcurrentDownloads"
    | "maxQueuedDownloads"
    | "failureTtlMs"
    | "now"
  > {
  logger: Logger;
  /** Every SigningCertURL must match this (SNS_CERT_URL_PATTERN). Default `DEFAULT_CERT_URL_PATTERN`. */
  certUrlPattern?: RegExp;
  /** Certificate download timeout. Default 5 000 ms. */
  fetchTimeoutMs?: number;
}

/**
 * Verifies SNS envelopes. Construct once per process (it owns the certificate cache) and call
 * `verify` for each message; it resolves when the signature is genuine and throws a ChatbotError
 * with code SnsSignatureInvalid, SnsCertificateUrlRejected or SnsCertificateFetchFailed otherwise.
 * Log lines name the message, never its Message, Subject or Token.
 */
export class SnsMessageVerifier {
  private readonly logger: Logger;
  private readonly certUrlPattern: RegExp;
  private readonly certificates: CertificateCache;
  private readonly approvedUrls = new Map<string, URL>();
  private readonly publicKeys = new WeakMap<X509Certificate, KeyObject>();

  constructor(options: SnsMessageVerifierOptions) {
    this.logger = options.logger.child({ component: "sns-verify" });
    this.certUrlPattern = options.certUrlPattern ?? DEFAULT_CERT_URL_PATTERN;
    this.certificates = new CertificateCache({ ...options, logger: this.logger });
  }

  /** Number of cached signing certificates (for metrics and tests). */
  get cachedCertificates(): number {
    return this.certificates.size;
  }

  async verify(envelope: SnsEnvelope): Promise<void> {
    try {
      await this.check(envelope);
    } catch (error) {
      this.logger.warn(
        {
          messageId: clip(envelope.MessageId),
          topicArn: clip(envelope.TopicArn),
          type: envelope.Type,
          signatureVersion: clip(envelope.SignatureVersion),
          certUrl: clip(envelope.SigningCertURL),
          code: error instanceof ChatbotError ? error.code : undefined,
          reason: error instanceof Error ? error.message : String(error),
        },
        "SNS message failed verification",
      );
      throw error;
    }
    this.logger.debug(
      { messageId: clip(envelope.MessageId), topicArn: clip(envelope.TopicArn), type: envelope.Type },
      "SNS message signature verified",
    );
  }

  /**
   * checkSigningCertUrl, remembered for the URLs that passed it (SNS signs with one certificate per
   * region at a time, so nearly every message repeats a URL already checked).
   */
  private approvedCertUrl(raw: string): URL {
    const known = this.approvedUrls.get(raw);
    if (known !== undefined) return known;
    const url = checkSigningCertUrl(raw, this.certUrlPattern);
    if (this.approvedUrls.size >= MAX_REMEMBERED_URLS) this.approvedUrls.clear();
    this.approvedUrls.set(raw, url);
    return url;
  }

  /** The certificate's key, made once per certificate (X509Certificate.publicKey builds a new one). */
  private publicKeyOf(certificate: X509Certificate): KeyObject {
    let key = this.publicKeys.get(certificate);
    if (key === undefined) {
      key = certificate.publicKey;
      this.publicKeys.set(certificate, key);
    }
    return key;
  }

  private async check(envelope: SnsEnvelope): Promise<void> {
    // Cheap checks first, so garbage never costs a certificate download.
    const digest = digestFor(envelope.SignatureVersion);
    if (digest === undefined) {
      throw signatureInvalid(
        `unsupported SignatureVersion ${JSON.stringify(clip(envelope.SignatureVersion))}`,
      );
    }
    if (!BASE64.test(envelope.Signature)) throw signatureInvalid("Signature is not base64");
    const signature = Buffer.from(envelope.Signature, "base64");
    const certUrl = this.approvedCertUrl(envelope.SigningCertURL);
    const certificate = await this.certificates.get(certUrl.href);
    let genuine: boolean;
    try {
      // Synchronous on purpose: the thread-pool form (with a callback) measured slower here, its
      // hand-off and OpenSSL's locking costing the event loop more than the check itself.
      genuine = verifyRsa(
        digest,
        Buffer.from(buildStringToSign(envelope), "utf8"),
        this.publicKeyOf(certificate),
        signature,
      );
    } catch (error) {
      throw new ChatbotError(
        ErrorCode.SnsSignatureInvalid,
        "SNS message signature rejected: it cannot be checked",
        {
          cause: error,
        },
      );
    }
    if (!genuine) throw signatureInvalid("it does not match the message and the signing certificate");
  }
}
