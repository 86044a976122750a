/**
 * The one way a user message enters a session, whoever sends it (a client through the API, a
 * session's send_message callback in the worker): `/name args` of a known command is expanded,
 * the message and its run are stored in one statement, and the run is enqueued with the run id
 * as job id. A retried send with the same Idempotency-Key finds the stored message and
 * re-enqueues it, which BullMQ ignores when the job already exists, so a crash between the two
 * steps loses nothing and duplicates nothing. Keys are per session; a key repeated with a
 * different request is refused (422), never dropped.
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@mix/db";
import type { CommandRegistry } from "../commands/command-registry";
import type { PlanGate } from "../credits/plan-gate";
import type { KnowledgeSource, SendMessageAccepted, SendMessageRequest } from "../contracts";
import { notFound, validationError } from "../errors/app-error";
import type { Logger } from "../logging/logger";
import type { RunQueue } from "../queues/run-queue";
import { REDIS_DEADLINE_MS, withDeadline } from "../redis/deadline";
import { traceEnqueue } from "../tracing/spans";
import { idempotencyHash, idempotencyMismatch } from "./idempotency";
import { insertUserMessage } from "./insert-user-message";

export interface UserMessageSenderDeps {
  prisma: PrismaClient;
  queue: RunQueue;
  commands: Pick<CommandRegistry, "expandCommand">;
  logger: Logger;
  /** Longest text a send accepts (MESSAGE_MAX_CHARS); none: the contract's bound alone. */
  maxChars?: number;
  /** The workspace's plan: a model outside it (403) or no credits left (402) refuses the message before it is stored. Absent: no plan is checked. */
  gate?: Pick<PlanGate, "checkSend">;
}

export interface SendOptions {
  /** From the client's Idempotency-Key header; none for a callback's message. */
  idempotencyKey?: string;
  /** False: the run offers the model no tools (chat replies). Default true. */
  withTools?: boolean;
  /** Who sent it, stored on the run: usage is counted per key and member. */
  sentBy?: SentBy;
  /**
   * The knowledge sources the sender already retrieved for this message (the chat route, to name
   * them in its answer's header): stored on the run, so its worker is given those same chunks
   * instead of searching again. None: the worker retrieves them.
   */
  knowledgeSources?: KnowledgeSource[];
}

/** The API key and member a message came from (a callback's: those of the run that sent it). */
export interface SentBy {
  apiKeyId: string | null;
  memberId: string | null;
}

export type SentMessage = SendMessageAccepted & { messageId: string; duplicate: boolean };

/** An Idempotency-Key and what it is used for (see idempotency.ts). */
interface Idempotency {
  key: string;
  hash: string;
}

export class UserMessageSender {
  constructor(private readonly deps: UserMessageSenderDeps) {}

  /** The deployment's bound on a message (MESSAGE_MAX_CHARS), under the contract's: a 400 before anything is stored. */
  checkLength(text: string): void {
    const { maxChars } = this.deps;
    if (maxChars !== undefined && text.length > maxChars) {
      throw validationError(`Message text is too long: ${text.length} characters, at most ${maxChars} are accepted`);
    }
  }

  async send(workspaceId: string, sessionId: string, request: SendMessageRequest, options: SendOptions = {}): Promise<SentMessage> {
    this.checkLength(request.text);
    // Of the request as sent, before a command is expanded: what the client can repeat.
    const idempotency = options.idempotencyKey ? { key: options.idempotencyKey, hash: idempotencyHash(request, options.withTools ?? true) } : null;
    const existing = idempotency ? await this.findByIdempotencyKey(workspaceId, sessionId, idempotency) : null;
    // A repeat of an accepted message is answered as before; a new one must be one the plan lets through.
    if (existing === null) await this.deps.gate?.checkSend(workspaceId, sessionId);
    // `/name args` of a known command is stored as the command's prompt; other text as typed.
    const text = existing ? request.text : ((await this.deps.commands.expandCommand(request.text)) ?? request.text);
    // A new run is counted in its workspace's queue share while it is stored: one round trip
    // fewer between the insert and the job. A run that is not stored after all is settled again.
    const newId = existing ? null : randomUUID();
    const counted = newId ? this.deps.queue.countIn(workspaceId, newId) : undefined;
    counted?.catch(() => undefined);
    let messageId: string;
    try {
      messageId = existing ?? (await this.store(workspaceId, sessionId, { ...request, text }, idempotency, options, newId!));
    } catch (error) {
      if (newId) this.uncount(workspaceId, newId, counted!);
      throw error;
    }
    if (newId && messageId !== newId) this.uncount(workspaceId, newId, counted!);
    try {
      // The job carries the send's trace context: the run's spans join the request's trace.
      const count = messageId === newId ? counted : undefined;
      const enqueue = traceEnqueue(messageId, (trace) =>
        this.deps.queue.enqueue({ runId: messageId, sessionId, workspaceId, ...(trace ? { trace } : {}) }, count),
      );
      await withDeadline(enqueue, REDIS_DEADLINE_MS);
    } catch (error) {
      // Stored is what counts: the enqueue may still land, and if not, the workers' recovery
      // sweep enqueues the run (it looks for queued runs without a job), so the send is accepted.
      this.deps.logger.warn({ err: error, sessionId, messageId }, "message stored but not yet queued (Redis unavailable); the recovery sweep queues it");
    }
    return { status: "processing", sessionId, messageId, duplicate: existing !== null };
  }

  /** A counted id that is no run (its insert failed, or a concurrent send with its key won) stops counting; best effort. */
  private uncount(workspaceId: string, runId: string, counted: Promise<number>): void {
    void counted
      .then(() => this.deps.queue.settle(workspaceId, runId))
      .catch((error: unknown) => this.deps.logger.debug({ err: error, runId }, "could not settle the count of a run that was not stored"));
  }

  /** The message first sent with this key, or null; a 422 when it was sent with another request. */
  private async findByIdempotencyKey(workspaceId: string, sessionId: string, { key, hash }: Idempotency): Promise<string | null> {
    const found = await this.deps.prisma.message.findFirst({
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
    { withTools, sentBy, knowledgeSources }: SendOptions,
    newId: string,
  ): Promise<string> {
    let id: string | null;
    try {
      id = await insertUserMessage(this.deps.prisma, {
        id: newId,
        workspaceId,
        sessionId,
        text: request.text,
        planMode: request.plan_mode,
        thinkingLevel: request.thinking_level ?? null,
        maxSteps: request.max_steps ?? null,
        withTools,
        idempotencyKey: idempotency?.key ?? null,
        idempotencyHash: idempotency?.hash ?? null,
        apiKeyId: sentBy?.apiKeyId ?? null,
        memberId: sentBy?.memberId ?? null,
        knowledgeSources: knowledgeSources ?? null,
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
