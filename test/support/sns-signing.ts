/**
 * Signs SNS envelopes the way Amazon SNS does, with a test RSA key and a self-signed X.509
 * certificate made here (no openssl, no network). The string-to-sign is implemented independently of
 * src/sns so that the verifier is not tested against itself.
 */
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

export type SignatureVersion = "1" | "2";

export interface SigningIdentity {
  privateKey: KeyObject;
  publicKey: KeyObject;
  certificatePem: string;
}

// ---------------------------------------------------------------------------------------------
// A minimal DER writer: just enough ASN.1 for one self-signed certificate.

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...content: Buffer[]) => der(0x30, ...content);
const set = (...content: Buffer[]) => der(0x31, ...content);

function integer(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const trimmed = value.subarray(start);
  return der(0x02, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function objectId(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128: number[] = [arc % 128];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) {
      base128.unshift((value % 128) | 0x80);
    }
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const year = date.getUTCFullYear();
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  return year >= 1950 && year < 2050
    ? der(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : der(0x18, Buffer.from(`${iso}Z`));
}

function distinguishedName(commonName: string): Buffer {
  return sequence(set(sequence(objectId("2.5.4.3"), der(0x0c, Buffer.from(commonName, "utf8")))));
}

const SHA256_WITH_RSA = sequence(objectId("1.2.840.113549.1.1.11"), Buffer.from([0x05, 0x00]));

export interface CertificateOptions {
  privateKey: KeyObject;
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  commonName?: string;
}

/** A self-signed X.509 certificate (PEM) for `publicKey`. */
export function createSelfSignedCertificatePem(options: CertificateOptions): string {
  const name = distinguishedName(options.commonName ?? "sns.test.invalid");
  const tbs = sequence(
    der(0xa0, integer(Buffer.from([2]))),
    integer(Buffer.from(randomUUID().replace(/-/g, ""), "hex")),
    SHA256_WITH_RSA,
    name,
    sequence(time(options.notBefore), time(options.notAfter)),
    name,
    options.publicKey.export({ type: "spki", format: "der" }),
  );
  const certificate = sequence(
    tbs,
    SHA256_WITH_RSA,
    der(0x03, Buffer.from([0]), sign("sha256", tbs, options.privateKey)),
  );
  const lines = certificate.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A fresh RSA key pair with a certificate valid over [now + fromDays, now + toDays]. */
export function createSigningIdentity(
  validity: { fromDays?: number; toDays?: number } = {},
): SigningIdentity {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const now = Date.now();
  const certificatePem = createSelfSignedCertificatePem({
    privateKey,
    publicKey,
    notBefore: new Date(now + (validity.fromDays ?? -1) * DAY_MS),
    notAfter: new Date(now + (validity.toDays ?? 365) * DAY_MS),
  });
  return { privateKey, publicKey, certificatePem };
}

let sharedIdentity: SigningIdentity | undefined;

/** The process-wide test identity (key generation is slow enough to do once). */
export function testSigningIdentity(): SigningIdentity {
  sharedIdentity ??= createSigningIdentity();
  return sharedIdentity;
}

// ---------------------------------------------------------------------------------------------
// Envelopes.

/** Envelope fields before signing; extra keys (UnsubscribeURL, MessageAttributes, …) pass through. */
export interface UnsignedEnvelope {
  Type: string;
  [key: string]: unknown;
}

export type SignedEnvelope = UnsignedEnvelope & {
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
};

const SIGNED_KEYS: Readonly<Record<string, readonly string[]>> = {
  Notification: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
  SubscriptionConfirmation: [
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
  ],
  UnsubscribeConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
};

/** AWS's documented string to sign; keys absent from `fields` (e.g. Subject) are skipped. */
export function snsStringToSign(fields: UnsignedEnvelope): string {
  const keys = SIGNED_KEYS[fields.Type] ?? SIGNED_KEYS.Notification;
  return keys
    .filter((key) => typeof fields[key] === "string")
    .map((key) => `${key}\n${fields[key] as string}\n`)
    .join("");
}

export interface SignOptions {
  version: SignatureVersion;
  certUrl: string;
  /** Default: the shared test identity's key. */
  privateKey?: KeyObject;
  /** Sign with this digest instead of the version's (to forge a wrong-algorithm message). */
  digest?: "sha1" | "sha256";
}

/** Returns `fields` with SignatureVersion, Signature and SigningCertURL set, keys in SNS's order. */
export function signEnvelope(fields: UnsignedEnvelope, options: SignOptions): SignedEnvelope {
  const { UnsubscribeURL, MessageAttributes, SignatureVersion, Signature, SigningCertURL, ...signedPart } =
    fields;
  const digest = options.digest ?? (options.version === "1" ? "sha1" : "sha256");
  const key = options.privateKey ?? testSigningIdentity().privateKey;
  const signature = sign(digest, Buffer.from(snsStringToSign(fields), "utf8"), key).toString("base64");
  return {
    ...signedPart,
    Type: fields.Type,
    SignatureVersion: options.version,
    Signature: signature,
    SigningCertURL: options.certUrl,
    ...(UnsubscribeURL === undefined ? {} : { UnsubscribeURL }),
    ...(MessageAttributes === undefined ? {} : { MessageAttributes }),
  };
}

/** Serialises an envelope as SNS does (pretty-printed, `"Key" : value`). */
export function formatLikeSns(envelope: Readonly<Record<string, unknown>>): string {
  const lines = Object.entries(envelope)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `  ${JSON.stringify(key)} : ${JSON.stringify(value)}`);
  return `{\n${lines.join(",\n")}\n}`;
}

// ---------------------------------------------------------------------------------------------
// Builders for the three message types and the shared fixtures.

/** The in-repository copy of the project-wide SNS corpus (test/fixtures/sns-shared/README.md). */
export const SHARED_SNS_FIXTURES_DIR = path.resolve(__dirname, "..", "fixtures", "sns-shared");

export interface SharedSnsFixture {
  description: string;
  envelope: UnsignedEnvelope;
  expect: Record<string, unknown>;
}

export function loadSharedSnsFixture(fileName: string): SharedSnsFixture {
  const file = path.join(SHARED_SNS_FIXTURES_DIR, fileName.endsWith(".json") ? fileName : `${fileName}.json`);
  return JSON.parse(readFileSync(file, "utf8")) as SharedSnsFixture;
}

/** A shared fixture's Notification, signed with the test key and pointed at `certUrl`. */
export function signedFixtureNotification(fileName: string, options: SignOptions): SignedEnvelope {
  return signEnvelope(loadSharedSnsFixture(fileName).envelope, options);
}

const DEFAULT_TOPIC = "arn:aws:sns:us-east-1:123456789012:chatbot-test";

function timestamp(): string {
  return new Date().toISOString();
}

export function makeNotification(
  fields: {
    topicArn?: string;
    message?: string;
    subject?: string;
    messageId?: string;
    unsubscribeUrl?: string;
  } = {},
): UnsignedEnvelope {
  const topicArn = fields.topicArn ?? DEFAULT_TOPIC;
  const region = topicArn.split(":")[3] ?? "us-east-1";
  return {
    Type: "Notification",
    MessageId: fields.messageId ?? randomUUID(),
    TopicArn: topicArn,
    ...(fields.subject === undefined ? {} : { Subject: fields.subject }),
    Message: fields.message ?? "Hello from the test suite",
    Timestamp: timestamp(),
    UnsubscribeURL:
      fields.unsubscribeUrl ??
      `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:${randomUUID()}`,
  };
}

function makeConfirmation(
  type: "SubscriptionConfirmation" | "UnsubscribeConfirmation",
  fields: { topicArn?: string; token?: string; messageId?: string; subscribeUrl?: string },
): UnsignedEnvelope {
  const topicArn = fields.topicArn ?? DEFAULT_TOPIC;
  const region = topicArn.split(":")[3] ?? "us-east-1";
  const token =
    fields.token ??
    "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736";
  const message =
    type === "SubscriptionConfirmation"
      ? `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
      : `You have chosen to deactivate subscription ${topicArn}:${randomUUID()}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
  return {
    Type: type,
    MessageId: fields.messageId ?? randomUUID(),
    Token: token,
    TopicArn: topicArn,
    Message: message,
    SubscribeURL:
      fields.subscribeUrl ??
      `https://sns.${region}.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${token}`,
    Timestamp: timestamp(),
  };
}

export function makeSubscriptionConfirmation(
  fields: { topicArn?: string; token?: string; messageId?: string; subscribeUrl?: string } = {},
): UnsignedEnvelope {
  return makeConfirmation("SubscriptionConfirmation", fields);
}

export function makeUnsubscribeConfirmation(
  fields: { topicArn?: string; token?: string; messageId?: string; subscribeUrl?: string } = {},
): UnsignedEnvelope {
  return makeConfirmation("UnsubscribeConfirmation", fields);
}
