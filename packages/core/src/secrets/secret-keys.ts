/**
 * The encryption keys as configured: CREDENTIALS_ENCRYPTION_KEY (one unnamed key, the format
 * before rotation existed) and CREDENTIALS_ENCRYPTION_KEYS ("id:key,id:key", newest first).
 */
export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export interface NamedKey {
  id: string;
  key: Buffer;
}

export interface SecretKeys {
  /** Newest first: the first seals, every one opens what names it. */
  named: readonly NamedKey[];
  /** The unnamed key: opens v1 values, and seals only when no named key is configured. */
  legacy?: Buffer | null;
}

/** The key as configured: 64 hex characters, or 32 bytes in base64 (`openssl rand -base64 32`); null otherwise. */
export function parseEncryptionKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) return Buffer.from(value, "base64");
  return null;
}

/** "id:key,id:key" (newest first) as named keys, or the reason it is not that. */
export function parseEncryptionKeys(text: string): { keys: NamedKey[] } | { error: string } {
  const keys: NamedKey[] = [];
  const entries = text.split(",").map((entry) => entry.trim());
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(":");
    const id = colon < 0 ? "" : entry.slice(0, colon).trim();
    if (!KEY_ID.test(id)) return { error: `entry ${index + 1} must be <id>:<key>, the id 1 to 32 letters, digits, '_' or '-'` };
    const key = parseEncryptionKey(entry.slice(colon + 1));
    if (!key) return { error: `the key of '${id}' must be 64 hex characters or 32 bytes in base64 (openssl rand -base64 32)` };
    if (keys.some((earlier) => earlier.id === id)) return { error: `the id '${id}' is used twice` };
    keys.push({ id, key });
  }
  return { keys };
}

/** The keys of the configuration (both variables already validated), or null when none is set. */
export function secretKeysFromConfig(settings: { single?: string; list?: string }): SecretKeys | null {
  const legacy = settings.single ? parseEncryptionKey(settings.single) : null;
  const parsed = settings.list ? parseEncryptionKeys(settings.list) : { keys: [] };
  const named = "keys" in parsed ? parsed.keys : [];
  if (named.length === 0 && !legacy) return null;
  return { named, legacy };
}
