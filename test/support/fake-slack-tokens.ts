/**
 * Tokens the fake Slack knows: access tokens (bot / user, permanent or rotating), single-use refresh
 * tokens and OAuth authorization codes. Authentication answers with Slack's error codes.
 */
import { randomBytes } from "node:crypto";
import type { OAuthGrant } from "./fake-slack-types";

export interface TokenRecord {
  token: string;
  kind: "bot" | "user";
  teamId: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
  /** The bot user id for a bot token, the user id for a user token. */
  userId: string;
  botId?: string;
  scopes: readonly string[];
  /** ms since epoch; absent for tokens that never expire. */
  expiresAt?: number;
  revoked: boolean;
}

interface RefreshRecord {
  kind: "bot" | "user";
  teamId: string;
  userId: string;
  /** Slack revokes a refresh token once it has been used. */
  used: boolean;
  revoked: boolean;
}

interface CodeRecord {
  grant: OAuthGrant;
  issuedAt: number;
  used: boolean;
}

export type AuthResult = { ok: true; record: TokenRecord } | { ok: false; error: string };

/** Slack's authorization codes are valid for 10 minutes. */
const CODE_LIFETIME_MS = 10 * 60 * 1000;

function randomAlnum(length: number): string {
  return randomBytes(length * 2)
    .toString("base64")
    .replace(/[^a-zA-Z0-9]/g, "")
    .slice(0, length);
}

function randomNumber(digits: number): string {
  return String(10 ** (digits - 1) + (randomBytes(6).readUIntBE(0, 6) % (9 * 10 ** (digits - 1))));
}

/** A token shaped like Slack's: `xoxb-…`, or `xoxe.xoxb-1-…` when it rotates. */
export function newAccessToken(kind: "bot" | "user", rotating: boolean): string {
  const prefix = kind === "bot" ? "xoxb" : "xoxp";
  const body = `${randomNumber(10)}-${randomNumber(12)}-${randomAlnum(24)}`;
  return rotating ? `xoxe.${prefix}-1-${body}` : `${prefix}-${body}`;
}

export function newRefreshToken(): string {
  return `xoxe-1-${randomAlnum(60)}`;
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly codes = new Map<string, CodeRecord>();

  constructor(private readonly now: () => number) {}

  register(record: TokenRecord): TokenRecord {
    this.tokens.set(record.token, record);
    return record;
  }

  /** The record of a token, valid or not (for recording which team a call came from). */
  peek(token: string | undefined): TokenRecord | undefined {
    return token === undefined ? undefined : this.tokens.get(token);
  }

  authenticate(token: string | undefined): AuthResult {
    if (token === undefined || token === "") return { ok: false, error: "not_authed" };
    const record = this.tokens.get(token);
    if (!record) return { ok: false, error: "invalid_auth" };
    if (record.revoked) return { ok: false, error: "token_revoked" };
    if (record.expiresAt !== undefined && record.expiresAt <= this.now())
      return { ok: false, error: "token_expired" };
    return { ok: true, record };
  }

  /** Revokes one access token; revoking a bot token also revokes the team's bot refresh tokens. */
  revoke(token: string): boolean {
    const record = this.tokens.get(token);
    if (!record || record.revoked) return false;
    record.revoked = true;
    for (const refresh of this.refreshTokens.values()) {
      if (refresh.teamId === record.teamId && refresh.userId === record.userId) refresh.revoked = true;
    }
    return true;
  }

  /** Revokes every token of a team (what uninstalling the app does). */
  revokeTeam(teamId: string): void {
    for (const record of this.tokens.values()) if (record.teamId === teamId) record.revoked = true;
    for (const refresh of this.refreshTokens.values()) if (refresh.teamId === teamId) refresh.revoked = true;
  }

  /** Makes a token expired now (as if its 12 hours had passed). */
  expire(token: string): void {
    const record = this.tokens.get(token);
    if (!record) throw new Error(`fake Slack: expireToken: unknown token ${token.slice(0, 12)}…`);
    record.expiresAt = this.now() - 1;
  }

  issueRefreshToken(kind: "bot" | "user", teamId: string, userId: string): string {
    const token = newRefreshToken();
    this.refreshTokens.set(token, { kind, teamId, userId, used: false, revoked: false });
    return token;
  }

  /** Consumes a refresh token; the caller issues the new pair. */
  useRefreshToken(
    token: string,
  ): { ok: true; kind: "bot" | "user"; teamId: string; userId: string } | { ok: false } {
    const record = this.refreshTokens.get(token);
    if (!record || record.used || record.revoked) return { ok: false };
    record.used = true;
    return { ok: true, kind: record.kind, teamId: record.teamId, userId: record.userId };
  }

  /** The latest live token of a kind for a team and user (to carry scopes over a refresh). */
  latest(kind: "bot" | "user", teamId: string, userId: string): TokenRecord | undefined {
    let found: TokenRecord | undefined;
    for (const record of this.tokens.values()) {
      if (record.kind === kind && record.teamId === teamId && record.userId === userId) found = record;
    }
    return found;
  }

  issueCode(grant: OAuthGrant): string {
    const code = `${randomNumber(10)}.${randomNumber(13)}.${randomBytes(32).toString("hex")}`;
    this.codes.set(code, { grant, issuedAt: this.now(), used: false });
    return code;
  }

  /** Consumes an authorization code; unknown, reused and expired codes are all `invalid_code`. */
  takeCode(code: string): OAuthGrant | undefined {
    const record = this.codes.get(code);
    if (!record || record.used || this.now() - record.issuedAt > CODE_LIFETIME_MS) return undefined;
    record.used = true;
    return record.grant;
  }
}
