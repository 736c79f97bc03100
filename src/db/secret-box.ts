/**
 * AES-256-GCM for secrets at rest (bot/refresh tokens, webhook URLs). Each value gets a fresh
 * 96-bit IV; the `context` (e.g. the row's key) is bound as associated data, so a ciphertext copied
 * into another row does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { ChatbotError, ErrorCode } from "../errors";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32)
      throw new ChatbotError(ErrorCode.EncryptionFailed, "encryption key must be 32 bytes");
    this.#key = Buffer.from(key);
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
  }

  decrypt(sealed: string, context: string): string {
    const [version, payload] = sealed.split(":", 2);
    if (version !== VERSION || payload === undefined) {
      throw new ChatbotError(ErrorCode.EncryptionFailed, "stored secret has an unknown format");
    }
    const bytes = Buffer.from(payload, "base64");
    if (bytes.length < IV_BYTES + TAG_BYTES) {
      throw new ChatbotError(ErrorCode.EncryptionFailed, "stored secret is truncated");
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString("utf8");
    } catch (error) {
      throw new ChatbotError(
        ErrorCode.EncryptionFailed,
        "stored secret does not decrypt: ENCRYPTION_KEY differs from the key it was written with",
        { cause: error },
      );
    }
  }
}
