/**
 * API keys are 32 random bytes, shown once and stored only as a SHA-256 digest: they carry
 * enough entropy that a slow hash would add nothing.
 */
import { createHash, randomBytes } from "node:crypto";

const KEY_PREFIX = "mix_";

export const hashApiKey = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");
export const generateApiKey = () => `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;

/** A new key: the secret (shown once) and what is stored of it, its digest and its first characters. */
export function newKeyMaterial(): { secret: string; keyHash: string; keyPrefix: string } {
  const secret = generateApiKey();
  return { secret, keyHash: hashApiKey(secret), keyPrefix: secret.slice(0, 10) };
}
