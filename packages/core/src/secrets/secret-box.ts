/**
 * Encryption at rest for provider credentials: AES-256-GCM, a random 12-byte IV per value,
 * stored as `v1:<iv b64>:<tag b64>:<ciphertext b64>`. The `v1` prefix names this format (and
 * its one key), so a later format or key can be told apart from rows written under this one.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

/** The key as configured: 64 hex characters, or 32 bytes in base64 (`openssl rand -base64 32`); null otherwise. */
export function parseEncryptionKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) return Buffer.from(value, "base64");
  return null;
}

export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new SecretBoxError(`the encryption key must be ${KEY_BYTES} bytes`);
    this.key = Buffer.from(key);
  }

  /**
   * Encrypts `plaintext`. `context` (e.g. workspace and provider) is authenticated but not
   * stored, so a value copied into another row does not decrypt there.
   */
  seal(plaintext: string, context = ""): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(":");
  }

  /** Decrypts a value from `seal`; throws a SecretBoxError if it is malformed, tampered with or under another key. */
  open(sealed: string, context = ""): string {
    const fields = sealed.split(":");
    if (fields.length !== 4 || fields[0] !== VERSION) throw new SecretBoxError(`not a ${VERSION} sealed value`);
    const [iv, tag, ciphertext] = fields.slice(1).map((field) => Buffer.from(field, "base64"));
    if (iv!.length !== IV_BYTES || tag!.length !== TAG_BYTES) throw new SecretBoxError("malformed sealed value");
    const decipher = createDecipheriv("aes-256-gcm", this.key, iv!, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(tag!);
    try {
      return Buffer.concat([decipher.update(ciphertext!), decipher.final()]).toString("utf8");
    } catch (error) {
      throw new SecretBoxError(`cannot decrypt: wrong key or tampered value (${(error as Error).message})`);
    }
  }
}
