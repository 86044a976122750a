/**
 * `POST /api/sessions/{id}/rewind`: keeps the given message and deletes every message after it
 * in conversation order (turn, position), with their parts and runs (both cascade). Refused
 * with 409 while a run is queued or running, since that run would write after the cut.
 * Token totals are kept: they are what the session has spent, not what it still holds.
 * With `cleanupMedia` (the default) the session's files written after the kept message go too.
 */
import { Prisma, type PrismaClient } from "@mix/db";
import { ACTIVE_RUN_STATUSES, type RewindSessionRequest, type SessionData } from "../contracts";
import { conflict, notFound } from "../errors/app-error";
import type { Logger } from "../logging/logger";
import type { BlobStore } from "../storage/blob-store";
import type { SessionsService } from "./sessions.service";

export class RewindService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sessions: SessionsService,
    private readonly blobs: BlobStore,
    private readonly logger: Logger,
  ) {}

  async rewind(workspaceId: string, sessionId: string, request: RewindSessionRequest): Promise<SessionData> {
    const keptAt = await this.prisma.$transaction(async (tx) => {
      // Locks the session row: a message sent meanwhile bumps the turn counter on the same row,
      // so it waits for the rewind and lands after it instead of being deleted by it.
      const locked = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
        SELECT id FROM "Session" WHERE id = ${sessionId} AND "workspaceId" = ${workspaceId} FOR UPDATE`);
      if (locked.length === 0) throw notFound("Session");
      const active = await tx.run.count({ where: { sessionId, status: { in: [...ACTIVE_RUN_STATUSES] } } });
      if (active > 0) throw conflict("Session has an active run; cancel it (POST /api/sessions/{id}/cancel) before rewinding");
      const kept = await tx.message.findFirst({
        where: { id: request.messageId, sessionId },
        select: { turn: true, position: true, createdAt: true },
      });
      if (!kept) throw notFound("Message");
      await tx.message.deleteMany({
        where: { sessionId, OR: [{ turn: { gt: kept.turn } }, { turn: kept.turn, position: { gt: kept.position } }] },
      });
      // No later turn is left, so the next message continues right after the kept one.
      await tx.session.update({ where: { id: sessionId }, data: { turnCount: kept.turn } });
      return kept.createdAt;
    });
    // Files after the database: the cut is what the client asked for, so a file that cannot be
    // deleted is logged and left rather than failing a rewind that has already happened.
    if (request.cleanupMedia) await this.deleteFilesAfter(sessionId, keptAt);
    return this.sessions.get(workspaceId, sessionId);
  }

  /**
   * Deletes the files created or modified after `since` (by mtime; the only time every disk
   * keeps). Hidden entries are not listed. The store's thumbnail cache lives outside the session
   * folder and stays: a cached thumbnail is keyed by its source's size and mtime and is never
   * served for another.
   */
  private async deleteFilesAfter(sessionId: string, since: Date): Promise<void> {
    const files = await this.blobs.listFiles(sessionId);
    for (const file of files.filter((entry) => entry.modifiedMs > since.getTime())) {
      try {
        await this.blobs.delete(sessionId, file.name);
      } catch (error) {
        this.logger.warn({ sessionId, file: file.name, err: error }, "rewind: could not delete a file written after the kept message");
      }
    }
  }
}
