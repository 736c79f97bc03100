import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Severity, SnsNotificationEnvelope } from "../../src/notifications";
import { blockTexts } from "../support/block-kit-validator";
import { SHARED_SNS_FIXTURES_DIR } from "../support/sns-signing";

/**
 * The SNS fixture corpus, all inside this repository (nothing outside it is read at run time):
 * test/fixtures/sns-shared (a copy of the project-wide set), test/fixtures/sns-public (public example
 * events from AWS documentation and open-source projects, each naming its source and licence) and
 * this repository's own additions in test/fixtures/sns. Same file format for all three.
 */

const FIXTURES_DIR = path.resolve(__dirname, "..", "fixtures");
export const OWN_FIXTURE_DIR = path.join(FIXTURES_DIR, "sns");
export const PUBLIC_FIXTURE_DIR = path.join(FIXTURES_DIR, "sns-public");

export interface SnsFixture {
  file: string;
  description: string;
  envelope: SnsNotificationEnvelope;
  expect: {
    service: string;
    kind: string;
    must_mention: string[];
    /** Absent where the event carries no severity (issue 12: no invented badge). */
    severity?: Severity;
    /** Own fixtures only: extra expectations. */
    console_url_prefix?: string;
    region?: string;
    partition?: string;
    thread_key?: string;
  };
}

function load(dir: string): SnsFixture[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(path.join(dir, file), "utf8")) }) as SnsFixture);
}

export function sharedFixtures(): SnsFixture[] {
  return load(SHARED_SNS_FIXTURES_DIR);
}

export function publicFixtures(): SnsFixture[] {
  return load(PUBLIC_FIXTURE_DIR);
}

export function ownFixtures(): SnsFixture[] {
  return load(OWN_FIXTURE_DIR);
}

export function allFixtures(): SnsFixture[] {
  return [...sharedFixtures(), ...publicFixtures(), ...ownFixtures()];
}

export function fixture(file: string): SnsFixture {
  const found = allFixtures().find((f) => f.file === file || f.file === `${file}.json`);
  if (found === undefined) throw new Error(`no fixture ${file}`);
  return found;
}

/** A fixture's envelope carrying another message (an object is sent as its JSON). */
export function withMessage(file: string, message: unknown): SnsNotificationEnvelope {
  const { envelope } = fixture(file);
  return { ...envelope, Message: typeof message === "string" ? message : JSON.stringify(message) };
}

/** An EventBridge event as SNS delivers it, with the fields every event has. */
export function eventEnvelope(
  detailType: string,
  source: string,
  detail: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): SnsNotificationEnvelope {
  return withMessage("eventbridge-unknown-widget-rotated", {
    version: "0",
    id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": detailType,
    source,
    account: "123456789012",
    time: "2026-04-01T05:30:00Z",
    region: "us-east-1",
    resources: [],
    detail,
    ...extra,
  });
}

/** Slack mrkdwn escapes exactly these three; fixtures' must_mention strings are raw. */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** All text a Slack reader can see: the fallback and every text in the blocks, unescaped. */
export function visibleSlackText(message: { text: string; blocks: unknown[] }): string {
  return unescapeMrkdwn([message.text, ...blockTexts(message.blocks)].join("\n"));
}

/** Chime content with the zero-width spaces that defuse @All / @Present taken out again. */
export function visibleWebhookText(content: string): string {
  return content.replace(/@\u200b/g, "@");
}
