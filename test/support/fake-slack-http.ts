/**
 * HTTP plumbing of the fake Slack: reading bodies, parsing Web API arguments the way Slack accepts
 * them (form-encoded with JSON-stringified nested values, or JSON), credentials, JSON answers.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { JsonObject } from "./fake-slack-types";

/** Arguments Slack documents as "JSON-based … presented as a URL-encoded string". */
const JSON_ARGUMENTS = ["blocks", "attachments", "view", "files", "metadata"] as const;

export const MAX_BODY_BYTES = 20 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > limit) throw new BodyTooLargeError(`body over ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function contentTypeOf(headers: IncomingHttpHeaders): string {
  return (headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

export type ParsedArgs = { ok: true; args: JsonObject } | { ok: false; error: string };

/** Parses a Web API request body; nested JSON arguments are decoded (left as text if not JSON). */
export async function parseApiArgs(raw: Buffer, headers: IncomingHttpHeaders): Promise<ParsedArgs> {
  const type = contentTypeOf(headers);
  let args: JsonObject;
  if (raw.length === 0) {
    args = {};
  } else if (type === "application/json") {
    try {
      const parsed: unknown = JSON.parse(raw.toString("utf8"));
      if (!isJsonObject(parsed)) return { ok: false, error: "invalid_json" };
      args = parsed;
    } catch {
      return { ok: false, error: "invalid_json" };
    }
  } else if (type === "multipart/form-data") {
    args = await parseMultipartFields(raw, headers["content-type"] ?? "");
  } else {
    args = Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
  }
  for (const key of JSON_ARGUMENTS) {
    const value = args[key];
    if (typeof value !== "string") continue;
    try {
      args[key] = JSON.parse(value);
    } catch {
      // Left as the raw string: the method answers invalid_blocks_format / invalid_arguments.
    }
  }
  return { ok: true, args };
}

async function parseMultipartFields(raw: Buffer, contentType: string): Promise<JsonObject> {
  const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
  const args: JsonObject = {};
  for (const [key, value] of form) {
    if (typeof value === "string") args[key] = value;
  }
  return args;
}

/** The bytes of an upload: the first file part of a multipart body, else the raw body. */
export async function uploadedBytes(raw: Buffer, headers: IncomingHttpHeaders): Promise<Buffer> {
  if (contentTypeOf(headers) !== "multipart/form-data") return raw;
  const form = await new Response(raw, {
    headers: { "content-type": headers["content-type"] ?? "" },
  }).formData();
  for (const [, value] of form) {
    if (typeof value !== "string") return Buffer.from(await value.arrayBuffer());
  }
  for (const [, value] of form) {
    if (typeof value === "string") return Buffer.from(value);
  }
  return Buffer.alloc(0);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
  return match?.[1];
}

export function basicCredentials(headers: IncomingHttpHeaders): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Reads a string argument (form values are always strings; JSON may carry numbers). */
export function stringArg(args: JsonObject, key: string): string | undefined {
  const value = args[key];
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/** Reads a boolean argument ("true"/"1" in forms, true in JSON). */
export function booleanArg(args: JsonObject, key: string): boolean {
  const value = args[key];
  return value === true || value === "true" || value === "1" || value === 1;
}

export function numberArg(args: JsonObject, key: string): number | undefined {
  const value = args[key];
  const parsed = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : undefined;
}
