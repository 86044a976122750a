/**
 * Workspaces and their API keys: creating them, revoking keys, deleting workspaces, on top of
 * the key check every request passes (KeyAuthenticator, key-authenticator.ts). Key material:
 * key-material.ts.
 */
import type { PrismaClient } from "@mix/db";
import type { AuditWriter } from "../audit/audit-entry";
import type { Logger } from "../logging/logger";
import { prismaApiKeyRecords } from "./api-key-records";
import type { ApiKeyRevocations } from "./api-key-revocations";
import { markExpiredKeys } from "./key-expiry";
import { KeyAuthenticator, type Principal } from "./key-authenticator";
import { hashApiKey, newKeyMaterial } from "./key-material";

export type { Principal } from "./key-authenticator";
export { generateApiKey, hashApiKey, newKeyMaterial } from "./key-material";

export interface ApiKeyServiceOptions {
  /** Records a key noticed expired (once); without it an expired key is only refused. */
  audit?: AuditWriter;
  /** Where a failed lastUsedAt write or expiry record is reported; with it, use is recorded. */
  logger?: Logger;
}

export class ApiKeyService extends KeyAuthenticator {
  /**
   * Without `revocations` (one-shot tools) nothing is cached: a process that cannot hear a
   * revocation must not remember keys.
   */
  constructor(
    private readonly prisma: PrismaClient,
    revocations?: ApiKeyRevocations,
    options: ApiKeyServiceOptions = {},
  ) {
    const { audit, logger } = options;
    super(prismaApiKeyRecords(prisma), revocations, {
      logger,
      onExpired: audit
        ? async (workspaceId, id) => {
            await markExpiredKeys(prisma, audit, { workspaceId, id });
          }
        : undefined,
    });
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
}
