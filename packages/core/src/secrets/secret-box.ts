/**
 * Encryption at rest for provider credentials: AES-256-GCM, a random 12-byte IV per value.
 * A value sealed under a named key (CREDENTIALS_ENCRYPTION_KEYS) says which one:
 * `v2:<key id>:<iv b64>:<tag b64>:<ciphertext b64>`. The single unnamed key of
 * CREDENTIALS_ENCRYPTION_KEY writes the older `v1:<iv b64>:<tag b64>:<ciphertext b64>`, which
 * every release keeps reading. Several keys open values; only the newest seals them, so a
 * rotation re-seals whatever `isCurrent` says is under an older one.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { KEY_BYTES, type NamedKey, type SecretKeys } from "./secret-keys";

export { parseEncryptionKey, parseEncryptionKeys, secretKeysFromConfig, type NamedKey, type SecretKeys } from "./secret-keys";

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

interface Sealed {
  /** null: a v1 value, which names no key. */
  keyId: string | null;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export class SecretBox {
  private readonly named: readonly NamedKey[];
  private readonly legacy: Buffer | null;

  /** One unnamed key (writes v1), or named keys newest first, with an optional unnamed legacy key. */
  constructor(keys: Buffer | SecretKeys) {
    const { named, legacy } = Buffer.isBuffer(keys) ? { named: [], legacy: keys } : keys;
    for (const key of [...named.map((entry) => entry.key), ...(legacy ? [legacy] : [])]) {
      if (key.length !== KEY_BYTES) throw new SecretBoxError(`the encryption key must be ${KEY_BYTES} bytes`);
    }
    if (named.length === 0 && !legacy) throw new SecretBoxError("at least one encryption key is needed");
    this.named = named.map((entry) => ({ id: entry.id, key: Buffer.from(entry.key) }));
    this.legacy = legacy ? Buffer.from(legacy) : null;
  }

  /** The id new values are sealed under; null when that is the unnamed legacy key (v1). */
  get currentKeyId(): string | null {
    return this.named[0]?.id ?? null;
  }

  /**
   * Encrypts `plaintext` under the newest key. `context` (e.g. workspace and provider) is
   * authenticated but not stored, so a value copied into another row does not decrypt there.
   */
  seal(plaintext: string, context = ""): string {
    const newest = this.named[0];
    const key = newest?.key ?? this.legacy!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const fields = [iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")];
    return (newest ? ["v2", newest.id, ...fields] : ["v1", ...fields]).join(":");
  }

  /** Whether `sealed` is already under the key `seal` uses now (a rotation leaves it as it is). */
  isCurrent(sealed: string): boolean {
    const keyId = parse(sealed).keyId;
    return keyId === this.currentKeyId;
  }

  /** Decrypts a value from `seal`; throws a SecretBoxError if it is malformed, tampered with or under a key not configured. */
  open(sealed: string, context = ""): string {
    const value = parse(sealed);
    if (value.keyId !== null) {
      const named = this.named.find((entry) => entry.id === value.keyId);
      if (!named) throw new SecretBoxError(`cannot decrypt: sealed under key '${value.keyId}', which is not configured`);
      return decrypt(named.key, value, context);
    }
    // A v1 value names no key: the legacy key sealed it, or (moved into the named list) one of them.
    const candidates = [...(this.legacy ? [this.legacy] : []), ...this.named.map((entry) => entry.key)];
    let failure: unknown;
    for (const key of candidates) {
      try {
        return decrypt(key, value, context);
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }
}

function parse(sealed: string): Sealed {
  const fields = sealed.split(":");
  const keyed = fields[0] === "v2" && fields.length === 5 && /^[A-Za-z0-9_-]{1,32}$/.test(fields[1]!);
  if (!keyed && !(fields[0] === "v1" && fields.length === 4)) throw new SecretBoxError("not a sealed value (v1 or v2)");
  const [iv, tag, ciphertext] = fields.slice(keyed ? 2 : 1).map((field) => Buffer.from(field, "base64"));
  if (iv!.length !== IV_BYTES || tag!.length !== TAG_BYTES) throw new SecretBoxError("malformed sealed value");
  return { keyId: keyed ? fields[1]! : null, iv: iv!, tag: tag!, ciphertext: ciphertext! };
}

function decrypt(key: Buffer, value: Sealed, context: string): string {
  const decipher = createDecipheriv("aes-256-gcm", key, value.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(value.tag);
  try {
    return Buffer.concat([decipher.update(value.ciphertext), decipher.final()]).toString("utf8");
  } catch (error) {
    throw new SecretBoxError(`cannot decrypt: wrong key or tampered value (${(error as Error).message})`);
  }
}
