/**
 * Sending and reading messages. Sending stores the user message and its run in one
 * statement, then enqueues the run with the run id as job id: a retried send with the same
 * Idempotency-Key finds the stored message and re-enqueues it, which BullMQ ignores when the
 * job already exists, so a crash between the two steps loses nothing and duplicates nothing.
 * Keys are per session; a key repeated with a different request is refused (422), never dropped.
 */
import type { PrismaClient } from "@mix/db";
import type { CommandRegistry } from "../commands/command-registry";
import type { BackendMessage, SendMessageAccepted, SendMessageRequest } from "../contracts";
import type { Logger } from "../logging/logger";
import { REDIS_DEADLINE_MS, withDeadline } from "../redis/deadline";
import type { RunQueue } from "../queues/run-queue";
import type { SessionsService } from "../sessions/sessions.service";
import { notFound } from "../errors/app-error";
import { idempotencyHash, idempotencyMismatch } from "./idempotency";
import { insertUserMessage } from "./insert-user-message";
import { toBackendMessage } from "./message-view";

/** An Idempotency-Key and what it is used for (see idempotency.ts). */
interface Idempotency {
  key: string;
  hash: string;
}

export class MessagesService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sessions: SessionsService,
    private readonly queue: RunQueue,
    private readonly commands: CommandRegistry,
    private readonly logger: Logger,
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
    options: { withTools?: boolean } = {},
  ): Promise<SendMessageAccepted & { messageId: string; duplicate: boolean }> {
    // Of the request as sent, before a command is expanded: what the client can repeat.
    const idempotency = idempotencyKey ? { key: idempotencyKey, hash: idempotencyHash(request, options.withTools ?? true) } : null;
    const existing = idempotency ? await this.findByIdempotencyKey(workspaceId, sessionId, idempotency) : null;
    // `/name args` of a known command is stored as the command's prompt; other text as typed.
    const text = existing ? request.text : ((await this.commands.expandCommand(request.text)) ?? request.text);
    const messageId = existing ?? (await this.store(workspaceId, sessionId, { ...request, text }, idempotency, options.withTools));
    try {
      await withDeadline(this.queue.enqueue({ runId: messageId, sessionId, workspaceId }), REDIS_DEADLINE_MS);
    } catch (error) {
      // Stored is what counts: the enqueue may still land, and if not, the workers' recovery
      // sweep enqueues the run (it looks for queued runs without a job), so the send is accepted.
      this.logger.warn({ err: error, sessionId, messageId }, "message stored but not yet queued (Redis unavailable); the recovery sweep queues it");
    }
    return { status: "processing", sessionId, messageId, duplicate: existing !== null };
  }

  /** The message first sent with this key, or null; a 422 when it was sent with another request. */
  private async findByIdempotencyKey(workspaceId: string, sessionId: string, { key, hash }: Idempotency): Promise<string | null> {
    const found = await this.prisma.message.findFirst({
      where: { sessionId, idempotencyKey: key, session: { workspaceId } },
      select: { id: true, idempotencyHash: true },
    });
    if (!found) return null;
    // Messages stored before the hash existed have none: they are taken as the same request, as before.
    if (found.idempotencyHash !== null && found.idempotencyHash !== hash) throw idempotencyMismatch();
    return found.id;
  }

  private async store(
    workspaceId: string,
    sessionId: string,
    request: SendMessageRequest,
    idempotency: Idempotency | null,
    withTools?: boolean,
  ): Promise<string> {
    let id: string | null;
    try {
      id = await insertUserMessage(this.prisma, {
        workspaceId,
        sessionId,
        text: request.text,
        planMode: request.plan_mode,
        thinkingLevel: request.thinking_level ?? null,
        maxSteps: request.max_steps ?? null,
        withTools,
        idempotencyKey: idempotency?.key ?? null,
        idempotencyHash: idempotency?.hash ?? null,
      });
    } catch (error) {
      // Two concurrent sends with one key: the unique index lets one win; the other answers
      // with the winner's message (or a 422, when the winner's request was another).
      const winner = idempotency ? await this.findByIdempotencyKey(workspaceId, sessionId, idempotency) : null;
      if (winner) return winner;
      throw error;
    }
    if (!id) throw notFound("Session");
    return id;
  }
}
