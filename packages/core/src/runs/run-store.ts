/**
 * Run state transitions and the persisted steps of the agent loop. Each model call is one
 * assistant message (reasoning, text and tool_call parts); the results of its tool calls, and
 * the callbacks they triggered, are appended to that same message as they finish, so a tool
 * call and its result are never apart, and a call without a result marks a tool that started
 * but never finished. The run names the step it is streaming (`streamingMessageId`) until the
 * step is stored, so a worker that resumes it knows which partial output was abandoned.
 */
import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient, RunStatus } from "@mix/db";
import type { ModelStepResult } from "../agent/model-step";
import type { PartData } from "../messages/parts";

export interface StepUsage {
  promptTokens: number;
  completionTokens: number;
  cost: number;
}

export interface DanglingToolCall {
  messageId: string;
  toolCallId: string;
  name: string;
  /** The index the result part takes. */
  nextIndex: number;
}

export class RunStore {
  constructor(private readonly prisma: PrismaClient) {}

  markRunning(runId: string) {
    return this.prisma.run.update({
      where: { id: runId },
      data: { status: "running", startedAt: new Date(), attempts: { increment: 1 } },
    });
  }

  finish(runId: string, status: Exclude<RunStatus, "queued" | "running">, error?: string) {
    return this.prisma.run.updateMany({
      where: { id: runId, status: { in: ["queued", "running"] } },
      data: { status, finishedAt: new Date(), error: error ?? null, streamingMessageId: null },
    });
  }

  /** Names the step the run streams now; its first event waits for this (see step-attempt.ts). */
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
   * Stores the assistant message of one model call, and adds its tokens and cost to the session
   * and to every session it rolls up into (a subagent's parents), in one transaction that also
   * stops naming it as the run's streaming step. Returns the index the next part of the message takes.
   */
  async saveStep(args: {
    runId: string;
    sessionId: string;
    rollUpSessionIds: readonly string[];
    turn: number;
    messageId: string;
    model: string;
    step: ModelStepResult;
    usage: StepUsage;
  }): Promise<number> {
    const { step } = args;
    const parts: PartData[] = [];
    // One part per reasoning block: a provider may need each back as it was (Anthropic's signatures).
    for (const block of step.reasoningBlocks) {
      if (!block.text && !block.providerMetadata) continue;
      parts.push({ type: "reasoning", text: block.text, durationMs: block.durationMs, ...(block.providerMetadata ? { providerMetadata: block.providerMetadata } : {}) });
    }
    if (step.text || step.toolCalls.length === 0) parts.push({ type: "text", text: step.text });
    for (const call of step.toolCalls) {
      parts.push({ type: "tool_call", toolCallId: call.id, name: call.name, input: call.input, ...(call.providerMetadata ? { providerMetadata: call.providerMetadata } : {}) });
    }
    await this.prisma.$transaction([
      this.prisma.message.create({
        data: {
          id: args.messageId,
          sessionId: args.sessionId,
          turn: args.turn,
          role: "assistant",
          model: args.model,
          finishReason: step.finishReason,
          parts: { create: parts.map((data, index) => ({ index, type: data.type, data: data as Prisma.InputJsonValue })) },
        },
      }),
      this.prisma.session.updateMany({
        where: { id: { in: [args.sessionId, ...args.rollUpSessionIds] } },
        data: {
          promptTokens: { increment: args.usage.promptTokens },
          completionTokens: { increment: args.usage.completionTokens },
          cost: { increment: args.usage.cost },
        },
      }),
      this.prisma.run.updateMany({ where: { id: args.runId, streamingMessageId: args.messageId }, data: { streamingMessageId: null } }),
    ]);
    return parts.length;
  }

  /** Appends a part (a tool result, a callback result) to a stored message. */
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
      const answered = new Set(
        message.parts.map((part) => part.data as PartData).flatMap((data) => (data.type === "tool_result" ? [data.toolCallId] : [])),
      );
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

  /** A subagent's own session, with the task's prompt as its first user message. */
  async createSubagentSession(args: {
    workspaceId: string;
    parentSessionId: string;
    parentToolCallId: string;
    title: string;
    prompt: string;
    modelProvider: string | null;
    modelId: string | null;
  }): Promise<string> {
    const sessionId = randomUUID();
    const text: PartData = { type: "text", text: args.prompt };
    await this.prisma.session.create({
      data: {
        id: sessionId,
        workspaceId: args.workspaceId,
        title: args.title,
        sessionType: "subagent",
        subagentType: "general-purpose",
        parentSessionId: args.parentSessionId,
        parentToolCallId: args.parentToolCallId,
        modelProvider: args.modelProvider,
        modelId: args.modelId,
        turnCount: 1,
        messages: { create: { turn: 1, role: "user", parts: { create: { index: 0, type: "text", data: text } } } },
      },
    });
    return sessionId;
  }
}
