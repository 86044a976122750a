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
import { directSql, Prisma, type MessageRole, type PrismaClient } from "@mix/db";
import { stepParts, type StepRecord, type StepStore, type SubagentSessionRecord } from "../agent/step-store";
import { debitModelCall } from "../credits/credit-statements";
import type { PartData } from "../messages/parts";
import type { PlanCatalog } from "../plans/plan-catalog";
import { COMPACT_TOOL_NAME, MARKER_ID_PREFIX } from "../context/compaction-marker";
import { storeStepStatement } from "./step-statement";
import { transcriptJson } from "./transcript-sql";
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
  /** The stored message's id (where a compaction marker says its kept part starts). */
  id: string;
  role: MessageRole;
  parts: PartData[];
}

export class RunStepStore implements StepStore {
  /** `plans`: which workspaces pay their model calls from credits; absent, none is debited. */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly plans?: PlanCatalog,
  ) {}

  /** Per run executing here, the step id its start already named (see takeNamedStep). */
  private readonly namedSteps = new Map<string, string>();

  /** The run names `messageId` as its streaming step now (see RunStore.markRunning): its first step takes it. */
  nameFirstStep(runId: string, messageId: string): void {
    this.namedSteps.set(runId, messageId);
  }

  takeNamedStep(runId: string): string | undefined {
    const messageId = this.namedSteps.get(runId);
    this.namedSteps.delete(runId);
    return messageId;
  }

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
   * workspace's credits, and the run no longer naming it: one statement (step-statement.ts),
   * and one transaction with the debit.
   */
  async saveStep(record: StepRecord): Promise<number> {
    const parts = stepParts(record.step);
    const { workspaceId, runId, provider, model, usage } = record;
    const debit = this.plans ? debitModelCall(this.prisma, this.plans, { workspaceId, runId, cost: usage.cost }) : null;
    // One statement, atomic by itself (sent past Prisma's query machinery); with a debit, both in one transaction.
    const statement = storeStepStatement(record, parts);
    await (debit ? this.prisma.$transaction([this.prisma.$executeRaw(statement), debit]) : directSql(this.prisma).execute(statement));
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

  /**
   * Model calls already made in a turn (a resumed run counts them against max_steps). A
   * compaction's marker is an assistant message too, but no step of the run's model: not counted.
   */
  stepsTaken(sessionId: string, turn: number): Promise<number> {
    const marker = {
      type: "tool_call" as const,
      AND: [{ data: { path: ["name"], equals: COMPACT_TOOL_NAME } }, { data: { path: ["toolCallId"], string_starts_with: MARKER_ID_PREFIX } }],
    };
    return this.prisma.message.count({ where: { sessionId, turn, role: "assistant", parts: { none: marker } } });
  }

  /** The session's user and assistant messages up to a turn, in conversation order. */
  async transcript(sessionId: string, upToTurn: number): Promise<TranscriptMessage[]> {
    // One round trip (messages with their parts aggregated), not one per relation: it is on the way to the first delta.
    const rows = await this.prisma.$queryRaw<
      { transcript: TranscriptMessage[] }[]
    >`SELECT ${transcriptJson(sessionId, Prisma.sql`${upToTurn}::int`)} AS transcript`;
    return rows[0]!.transcript;
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
