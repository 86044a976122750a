/**
 * An expired key is refused like a revoked one. The first time one is noticed (refused, or
 * listed) it is marked, its revokedAt set to its expiry, and one `key.expired` entry records
 * it: once, whichever process notices it first.
 */
import type { PrismaClient } from "@mix/db";
import { SYSTEM_ACTOR, type AuditWriter } from "../audit/audit-entry";

/** Marks the keys `where` selects that are past their expiry and not yet marked; returns how many it marked. */
export async function markExpiredKeys(
  prisma: PrismaClient,
  audit: AuditWriter,
  where: { workspaceId: string; id?: string },
  now = new Date(),
): Promise<number> {
  const due = await prisma.apiKey.findMany({
    where: { ...where, revokedAt: null, expiresAt: { lte: now } },
    select: { id: true, workspaceId: true, name: true, role: true, memberId: true, expiresAt: true },
  });
  let marked = 0;
  for (const key of due) {
    const done = await prisma.$transaction(async (tx) => {
      // Only one process's update finds the key unmarked: the row lock makes the other wait, then match nothing.
      const { count } = await tx.apiKey.updateMany({ where: { id: key.id, revokedAt: null }, data: { revokedAt: key.expiresAt } });
      if (count === 0) return false;
      await audit.record(
        {
          workspaceId: key.workspaceId,
          actor: SYSTEM_ACTOR,
          action: "key.expired",
          target: { type: "api_key", id: key.id },
          details: { name: key.name, role: key.role, memberId: key.memberId, expiresAt: key.expiresAt },
        },
        tx,
      );
      return true;
    });
    if (done) marked++;
  }
  return marked;
}

/** What a key is now: revoked before its expiry, past its expiry (marked or not), or in use. */
export function keyStatus(key: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): "active" | "expired" | "revoked" {
  if (key.expiresAt && key.expiresAt.getTime() <= (key.revokedAt ?? now).getTime()) return "expired";
  return key.revokedAt ? "revoked" : "active";
}
