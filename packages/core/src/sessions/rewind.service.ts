/**
 * `POST /api/sessions/{id}/rewind`: keeps the given message and deletes every message after it
 * in conversation order (turn, position), with their parts and runs (both cascade). Refused
 * with 409 while a run is queued or running, since that run would write after the cut.
 * Token totals are kept: they are what the session has spent, not what it still holds.
 */
import { Prisma, type PrismaClient } from "@mix/db";
import type { RewindSessionRequest, SessionData } from "../contracts";
import { conflict, notFound } from "../errors/app-error";
import { ACTIVE_RUN_STATUSES, type SessionsService } from "./sessions.service";

export class RewindService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sessions: SessionsService,
  ) {}

  async rewind(workspaceId: string, sessionId: string, request: RewindSessionRequest): Promise<SessionData> {
    await this.prisma.$transaction(async (tx) => {
      // Locks the session row: a message sent meanwhile bumps the turn counter on the same row,
      // so it waits for the rewind and lands after it instead of being deleted by it.
      const locked = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
        SELECT id FROM "Session" WHERE id = ${sessionId} AND "workspaceId" = ${workspaceId} FOR UPDATE`);
      if (locked.length === 0) throw notFound("Session");
      const active = await tx.run.count({ where: { sessionId, status: { in: [...ACTIVE_RUN_STATUSES] } } });
      if (active > 0) throw conflict("Session has an active run; cancel it (POST /api/sessions/{id}/cancel) before rewinding");
      const kept = await tx.message.findFirst({ where: { id: request.messageId, sessionId }, select: { turn: true, position: true } });
      if (!kept) throw notFound("Message");
      await tx.message.deleteMany({
        where: { sessionId, OR: [{ turn: { gt: kept.turn } }, { turn: kept.turn, position: { gt: kept.position } }] },
      });
      // No later turn is left, so the next message continues right after the kept one.
      await tx.session.update({ where: { id: sessionId }, data: { turnCount: kept.turn } });
    });
    // `cleanupMedia` (default true) is accepted and validated, but there is no file storage
    // yet: when the storage feature lands, delete here the session's files created after the
    // kept message's createdAt, when `request.cleanupMedia` is true.
    return this.sessions.get(workspaceId, sessionId);
  }
}
