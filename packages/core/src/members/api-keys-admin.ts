/**
 * A workspace's API keys as its admins manage them: made (for a member or a named service, with
 * a role and maybe an expiry; the secret is returned once), listed (never the secret or its
 * digest), revoked at once on every process. Each change commits with its audit entry.
 */
import type { PrismaClient } from "@mix/db";
import type { AuditRecord, AuditWriter } from "../audit/audit-entry";
import { newKeyMaterial, type ApiKeyService } from "../auth/api-keys";
import { markExpiredKeys } from "../auth/key-expiry";
import type { ApiKeyData, CreateKeyRequest, CreateKeyResponse } from "../contracts";
import { notFound, validationError } from "../errors/app-error";
import { assertKeyWithinMember, assertMayGrant, assertMayRevoke, type Acting } from "./role-rules";
import { KEY_SELECT, keyData } from "./views";

export class ApiKeysAdmin {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditWriter,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async create(workspaceId: string, acting: Acting, request: CreateKeyRequest): Promise<CreateKeyResponse> {
    assertMayGrant(acting.role, request.role);
    if (request.expiresAt && request.expiresAt.getTime() <= Date.now()) throw validationError("expiresAt must be in the future");
    if (request.memberId) {
      const member = await this.prisma.member.findFirst({ where: { id: request.memberId, workspaceId, removedAt: null }, select: { role: true } });
      if (!member) throw notFound("Member");
      assertKeyWithinMember(member.role, request.role);
    }
    const { secret, keyHash, keyPrefix } = newKeyMaterial();
    const created = await this.prisma.$transaction(async (tx) => {
      const key = await tx.apiKey.create({
        data: {
          workspaceId,
          name: request.name,
          keyHash,
          keyPrefix,
          role: request.role,
          memberId: request.memberId ?? null,
          expiresAt: request.expiresAt ?? null,
        },
        select: KEY_SELECT,
      });
      const details = { name: key.name, role: key.role, memberId: key.member?.id ?? null, expiresAt: key.expiresAt, prefix: key.keyPrefix };
      await this.audit.record(this.entry(acting, workspaceId, "key.created", key.id, details), tx);
      return key;
    });
    return { key: keyData(created), secret };
  }

  /** Every key of the workspace, revoked and expired ones too, oldest first; keys seen past their expiry are recorded expired. */
  async list(workspaceId: string): Promise<ApiKeyData[]> {
    await markExpiredKeys(this.prisma, this.audit, { workspaceId });
    const now = new Date();
    const rows = await this.prisma.apiKey.findMany({ where: { workspaceId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: KEY_SELECT });
    return rows.map((row) => keyData(row, now));
  }

  async get(workspaceId: string, apiKeyId: string): Promise<ApiKeyData> {
    const row = await this.prisma.apiKey.findFirst({ where: { id: apiKeyId, workspaceId }, select: KEY_SELECT });
    if (!row) throw notFound("API key");
    return keyData(row);
  }

  /** Revokes a key at once on every process; revoking a revoked or expired key changes and records nothing. */
  async revoke(workspaceId: string, acting: Acting, apiKeyId: string): Promise<ApiKeyData> {
    const key = await this.get(workspaceId, apiKeyId);
    assertMayRevoke({ role: acting.role, apiKeyId: acting.actor.apiKeyId }, key);
    if (key.status === "active") {
      await this.prisma.$transaction(async (tx) => {
        const { count } = await tx.apiKey.updateMany({ where: { id: apiKeyId, revokedAt: null }, data: { revokedAt: new Date() } });
        const details = { name: key.name, role: key.role, memberId: key.member?.id ?? null };
        if (count > 0) await this.audit.record(this.entry(acting, workspaceId, "key.revoked", apiKeyId, details), tx);
      });
    }
    // Announced even when nothing changed: a process that missed the first announcement hears this one.
    await this.apiKeys.announceChanged([apiKeyId]);
    return this.get(workspaceId, apiKeyId);
  }

  private entry(acting: Acting, workspaceId: string, action: AuditRecord["action"], apiKeyId: string, details: Record<string, unknown>): AuditRecord {
    return {
      workspaceId,
      actor: acting.actor,
      action,
      target: { type: "api_key", id: apiKeyId },
      details: acting.via ? { ...details, via: acting.via } : details,
    };
  }
}
