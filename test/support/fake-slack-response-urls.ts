/**
 * response_url on the fake Slack: URLs handed out by fake.responseUrl(), which accept JSON posts the
 * way Slack's do (up to 5 posts within 30 minutes; blocks checked like chat.postMessage's).
 */
import { randomBytes } from "node:crypto";
import { blockProblems } from "./fake-slack-blocks";
import { isJsonObject } from "./fake-slack-http";
import type { JsonObject } from "./fake-slack-types";

export const RESPONSE_PATH = "/response/";
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;

interface ResponseUrlEntry {
  createdAt: number;
  uses: number;
  teamId?: string;
}

export interface ResponseVerdict {
  status: number;
  /** Slack answers errors as short text ("used_url", "expired_url", …). */
  text: string;
}

/** Parses a response_url body: the JSON object, or the raw text when it is not one. */
export function parseResponseBody(raw: Buffer): JsonObject | string {
  const text = raw.toString("utf8");
  try {
    const parsed: unknown = JSON.parse(text);
    return isJsonObject(parsed) ? parsed : text;
  } catch {
    return text;
  }
}

export class ResponseUrls {
  private readonly entries = new Map<string, ResponseUrlEntry>();

  constructor(
    private readonly now: () => number,
    private readonly validateBlocks: boolean,
  ) {}

  /** A new id (the path after RESPONSE_PATH). */
  create(teamId?: string): string {
    const id = `${teamId ?? "T"}/${randomBytes(12).toString("hex")}`;
    this.entries.set(id, { createdAt: this.now(), uses: 0, teamId });
    return id;
  }

  teamOf(id: string): string | undefined {
    return this.entries.get(id)?.teamId;
  }

  /** Decides the answer to a post, counting it as a use when accepted. */
  accept(id: string, body: JsonObject | string): ResponseVerdict {
    const entry = this.entries.get(id);
    if (!entry || this.now() - entry.createdAt > RESPONSE_URL_LIFETIME_MS)
      return { status: 404, text: "expired_url" };
    if (entry.uses >= RESPONSE_URL_USES) return { status: 404, text: "used_url" };
    if (!isJsonObject(body)) return { status: 400, text: "invalid_payload" };
    if (this.validateBlocks && body.blocks !== undefined && blockProblems(body.blocks, 50).length > 0) {
      return { status: 400, text: "invalid_blocks" };
    }
    entry.uses += 1;
    return { status: 200, text: "ok" };
  }
}
