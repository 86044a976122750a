/**
 * A workspace's members: added by name, email and role, listed, given another role, removed.
 * A removed member keeps its row (the audit log and usage name it) and loses every key at once,
 * on every process. Each change commits with its audit entry.
 */
import { Prisma, type PrismaClient } from "@mix/db";
import type { AuditRecord, AuditWriter } from "../audit/audit-entry";
import type { ApiKeyService } from "../auth/api-keys";
import { roleAtLeast, type AddMemberRequest, type MemberData, type Role } from "../contracts";
import { conflict, notFound } from "../errors/app-error";
import { lockWorkspaceMembers, otherOwners } from "./member-lock";
import { assertMayChangeRole, assertMayGrant, assertMayManage, assertOwnerRemains, type Acting } from "./role-rules";
import { memberData } from "./views";

const DUPLICATE_EMAIL = "A member with this email already exists in the workspace";
const ROLES_ABOVE = (role: Role): Role[] => (["owner", "admin", "member", "read_only"] as const).filter((other) => !roleAtLeast(role, other));

export class MembersService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditWriter,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async list(workspaceId: string, { includeRemoved = false } = {}): Promise<MemberData[]> {
    const rows = await this.prisma.member.findMany({
      where: { workspaceId, ...(includeRemoved ? {} : { removedAt: null }) },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    return rows.map(memberData);
  }

  /** A member of the workspace (not removed), or 404: another workspace's member is unknown here. */
  async get(workspaceId: string, memberId: string): Promise<MemberData> {
    return memberData(await this.require(this.prisma, workspaceId, memberId));
  }

  /** Adds a member; an address of a removed member brings it back (same id) with the new name and role. */
  async add(workspaceId: string, acting: Acting, request: AddMemberRequest): Promise<MemberData> {
    assertMayGrant(acting.role, request.role);
    try {
      return await this.prisma.$transaction(async (tx) => {
        const previous = await tx.member.findUnique({ where: { workspaceId_email: { workspaceId, email: request.email } } });
        if (previous && !previous.removedAt) throw conflict(DUPLICATE_EMAIL);
        const data = { name: request.name, role: request.role };
        const member = previous
          ? await tx.member.update({ where: { id: previous.id }, data: { ...data, removedAt: null } })
          : await tx.member.create({ data: { ...data, workspaceId, email: request.email } });
        await this.record(tx, acting, workspaceId, "member.added", member.id, { ...data, email: member.email, ...(previous ? { rejoined: true } : {}) });
        return memberData(member);
      });
    } catch (error) {
      // Two adds of one address at once: the second meets the unique index.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw conflict(DUPLICATE_EMAIL);
      throw error;
    }
  }

  /** Gives a member another role; its keys above the new role are lowered to it, on every process at once. */
  async changeRole(workspaceId: string, acting: Acting, memberId: string, role: Role): Promise<MemberData> {
    const { member, lowered } = await this.prisma.$transaction(async (tx) => {
      await lockWorkspaceMembers(tx, workspaceId);
      const current = await this.require(tx, workspaceId, memberId);
      assertMayChangeRole(acting.role, current.role, role);
      if (current.role === role) return { member: current, lowered: [] };
      if (current.role === "owner") assertOwnerRemains(await otherOwners(tx, workspaceId, memberId));
      const keys = await tx.apiKey.findMany({ where: { memberId, role: { in: ROLES_ABOVE(role) } }, select: { id: true } });
      const lowered = keys.map((key) => key.id);
      await tx.apiKey.updateMany({ where: { id: { in: lowered } }, data: { role } });
      const member = await tx.member.update({ where: { id: memberId }, data: { role } });
      await this.record(tx, acting, workspaceId, "member.role_changed", memberId, { from: current.role, to: role, keysLowered: lowered.length });
      return { member, lowered };
    });
    await this.apiKeys.announceChanged(lowered);
    return memberData(member);
  }

  /** Removes a member and revokes all its keys, on every process at once. */
  async remove(workspaceId: string, acting: Acting, memberId: string): Promise<MemberData> {
    const { member, revoked } = await this.prisma.$transaction(async (tx) => {
      await lockWorkspaceMembers(tx, workspaceId);
      const current = await this.require(tx, workspaceId, memberId);
      assertMayManage(acting.role, current.role);
      if (current.role === "owner") assertOwnerRemains(await otherOwners(tx, workspaceId, memberId));
      const now = new Date();
      // Its live keys; one already past its expiry stays an expired key.
      const live = { memberId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
      const keys = await tx.apiKey.findMany({ where: live, select: { id: true, name: true, role: true } });
      await tx.apiKey.updateMany({ where: { id: { in: keys.map((key) => key.id) } }, data: { revokedAt: now } });
      const member = await tx.member.update({ where: { id: memberId }, data: { removedAt: now } });
      await this.record(tx, acting, workspaceId, "member.removed", memberId, { email: current.email, role: current.role, keysRevoked: keys.length });
      for (const key of keys) {
        const entry = { name: key.name, role: key.role, memberId, reason: "member_removed" };
        await this.audit.record({ ...this.entry(acting, workspaceId, "key.revoked", entry), target: { type: "api_key", id: key.id } }, tx);
      }
      return { member, revoked: keys.map((key) => key.id) };
    });
    await this.apiKeys.announceChanged(revoked);
    return memberData(member);
  }

  private async require(client: Prisma.TransactionClient | PrismaClient, workspaceId: string, memberId: string) {
    const member = await client.member.findFirst({ where: { id: memberId, workspaceId, removedAt: null } });
    if (!member) throw notFound("Member");
    return member;
  }

  private entry(acting: Acting, workspaceId: string, action: AuditRecord["action"], details: Record<string, unknown>): AuditRecord {
    return { workspaceId, actor: acting.actor, action, details: acting.via ? { ...details, via: acting.via } : details };
  }

  private record(
    tx: Prisma.TransactionClient,
    acting: Acting,
    workspaceId: string,
    action: AuditRecord["action"],
    memberId: string,
    details: Record<string, unknown>,
  ) {
    return this.audit.record({ ...this.entry(acting, workspaceId, action, details), target: { type: "member", id: memberId } }, tx);
  }
}
