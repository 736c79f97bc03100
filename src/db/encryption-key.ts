/**
 * Resolves the key that encrypts secrets at rest: ENCRYPTION_KEY when set; on SQLite without it, a
 * key generated once into the database's folder (with a warning, since losing that file loses
 * every stored token).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../config";
import { ChatbotError, ErrorCode } from "../errors";
import type { Logger } from "../logger";
import { SecretBox } from "./secret-box";

export const GENERATED_KEY_FILE = "encryption.key";

function keyFileOf(config: Config): string {
  if (config.database.kind !== "sqlite" || config.database.sqliteFile === undefined) {
    throw new ChatbotError(ErrorCode.ConfigInvalid, "ENCRYPTION_KEY is required with PostgreSQL");
  }
  return path.join(path.dirname(path.resolve(config.database.sqliteFile)), GENERATED_KEY_FILE);
}

function readKeyFile(keyFile: string): Buffer {
  const key = Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "base64");
  if (key.length !== 32) {
    throw new ChatbotError(ErrorCode.ConfigInvalid, `${keyFile} does not hold a 32-byte base64 key`);
  }
  return key;
}

/** The key if there is one (ENCRYPTION_KEY or the generated file), never creating it (`chatbot doctor`). */
export function existingEncryptionKey(config: Config): Buffer | undefined {
  if (config.encryptionKey) return config.encryptionKey;
  const keyFile = keyFileOf(config);
  return fs.existsSync(keyFile) ? readKeyFile(keyFile) : undefined;
}

export function resolveEncryptionKey(config: Config, logger: Logger): Buffer {
  if (config.encryptionKey) return config.encryptionKey;
  const keyFile = keyFileOf(config);
  if (fs.existsSync(keyFile)) return readKeyFile(keyFile);
  fs.mkdirSync(path.dirname(keyFile), { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(keyFile, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  logger.warn(
    { keyFile },
    "ENCRYPTION_KEY is not set: generated one for SQLite. Back this file up with the database, or set ENCRYPTION_KEY.",
  );
  return key;
}

/** The secret box of the server and the CLI: the current key, and ENCRYPTION_KEY_PREVIOUS to open older values. */
export function secretBoxFor(config: Config, logger: Logger): SecretBox {
  return new SecretBox(resolveEncryptionKey(config, logger), config.previousEncryptionKeys);
}
