/**
 * The persisted steps of a run's agent loop, on Postgres: the loop's StepStore, plus what a
 * resumed or failed run reads and writes of them. Each model call is one assistant message
 * (reasoning, text and tool_call parts); the results of its tool calls, and the callbacks they
 * triggered, are appended to that same message as they finish, so a tool call and its result
 * are never apart, and a call without a result marks a tool that started but never finished.
 * The run names the step it is streaming (`streamingMessageId`) until the step is stored, so a
 * worker that resumes it knows which partial output was abandoned.
 */
import { randomUUID } from "node:crypto";
import type { MessageRole, Prisma, PrismaClient } from "@mix/db";
import { stepParts, type StepRecord, type StepStore, type SubagentSessionRecord } from "../agent/step-store";
import { debitModelCall } from "../credits/credit-statements";
import type { PartData } from "../messages/parts";
import type { PlanCatalog } from "../plans/plan-catalog";
import { recordModelCall } from "../usage/usage-records";
import { countModelCall } from "../metrics/record";

export interface DanglingToolCall {
  messageId: string;
  toolCallId: string;
  name: string;
  /** The index the result part takes. */
  nextIndex: number;
}

/** A stored message as the model history is built from it. */
export interface TranscriptMessage {
  role: MessageRole;
  parts: PartData[];
}

export class RunStepStore implements StepStore {
  /** `plans`: which workspaces pay their model calls from credits; absent, none is debited. */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly plans?: PlanCatalog,
  ) {}

  async markStreaming(runId: string, messageId: string): Promise<void> {
    await this.prisma.run.updateMany({ where: { id: runId }, data: { streamingMessageId: messageId } });
  }

  /** Forgets a streaming step, unless the run already names a newer one. */
  async clearStreaming(runId: string, messageId: string): Promise<void> {
    await this.prisma.run.updateMany({ where: { id: runId, streamingMessageId: messageId }, data: { streamingMessageId: null } });
  }

  /** Whether an assistant message with this id was stored (in any session: a subagent's too). */
  async hasMessage(messageId: string): Promise<boolean> {
    return (await this.prisma.message.count({ where: { id: messageId } })) > 0;
  }

  /**
   * The step's message, its tokens and cost added to the session and to every session it rolls
   * up into (a subagent's parents), its usage record, its cost debited from a metered
   * workspace's credits, and the run no longer naming it: one transaction.
   */
  async saveStep(record: StepRecord): Promise<number> {
    const parts = stepParts(record.step);
    const { workspaceId, runId, sessionId, provider, model, usage, sentBy } = record;
    const debit = this.plans ? debitModelCall(this.prisma, this.plans, { workspaceId, runId, cost: usage.cost }) : null;
    await this.prisma.$transaction([
      this.prisma.message.create({
        data: {
          id: record.messageId,
          sessionId: record.sessionId,
          turn: record.turn,
          role: "assistant",
          model: record.model,
          finishReason: record.step.finishReason,
          parts: { create: parts.map((data, index) => ({ index, type: data.type, data: data as Prisma.InputJsonValue })) },
        },
      }),
      this.prisma.session.updateMany({
        where: { id: { in: [record.sessionId, ...record.rollUpSessionIds] } },
        data: {
          promptTokens: { increment: record.usage.promptTokens },
          completionTokens: { increment: record.usage.completionTokens },
          cost: { increment: record.usage.cost },
        },
      }),
      this.prisma.run.updateMany({ where: { id: record.runId, streamingMessageId: record.messageId }, data: { streamingMessageId: null } }),
      recordModelCall(this.prisma, { workspaceId, sessionId, runId, provider, model, ...sentBy, ...usage }),
      ...(debit ? [debit] : []),
    ]);
    countModelCall({ provider, model }, usage);
    return parts.length;
  }

  async appendPart(messageId: string, index: number, data: PartData): Promise<void> {
    await this.prisma.part.create({ data: { messageId, index, type: data.type, data: data as Prisma.InputJsonValue } });
  }

  /**
   * Tool calls of a turn that have no result: the worker that ran them died (or lost its lease)
   * before they finished. The caller reports them as interrupted instead of running them again.
   */
  async danglingToolCalls(sessionId: string, turn: number): Promise<DanglingToolCall[]> {
    const messages = await this.prisma.message.findMany({
      where: { sessionId, turn, role: "assistant" },
      orderBy: { position: "asc" },
      include: { parts: { orderBy: { index: "asc" } } },
    });
    const dangling: DanglingToolCall[] = [];
    for (const message of messages) {
      const answered = new Set(message.parts.map((part) => part.data as PartData).flatMap((data) => (data.type === "tool_result" ? [data.toolCallId] : [])));
      let nextIndex = message.parts.reduce((max, part) => Math.max(max, part.index), -1) + 1;
      for (const part of message.parts) {
        const data = part.data as PartData;
        if (data.type !== "tool_call" || answered.has(data.toolCallId)) continue;
        dangling.push({ messageId: message.id, toolCallId: data.toolCallId, name: data.name, nextIndex: nextIndex++ });
      }
    }
    return dangling;
  }

  /** Model calls already made in a turn (a resumed run counts them against max_steps). */
  stepsTaken(sessionId: string, turn: number): Promise<number> {
    return this.prisma.message.count({ where: { sessionId, turn, role: "assistant" } });
  }

  /** The session's user and assistant messages up to a turn, in conversation order. */
  async transcript(sessionId: string, upToTurn: number): Promise<TranscriptMessage[]> {
    const messages = await this.prisma.message.findMany({
      where: { sessionId, turn: { lte: upToTurn }, role: { in: ["user", "assistant"] } },
      orderBy: [{ turn: "asc" }, { position: "asc" }],
      include: { parts: { orderBy: { index: "asc" } } },
    });
    return messages.map((message) => ({ role: message.role, parts: message.parts.map((part) => part.data as PartData) }));
  }

  /** Stores a failure as an assistant message with an error part, so the transcript shows it. */
  async saveError(args: { sessionId: string; turn: number; messageId: string; message: string }): Promise<void> {
    const data: PartData = { type: "error", message: args.message };
    await this.prisma.message.create({
      data: {
        id: args.messageId,
        sessionId: args.sessionId,
        turn: args.turn,
        role: "assistant",
        finishReason: "error",
        parts: { create: [{ index: 0, type: "error", data }] },
      },
    });
  }

  async createSubagentSession(record: SubagentSessionRecord): Promise<string> {
    const sessionId = randomUUID();
    const text: PartData = { type: "text", text: record.prompt };
    await this.prisma.session.create({
      data: {
        id: sessionId,
        workspaceId: record.workspaceId,
        title: record.title,
        sessionType: "subagent",
        subagentType: "general-purpose",
        parentSessionId: record.parentSessionId,
        parentToolCallId: record.parentToolCallId,
        modelProvider: record.modelProvider,
        modelId: record.modelId,
        turnCount: 1,
        messages: { create: { turn: 1, role: "user", parts: { create: { index: 0, type: "text", data: text } } } },
      },
    });
    return sessionId;
  }
}
