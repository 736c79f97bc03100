import { randomBytes } from "node:crypto";
import { SecretBox } from "../../src/db/secret-box";
import { ChatbotError, ErrorCode } from "../../src/errors";

describe("SecretBox", () => {
  const box = new SecretBox(randomBytes(32));

  it("round-trips and never stores the plaintext", () => {
    const sealed = box.encrypt("xoxb-123-secret-token", "T:T123");
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain("xoxb");
    expect(Buffer.from(sealed.slice(3), "base64").toString("latin1")).not.toContain("xoxb");
    expect(box.decrypt(sealed, "T:T123")).toBe("xoxb-123-secret-token");
  });

  it("uses a fresh IV every time", () => {
    expect(box.encrypt("same", "ctx")).not.toBe(box.encrypt("same", "ctx"));
  });

  it("refuses a ciphertext moved to another row (context is bound)", () => {
    const sealed = box.encrypt("xoxb-a", "T:A");
    expect(() => box.decrypt(sealed, "T:B")).toThrow(ChatbotError);
  });

  it("refuses a tampered ciphertext and another key", () => {
    const sealed = box.encrypt("xoxb-a", "T:A");
    const bytes = Buffer.from(sealed.slice(3), "base64");
    bytes[bytes.length - 1] ^= 1;
    expect(() => box.decrypt(`v1:${bytes.toString("base64")}`, "T:A")).toThrow(/does not decrypt/);
    expect(() => new SecretBox(randomBytes(32)).decrypt(sealed, "T:A")).toThrow(/ENCRYPTION_KEY differs/);
  });

  it.each(["", "v2:abc", "v1:", "v1:AAAA", "plain"])("refuses malformed stored value %p", (value) => {
    try {
      box.decrypt(value, "x");
      throw new Error("expected a throw");
    } catch (error) {
      expect(error).toBeInstanceOf(ChatbotError);
      expect((error as ChatbotError).code).toBe(ErrorCode.EncryptionFailed);
    }
  });

  it("requires a 32-byte key", () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => new SecretBox(randomBytes(32), [randomBytes(31)])).toThrow(/32 bytes/);
  });

  describe("during a key rotation (previous keys)", () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const rotating = new SecretBox(newKey, [randomBytes(32), oldKey]);
    const sealedOld = new SecretBox(oldKey).encrypt("xoxb-old", "T:A");

    it("opens values of any previous key and seals only with the current one", () => {
      expect(rotating.decrypt(sealedOld, "T:A")).toBe("xoxb-old");
      const sealedNew = rotating.encrypt("xoxb-new", "T:A");
      expect(new SecretBox(newKey).decrypt(sealedNew, "T:A")).toBe("xoxb-new");
      expect(() => new SecretBox(oldKey).decrypt(sealedNew, "T:A")).toThrow(ChatbotError);
    });

    it("re-seals a previous key's value under the current key, and leaves current values alone", () => {
      const resealed = rotating.resealed(sealedOld, "T:A");
      expect(resealed).toBeDefined();
      expect(new SecretBox(newKey).decrypt(resealed ?? "", "T:A")).toBe("xoxb-old");
      expect(rotating.resealed(resealed ?? "", "T:A")).toBeUndefined();
    });

    it("still binds the context and names both variables when nothing opens a value", () => {
      expect(() => rotating.decrypt(sealedOld, "T:B")).toThrow(/ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS/);
      expect(() => rotating.resealed(box.encrypt("x", "T:A"), "T:A")).toThrow(ChatbotError);
    });
  });
});
