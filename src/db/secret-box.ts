/**
 * AES-256-GCM for secrets at rest (bot/refresh tokens, webhook URLs). Each value gets a fresh
 * 96-bit IV; the `context` (e.g. the row's key) is bound as associated data, so a ciphertext copied
 * into another row does not decrypt.
 *
 * Key rotation: values are always sealed with the current key; `previousKeys`
 * (ENCRYPTION_KEY_PREVIOUS) only open values sealed before the rotation, until `npx chatbot
 * reencrypt` has re-sealed them. GCM's tag tells which key fits, so the format needs no key id.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { ChatbotError, ErrorCode } from "../errors";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBox {
  readonly #key: Buffer;
  readonly #previousKeys: Buffer[];

  constructor(key: Buffer, previousKeys: readonly Buffer[] = []) {
    for (const candidate of [key, ...previousKeys]) {
      if (candidate.length !== 32)
        throw new ChatbotError(ErrorCode.EncryptionFailed, "encryption key must be 32 bytes");
    }
    this.#key = Buffer.from(key);
    this.#previousKeys = previousKeys.filter((old) => !old.equals(key)).map((old) => Buffer.from(old));
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
  }

  decrypt(sealed: string, context: string): string {
    return this.open(sealed, context).plaintext;
  }

  /**
   * The value re-sealed under the current key when it was sealed with a previous one; undefined when
   * it already is under the current key. Throws like `decrypt` when no key opens it.
   */
  resealed(sealed: string, context: string): string | undefined {
    const { plaintext, underPreviousKey } = this.open(sealed, context);
    return underPreviousKey ? this.encrypt(plaintext, context) : undefined;
  }

  private open(sealed: string, context: string): { plaintext: string; underPreviousKey: boolean } {
    const [version, payload] = sealed.split(":", 2);
    if (version !== VERSION || payload === undefined) {
      throw new ChatbotError(ErrorCode.EncryptionFailed, "stored secret has an unknown format");
    }
    const bytes = Buffer.from(payload, "base64");
    if (bytes.length < IV_BYTES + TAG_BYTES) {
      throw new ChatbotError(ErrorCode.EncryptionFailed, "stored secret is truncated");
    }
    const keys = [this.#key, ...this.#previousKeys];
    let lastError: unknown;
    for (const [index, key] of keys.entries()) {
      try {
        return { plaintext: openWith(key, bytes, context), underPreviousKey: index > 0 };
      } catch (error) {
        lastError = error;
      }
    }
    throw new ChatbotError(
      ErrorCode.EncryptionFailed,
      this.#previousKeys.length === 0
        ? "stored secret does not decrypt: ENCRYPTION_KEY differs from the key it was written with"
        : "stored secret does not decrypt with ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS",
      { cause: lastError },
    );
  }
}

function openWith(key: Buffer, bytes: Buffer, context: string): string {
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
    "utf8",
  );
}
