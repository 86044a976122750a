/**
 * Sending and reading messages. Sending stores the user message and its run in one
 * transaction, then enqueues the run with the run id as job id: a retried send with the same
 * Idempotency-Key finds the stored message and re-enqueues it, which BullMQ ignores when the
 * job already exists, so a crash between the two steps loses nothing and duplicates nothing.
 */
import { Prisma, type PrismaClient } from "@mix/db";
import type { BackendMessage, SendMessageAccepted, SendMessageRequest } from "../contracts";
import type { RunQueue } from "../runs/run-queue";
import type { SessionsService } from "../sessions/sessions.service";
import { toBackendMessage } from "./message-view";
import type { PartData } from "./parts";

export class MessagesService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sessions: SessionsService,
    private readonly queue: RunQueue,
  ) {}

  async list(workspaceId: string, sessionId: string): Promise<BackendMessage[]> {
    await this.sessions.require(workspaceId, sessionId);
    const messages = await this.prisma.message.findMany({
      where: { sessionId },
      orderBy: [{ turn: "asc" }, { position: "asc" }],
      include: { parts: { orderBy: { index: "asc" } } },
    });
    return messages.map(toBackendMessage);
  }

  async send(
    workspaceId: string,
    sessionId: string,
    request: SendMessageRequest,
    idempotencyKey?: string,
  ): Promise<SendMessageAccepted & { messageId: string; duplicate: boolean }> {
    await this.sessions.require(workspaceId, sessionId);
    const existing = idempotencyKey ? await this.findByIdempotencyKey(sessionId, idempotencyKey) : null;
    const stored = existing ?? (await this.store(sessionId, request, idempotencyKey));
    await this.queue.enqueue({ runId: stored.id, sessionId, workspaceId });
    return { status: "processing", sessionId, messageId: stored.id, duplicate: existing !== null || stored.duplicate };
  }

  private findByIdempotencyKey(sessionId: string, idempotencyKey: string) {
    return this.prisma.message
      .findUnique({ where: { sessionId_idempotencyKey: { sessionId, idempotencyKey } }, select: { id: true } })
      .then((found) => (found ? { id: found.id, duplicate: true } : null));
  }

  private async store(sessionId: string, request: SendMessageRequest, idempotencyKey?: string) {
    const text: PartData = { type: "text", text: request.text };
    try {
      const message = await this.prisma.$transaction(async (tx) => {
        // Row lock on the session: turns are numbered in the order sends commit.
        const { turnCount } = await tx.session.update({ where: { id: sessionId }, data: { turnCount: { increment: 1 } } });
        const created = await tx.message.create({
          data: { sessionId, turn: turnCount, role: "user", idempotencyKey: idempotencyKey ?? null, parts: { create: [{ index: 0, type: "text", data: text }] } },
        });
        await tx.run.create({
          data: { id: created.id, sessionId, planMode: request.plan_mode, thinkingLevel: request.thinking_level ?? null },
        });
        return created;
      });
      return { id: message.id, duplicate: false };
    } catch (error) {
      // Two concurrent sends with one key: the loser answers with the winner's message.
      if (idempotencyKey && error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        const winner = await this.findByIdempotencyKey(sessionId, idempotencyKey);
        if (winner) return winner;
      }
      throw error;
    }
  }
}
