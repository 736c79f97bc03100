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

export const GENERATED_KEY_FILE = "encryption.key";

export function resolveEncryptionKey(config: Config, logger: Logger): Buffer {
  if (config.encryptionKey) return config.encryptionKey;
  if (config.database.kind !== "sqlite" || config.database.sqliteFile === undefined) {
    throw new ChatbotError(ErrorCode.ConfigInvalid, "ENCRYPTION_KEY is required with PostgreSQL");
  }
  const keyFile = path.join(path.dirname(path.resolve(config.database.sqliteFile)), GENERATED_KEY_FILE);
  if (fs.existsSync(keyFile)) {
    const key = Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "base64");
    if (key.length !== 32) {
      throw new ChatbotError(ErrorCode.ConfigInvalid, `${keyFile} does not hold a 32-byte base64 key`);
    }
    return key;
  }
  fs.mkdirSync(path.dirname(keyFile), { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(keyFile, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  logger.warn(
    { keyFile },
    "ENCRYPTION_KEY is not set: generated one for SQLite. Back this file up with the database, or set ENCRYPTION_KEY.",
  );
  return key;
}
