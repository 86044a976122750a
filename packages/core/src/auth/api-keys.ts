/**
 * Workspaces and their API keys. Keys are 32 random bytes, shown once and stored only as a
 * SHA-256 digest: they carry enough entropy that a slow hash would add nothing.
 */
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@mix/db";
import type { AuditWriter } from "../audit/audit-entry";
import type { Role } from "../contracts";
import type { Logger } from "../logging/logger";
import type { ApiKeyRevocations, RevocationNotice } from "./api-key-revocations";
import { markExpiredKeys } from "./key-expiry";
import { LastUsedRecorder } from "./last-used";

const KEY_PREFIX = "mix_";
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

export const hashApiKey = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");
export const generateApiKey = () => `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;

/** A new key: the secret (shown once) and what is stored of it, its digest and its first characters. */
export function newKeyMaterial(): { secret: string; keyHash: string; keyPrefix: string } {
  const secret = generateApiKey();
  return { secret, keyHash: hashApiKey(secret), keyPrefix: secret.slice(0, 10) };
}

export interface ApiKeyServiceOptions {
  /** Records a key noticed expired (once); without it an expired key is only refused. */
  audit?: AuditWriter;
  /** Where a failed lastUsedAt write or expiry record is reported; with it, use is recorded. */
  logger?: Logger;
}

const matches = (principal: Principal, notice: RevocationNotice) =>
  "apiKeyId" in notice ? principal.apiKeyId === notice.apiKeyId : "workspaceId" in notice && principal.workspaceId === notice.workspaceId;

export class ApiKeyService {
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
    private readonly prisma: PrismaClient,
    private readonly revocations?: ApiKeyRevocations,
    private readonly options: ApiKeyServiceOptions = {},
  ) {
    revocations?.onNotice((notice) => this.forget(notice));
    if (options.logger) this.lastUsed = new LastUsedRecorder(prisma, options.logger);
  }

  /** Creates a workspace with one key; the plain key is returned only here. */
  async createWorkspace(name: string, keyName = "default"): Promise<{ workspaceId: string; apiKey: string }> {
    const { secret, keyHash, keyPrefix } = newKeyMaterial();
    const workspace = await this.prisma.workspace.create({ data: { name, apiKeys: { create: { name: keyName, keyHash, keyPrefix } } } });
    return { workspaceId: workspace.id, apiKey: secret };
  }

  /** Makes `apiKey` valid for a workspace called `name` (for local use with a key from env). */
  async ensureKey(apiKey: string, name: string): Promise<Principal> {
    const existing = await this.authenticate(apiKey);
    if (existing) return existing;
    const keyHash = hashApiKey(apiKey);
    const workspace = await this.prisma.workspace.create({ data: { name } });
    const created = await this.prisma.apiKey.upsert({
      where: { keyHash },
      update: {},
      create: { workspaceId: workspace.id, name: "env", keyHash, keyPrefix: apiKey.slice(0, 10) },
    });
    if (created.workspaceId !== workspace.id) await this.prisma.workspace.delete({ where: { id: workspace.id } });
    return { workspaceId: created.workspaceId, apiKeyId: created.id, role: created.role, memberId: created.memberId };
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
    const key = await this.prisma.apiKey.findUnique({
      where: { keyHash },
      select: { id: true, workspaceId: true, revokedAt: true, expiresAt: true, role: true, memberId: true },
    });
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
    const key = await this.prisma.apiKey.findUnique({
      where: { id: apiKeyId },
      select: { id: true, workspaceId: true, revokedAt: true, expiresAt: true, role: true, memberId: true },
    });
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= Date.now())) return null;
    return { workspaceId: key.workspaceId, apiKeyId: key.id, role: key.role, memberId: key.memberId };
  }

  /** Revokes one key, at once on every process; revoking it again announces it again. */
  async revokeKey(apiKeyId: string): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { id: apiKeyId, revokedAt: null }, data: { revokedAt: new Date() } });
    await this.announce({ apiKeyId });
  }

  /**
   * Makes every process forget what it knows of these keys (and cut their open streams): after
   * they were revoked, or their role changed, behind revokeKey's back (in a transaction).
   */
  async announceChanged(apiKeyIds: readonly string[]): Promise<void> {
    for (const apiKeyId of apiKeyIds) await this.announce({ apiKeyId });
  }

  /** Deletes a workspace with everything it owns (its keys, sessions, settings), its keys dead at once everywhere. */
  async deleteWorkspace(workspaceId: string): Promise<void> {
    await this.prisma.workspace.deleteMany({ where: { id: workspaceId } });
    await this.announce({ workspaceId });
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

  /** The first refusal of an expired key marks it and records it (once, whichever process sees it first). */
  private async noticeExpired(workspaceId: string, apiKeyId: string): Promise<void> {
    if (!this.options.audit) return;
    try {
      await markExpiredKeys(this.prisma, this.options.audit, { workspaceId, id: apiKeyId });
    } catch (error) {
      // The key is refused either way; the record is tried again the next time it is seen.
      this.options.logger?.warn({ err: error, apiKeyId }, "could not record an expired API key");
    }
  }

  private async announce(revocation: { apiKeyId: string } | { workspaceId: string }): Promise<void> {
    // This process first, without waiting for its own message to come back.
    this.forget(revocation);
    await this.revocations?.publish(revocation);
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
