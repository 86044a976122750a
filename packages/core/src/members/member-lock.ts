/** Serialises the changes of one workspace's members, so two at once cannot both take away its last owner. */
import { Prisma } from "@mix/db";
import { notFound } from "../errors/app-error";

export async function lockWorkspaceMembers(tx: Prisma.TransactionClient, workspaceId: string): Promise<void> {
  const locked = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`SELECT id FROM "Workspace" WHERE id = ${workspaceId} FOR UPDATE`);
  if (locked.length === 0) throw notFound("Workspace");
}

/** How many members of the workspace other than `exceptId` are owners now (inside the lock). */
export function otherOwners(tx: Prisma.TransactionClient, workspaceId: string, exceptId: string): Promise<number> {
  return tx.member.count({ where: { workspaceId, role: "owner", removedAt: null, id: { not: exceptId } } });
}
