/**
 * Careful readers for untrusted JSON. Formatters read event payloads through these so that a field
 * of an unexpected type reads as absent instead of throwing or printing "[object Object]".
 */

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The object's own value under `key`, never an inherited one: `__proto__`, `constructor` or
 * `toString` read as absent unless the message itself has such a key.
 */
export function own(source: JsonObject, key: string): unknown {
  return hasOwn.call(source, key) ? source[key] : undefined;
}

/** Parses text that looks like JSON; anything else (or invalid JSON) is `undefined`. */
export function parseJson(text: string): unknown {
  const start = firstNonSpace(text);
  if (start !== "{" && start !== "[") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function firstNonSpace(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== " " && c !== "\n" && c !== "\r" && c !== "\t" && c !== "\uFEFF") return c;
  }
  return undefined;
}

/** A non-empty string field; numbers and booleans are turned into text (AWS mixes them freely). */
export function str(source: unknown, key: string): string | undefined {
  return isObject(source) ? scalarText(own(source, key)) : undefined;
}

/** A value as display text when it is a scalar; objects and arrays are `undefined`. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() === "" ? undefined : value;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === "boolean") return String(value);
  return undefined;
}

/** A number field; numeric strings count (`"bytesTransferred": "0"`). */
export function num(source: unknown, key: string): number | undefined {
  if (!isObject(source)) return undefined;
  const value = own(source, key);
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

export function obj(source: unknown, key: string): JsonObject | undefined {
  if (!isObject(source)) return undefined;
  const value = own(source, key);
  return isObject(value) ? value : undefined;
}

export function arr(source: unknown, key: string): unknown[] {
  if (!isObject(source)) return [];
  const value = own(source, key);
  return Array.isArray(value) ? value : [];
}

/** Array elements that are objects. */
export function objects(source: unknown, key: string): JsonObject[] {
  return arr(source, key).filter(isObject);
}

/** Array elements that are scalars, as text. */
export function strings(source: unknown, key: string): string[] {
  const out: string[] = [];
  for (const item of arr(source, key)) {
    const text = scalarText(item);
    if (text !== undefined) out.push(text);
  }
  return out;
}

/** Reads a nested path such as `["detail", "resource", "instanceDetails", "instanceId"]`. */
export function pathStr(source: unknown, path: readonly string[]): string | undefined {
  let current: unknown = source;
  for (let i = 0; i < path.length - 1; i++) {
    if (!isObject(current)) return undefined;
    current = own(current, path[i]);
  }
  return str(current, path[path.length - 1]);
}

/**
 * JSON text of a value, cut after about `maxChars` characters. The walk stops as soon as the budget
 * is spent, so a 20 KB detail object costs no more than the part that is shown.
 */
export function boundedJson(
  value: unknown,
  maxChars: number,
  indent = 0,
): { text: string; truncated: boolean } {
  const writer = { parts: [] as string[], length: 0, max: maxChars, full: false };
  writeJson(writer, value, indent, 0);
  return { text: writer.parts.join(""), truncated: writer.full };
}

interface JsonWriter {
  parts: string[];
  length: number;
  max: number;
  full: boolean;
}

function emit(writer: JsonWriter, text: string): boolean {
  if (writer.full) return false;
  if (writer.length + text.length > writer.max) {
    const room = writer.max - writer.length;
    if (room > 0) writer.parts.push(text.slice(0, room));
    writer.length = writer.max;
    writer.full = true;
    return false;
  }
  writer.parts.push(text);
  writer.length += text.length;
  return true;
}

function writeJson(writer: JsonWriter, value: unknown, indent: number, depth: number): void {
  if (writer.full) return;
  if (value === null || typeof value !== "object") {
    emit(writer, JSON.stringify(value) ?? "null");
    return;
  }
  const isArray = Array.isArray(value);
  const entries: [string | undefined, unknown][] = isArray
    ? value.map((item): [undefined, unknown] => [undefined, item])
    : Object.entries(value);
  if (entries.length === 0) {
    emit(writer, isArray ? "[]" : "{}");
    return;
  }
  const pad = indent > 0 ? `\n${" ".repeat(indent * (depth + 1))}` : "";
  const closePad = indent > 0 ? `\n${" ".repeat(indent * depth)}` : "";
  if (!emit(writer, isArray ? "[" : "{")) return;
  entries.forEach(([key, item], index) => {
    if (writer.full) return;
    if (index > 0) emit(writer, ",");
    emit(writer, pad);
    if (key !== undefined) emit(writer, `${JSON.stringify(key)}:${indent > 0 ? " " : ""}`);
    writeJson(writer, item, indent, depth + 1);
  });
  emit(writer, closePad);
  emit(writer, isArray ? "]" : "}");
}
