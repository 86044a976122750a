/**
 * One UsageRecord per model call, on every plan: its tokens and cost, with the key and member
 * that sent the run's message, so usage can be summed per workspace, key, member, model and
 * day. Written in the transaction that stores the call's step, so a stored step is always
 * counted, and never twice. (A plain create, not raw SQL: in the step's batch a raw statement
 * costs the hot path several times more.)
 */
import type { PrismaClient } from "@mix/db";

export interface ModelCallUsage {
  workspaceId: string;
  sessionId: string;
  /** The top-level run (a subagent's calls count for the run that started it). */
  runId: string;
  apiKeyId: string | null;
  memberId: string | null;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** USD, from the price table. */
  cost: number;
}

export function recordModelCall(prisma: PrismaClient, usage: ModelCallUsage) {
  const { workspaceId, sessionId, runId, apiKeyId, memberId, provider, model, promptTokens, completionTokens, cost } = usage;
  return prisma.usageRecord.create({
    data: { workspaceId, sessionId, runId, apiKeyId, memberId, provider, model, promptTokens, completionTokens, cost },
    select: { id: true },
  });
}
