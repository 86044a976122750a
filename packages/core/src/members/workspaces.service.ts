/**
 * Workspaces as a whole: what a key sees of its own, and a new one with its first owner key
 * (the command line's `workspace create`), recorded in the new workspace's audit log.
 */
import type { PrismaClient } from "@mix/db";
import type { AuditWriter } from "../audit/audit-entry";
import { newKeyMaterial, type Principal } from "../auth/api-keys";
import type { WorkspaceData } from "../contracts";
import { notFound } from "../errors/app-error";
import type { Acting } from "./role-rules";

export interface NewWorkspace {
  name: string;
  /** The first member, an owner, who owns the key; without it the key is a service's ("owner"). */
  owner?: { name: string; email: string };
}

export interface CreatedWorkspace {
  workspaceId: string;
  apiKeyId: string;
  memberId: string | null;
  /** The owner key, shown only now. */
  apiKey: string;
}

export class WorkspacesService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditWriter,
  ) {}

  async describe(principal: Principal): Promise<WorkspaceData> {
    const workspace = await this.prisma.workspace.findUnique({
      where: { id: principal.workspaceId },
      select: { id: true, name: true, plan: true, createdAt: true },
    });
    if (!workspace) throw notFound("Workspace");
    return { ...workspace, createdAt: workspace.createdAt.toISOString(), role: principal.role, apiKeyId: principal.apiKeyId, memberId: principal.memberId };
  }

  /** The workspace named by id (the command line's --workspace), or 404. */
  async require(workspaceId: string): Promise<{ id: string; name: string; plan: string; createdAt: Date }> {
    const workspace = await this.prisma.workspace.findUnique({ where: { id: workspaceId }, select: { id: true, name: true, plan: true, createdAt: true } });
    if (!workspace) throw notFound("Workspace");
    return workspace;
  }

  async create(acting: Acting, { name, owner }: NewWorkspace): Promise<CreatedWorkspace> {
    const { secret, keyHash, keyPrefix } = newKeyMaterial();
    return this.prisma.$transaction(async (tx) => {
      const workspace = await tx.workspace.create({ data: { name }, select: { id: true } });
      const workspaceId = workspace.id;
      const via = acting.via ? { via: acting.via } : {};
      const member = owner ? await tx.member.create({ data: { workspaceId, name: owner.name, email: owner.email, role: "owner" } }) : null;
      if (member) {
        const details = { name: member.name, email: member.email, role: member.role, ...via };
        await this.audit.record({ workspaceId, actor: acting.actor, action: "member.added", target: { type: "member", id: member.id }, details }, tx);
      }
      const key = await tx.apiKey.create({ data: { workspaceId, name: "owner", keyHash, keyPrefix, role: "owner", memberId: member?.id ?? null } });
      const details = { name: key.name, role: key.role, memberId: key.memberId, expiresAt: null, prefix: keyPrefix, ...via };
      await this.audit.record({ workspaceId, actor: acting.actor, action: "key.created", target: { type: "api_key", id: key.id }, details }, tx);
      return { workspaceId, apiKeyId: key.id, memberId: member?.id ?? null, apiKey: secret };
    });
  }
}
