/**
 * Sending and reading messages. Sending goes through the UserMessageSender, the one path a user
 * message takes into a session (the worker's send_message callbacks take it too).
 */
import type { PrismaClient } from "@mix/db";
import type { CommandRegistry } from "../commands/command-registry";
import type { PlanGate } from "../credits/plan-gate";
import type { BackendMessage, SendMessageRequest } from "../contracts";
import type { Logger } from "../logging/logger";
import type { RunQueue } from "../queues/run-queue";
import { toBackendMessage } from "./message-view";
import type { SessionLookup } from "./session-lookup";
import { UserMessageSender, type SendOptions, type SentMessage } from "./user-message-sender";

export class MessagesService {
  private readonly sender: UserMessageSender;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly sessions: SessionLookup,
    queue: RunQueue,
    commands: Pick<CommandRegistry, "expandCommand">,
    logger: Logger,
    options: { maxChars?: number; gate?: Pick<PlanGate, "checkSend"> } = {},
  ) {
    this.sender = new UserMessageSender({ prisma, queue, commands, logger, maxChars: options.maxChars, gate: options.gate });
  }

  /** Refuses (400) a text longer than a send accepts, for a caller that writes something before it sends. */
  checkLength(text: string): void {
    this.sender.checkLength(text);
  }

  async list(workspaceId: string, sessionId: string): Promise<BackendMessage[]> {
    await this.sessions.require(workspaceId, sessionId);
    const messages = await this.prisma.message.findMany({
      where: { sessionId },
      orderBy: [{ turn: "asc" }, { position: "asc" }],
      include: { parts: { orderBy: { index: "asc" } } },
    });
    return messages.map(toBackendMessage);
  }

  send(
    workspaceId: string,
    sessionId: string,
    request: SendMessageRequest,
    idempotencyKey?: string,
    options: Omit<SendOptions, "idempotencyKey"> = {},
  ): Promise<SentMessage> {
    return this.sender.send(workspaceId, sessionId, request, { ...options, idempotencyKey });
  }
}
