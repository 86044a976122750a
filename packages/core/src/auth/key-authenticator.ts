/**
 * Who a key is: the check every request and every stream passes, with its short memory of known
 * keys and the watchers that cut a stream whose key is revoked. It reads keys through
 * ApiKeyRecords, so the stream gateway checks keys exactly as the API does without Prisma;
 * ApiKeyService (api-keys.ts) adds the writes: workspaces, keys, revocations.
 */
import type { Role } from "../contracts/roles";
import type { Logger } from "../logging/logger";
import type { ApiKeyRecords } from "./api-key-records";
import type { ApiKeyRevocations, RevocationNotice } from "./api-key-revocations";
import { hashApiKey } from "./key-material";
import { LastUsedRecorder } from "./last-used";

/** Known keys are remembered briefly: every request authenticates, most with no query. */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX_ENTRIES = 10_000;

export interface Principal {
  workspaceId: string;
  apiKeyId: string;
  /** What the key may do (contracts/roles.ts). */
  role: Role;
  /** The member the key belongs to; null for a service's key. */
  memberId: string | null;
}

export interface KeyAuthenticatorOptions {
  /** Where a failed lastUsedAt write or expiry record is reported; with it, use is recorded. */
  logger?: Logger;
  /** Records a key noticed expired (once); without it an expired key is only refused. */
  onExpired?: (workspaceId: string, apiKeyId: string) => Promise<void>;
}

const matches = (principal: Principal, notice: RevocationNotice) =>
  "apiKeyId" in notice ? principal.apiKeyId === notice.apiKeyId : "workspaceId" in notice && principal.workspaceId === notice.workspaceId;

export class KeyAuthenticator {
  private readonly cache = new Map<string, { principal: Principal; expiresAt: number }>();
  private readonly watchers = new Set<{ principal: Principal; onRevoked: () => void }>();
  /** Bumped by every revocation heard, so a lookup that raced one does not cache its stale answer. */
  private generation = 0;
  private readonly lastUsed?: LastUsedRecorder;

  /**
   * Without `revocations` (one-shot tools) nothing is cached: a process that cannot hear a
   * revocation must not remember keys.
   */
  constructor(
    private readonly records: ApiKeyRecords,
    protected readonly revocations?: ApiKeyRevocations,
    private readonly authOptions: KeyAuthenticatorOptions = {},
  ) {
    revocations?.onNotice((notice) => this.forget(notice));
    if (authOptions.logger) this.lastUsed = new LastUsedRecorder(records, authOptions.logger);
  }

  /**
   * The workspace a key belongs to, or null for an unknown, revoked or expired key. A valid key
   * is cached for 30 s (never past its expiry), and dropped by every process as soon as it is
   * revoked.
   */
  async authenticate(apiKey: string): Promise<Principal | null> {
    if (!apiKey || apiKey.length > 512) return null;
    const keyHash = hashApiKey(apiKey);
    const cached = this.cache.get(keyHash);
    if (cached && cached.expiresAt > Date.now() && this.revocations?.listening) {
      this.lastUsed?.touch(cached.principal.apiKeyId);
      return cached.principal;
    }
    const generation = this.generation;
    const key = await this.records.byHash(keyHash);
    const now = Date.now();
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) {
      this.cache.delete(keyHash);
      if (key && !key.revokedAt) await this.noticeExpired(key.workspaceId, key.id);
      return null;
    }
    const principal: Principal = { workspaceId: key.workspaceId, apiKeyId: key.id, role: key.role, memberId: key.memberId };
    this.lastUsed?.touch(key.id);
    if (this.revocations?.listening && generation === this.generation) {
      if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
      this.cache.set(keyHash, { principal, expiresAt: Math.min(now + CACHE_TTL_MS, key.expiresAt?.getTime() ?? Infinity) });
    }
    return principal;
  }

  /**
   * The principal of a key known by id (what a stream token names), read from Postgres every
   * time: null once it is revoked or expired, with its role as it is now.
   */
  async principalOf(apiKeyId: string): Promise<Principal | null> {
    const key = await this.records.byId(apiKeyId);
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= Date.now())) return null;
    return { workspaceId: key.workspaceId, apiKeyId: key.id, role: key.role, memberId: key.memberId };
  }

  /**
   * Calls `onRevoked` once if the principal's key is revoked or its workspace deleted while a
   * request of it is still open (a stream); returns the function that stops watching.
   */
  onRevoked(principal: Principal, onRevoked: () => void): () => void {
    const watcher = { principal, onRevoked };
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  protected async announce(revocation: { apiKeyId: string } | { workspaceId: string }): Promise<void> {
    // This process first, without waiting for its own message to come back.
    this.forget(revocation);
    await this.revocations?.publish(revocation);
  }

  /** The first refusal of an expired key marks it and records it (once, whichever process sees it first). */
  private async noticeExpired(workspaceId: string, apiKeyId: string): Promise<void> {
    if (!this.authOptions.onExpired) return;
    try {
      await this.authOptions.onExpired(workspaceId, apiKeyId);
    } catch (error) {
      // The key is refused either way; the record is tried again the next time it is seen.
      this.authOptions.logger?.warn({ err: error, apiKeyId }, "could not record an expired API key");
    }
  }

  private forget(notice: RevocationNotice): void {
    this.generation++;
    if ("missed" in notice) {
      this.cache.clear();
      return;
    }
    for (const [keyHash, entry] of this.cache) if (matches(entry.principal, notice)) this.cache.delete(keyHash);
    for (const watcher of this.watchers) {
      if (!matches(watcher.principal, notice)) continue;
      this.watchers.delete(watcher);
      watcher.onRevoked();
    }
  }
}
