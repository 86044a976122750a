/** Run state transitions and the persisted result of each step. */
import type { PrismaClient, RunStatus } from "@mix/db";
import type { AgentStepResult } from "../agent/agent-step";
import type { PartData } from "../messages/parts";

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
      data: { status, finishedAt: new Date(), error: error ?? null },
    });
  }

  /** Stores the assistant message of one model call and adds its tokens to the session. */
  async saveAssistantStep(args: {
    sessionId: string;
    turn: number;
    messageId: string;
    model: string;
    step: AgentStepResult;
  }): Promise<void> {
    const { step } = args;
    const parts: PartData[] = [];
    if (step.reasoning) parts.push({ type: "reasoning", text: step.reasoning, durationMs: step.reasoningDurationMs });
    parts.push({ type: "text", text: step.text });
    await this.prisma.$transaction([
      this.prisma.message.create({
        data: {
          id: args.messageId,
          sessionId: args.sessionId,
          turn: args.turn,
          role: "assistant",
          model: args.model,
          finishReason: step.finishReason,
          parts: { create: parts.map((data, index) => ({ index, type: data.type, data })) },
        },
      }),
      this.prisma.session.update({
        where: { id: args.sessionId },
        data: {
          promptTokens: { increment: step.usage.promptTokens },
          completionTokens: { increment: step.usage.completionTokens },
        },
      }),
    ]);
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
}
