/**
 * Sending and reading messages. Sending stores the user message and its run in one
 * statement, then enqueues the run with the run id as job id: a retried send with the same
 * Idempotency-Key finds the stored message and re-enqueues it, which BullMQ ignores when the
 * job already exists, so a crash between the two steps loses nothing and duplicates nothing.
 */
import type { PrismaClient } from "@mix/db";
import type { CommandRegistry } from "../commands/command-registry";
import type { BackendMessage, SendMessageAccepted, SendMessageRequest } from "../contracts";
import type { RunQueue } from "../runs/run-queue";
import type { SessionsService } from "../sessions/sessions.service";
import { notFound } from "../errors/app-error";
import { insertUserMessage } from "./insert-user-message";
import { toBackendMessage } from "./message-view";

export class MessagesService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sessions: SessionsService,
    private readonly queue: RunQueue,
    private readonly commands: CommandRegistry,
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
    const existing = idempotencyKey ? await this.findByIdempotencyKey(workspaceId, sessionId, idempotencyKey) : null;
    // `/name args` of a known command is stored as the command's prompt; other text as typed.
    const text = existing ? request.text : ((await this.commands.expandCommand(request.text)) ?? request.text);
    const messageId = existing ?? (await this.store(workspaceId, sessionId, { ...request, text }, idempotencyKey, options.withTools));
    await this.queue.enqueue({ runId: messageId, sessionId, workspaceId });
    return { status: "processing", sessionId, messageId, duplicate: existing !== null };
  }

  private async findByIdempotencyKey(workspaceId: string, sessionId: string, idempotencyKey: string): Promise<string | null> {
    const found = await this.prisma.message.findFirst({
      where: { sessionId, idempotencyKey, session: { workspaceId } },
      select: { id: true },
    });
    return found?.id ?? null;
  }

  private async store(workspaceId: string, sessionId: string, request: SendMessageRequest, idempotencyKey?: string, withTools?: boolean): Promise<string> {
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
        idempotencyKey: idempotencyKey ?? null,
      });
    } catch (error) {
      // Two concurrent sends with one key: the unique index lets one win; the other answers
      // with the winner's message.
      const winner = idempotencyKey ? await this.findByIdempotencyKey(workspaceId, sessionId, idempotencyKey) : null;
      if (winner) return winner;
      throw error;
    }
    if (!id) throw notFound("Session");
    return id;
  }
}
