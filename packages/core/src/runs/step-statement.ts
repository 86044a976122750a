/**
 * A finished step's writes but its credit debit, as ONE statement: the assistant message, its
 * parts, its tokens and cost added to the session and the sessions it rolls up into, the run no
 * longer naming it, and its UsageRecord (tokens, cache tokens and cost of the call, with the key
 * and member that sent the run's message: what usage reports sum), and after the run's last step
 * the run completed. Prisma's nested create, two updates and a create in a batch transaction are
 * eight round trips (BEGIN, the create's read-back, COMMIT); this is one, atomic by itself.
 */
import { randomUUID } from "node:crypto";
import { Prisma } from "@mix/db";
import type { StepRecord } from "../agent/step-store";
import type { PartData } from "../messages/parts";

/** The statement, to send alone (directSql) or in a batch transaction with the debit ($executeRaw). */
export function storeStepStatement(record: StepRecord, parts: PartData[]): Prisma.Sql {
  const { usage, sentBy } = record;
  // Only what the step has: a session whose cache columns a provider never fills is not touched for them.
  const cacheRead = usage.cacheReadTokens ? Prisma.sql`, "cacheReadTokens" = "cacheReadTokens" + ${usage.cacheReadTokens}::int` : Prisma.empty;
  const cacheWrite = usage.cacheWriteTokens ? Prisma.sql`, "cacheWriteTokens" = "cacheWriteTokens" + ${usage.cacheWriteTokens}::int` : Prisma.empty;
  // The cache columns default to 0: named only when the step has some (as the session's are).
  const cacheColumns = [
    usage.cacheReadTokens ? Prisma.sql`, "cacheReadTokens"` : Prisma.empty,
    usage.cacheWriteTokens ? Prisma.sql`, "cacheWriteTokens"` : Prisma.empty,
  ];
  const cacheValues = [
    usage.cacheReadTokens ? Prisma.sql`, ${usage.cacheReadTokens}::int` : Prisma.empty,
    usage.cacheWriteTokens ? Prisma.sql`, ${usage.cacheWriteTokens}::int` : Prisma.empty,
  ];
  const rows = parts.map((data, index) => ({ id: randomUUID(), index, type: data.type, data }));
  return Prisma.sql`
    WITH message AS (
      INSERT INTO "Message" (id, "sessionId", turn, role, model, "finishReason", "updatedAt")
      VALUES (${record.messageId}, ${record.sessionId}, ${record.turn}::int, 'assistant'::"MessageRole", ${record.model}, ${record.step.finishReason}, now())
      RETURNING id
    ), parts AS (
      INSERT INTO "Part" (id, "messageId", index, type, data)
      SELECT part.id, message.id, part.index, part.type::"PartType", part.data
      FROM message, jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS part(id text, index int, type text, data jsonb)
    ), sessions AS (
      UPDATE "Session" SET "promptTokens" = "promptTokens" + ${usage.promptTokens}::int, "completionTokens" = "completionTokens" + ${usage.completionTokens}::int,
        cost = cost + ${usage.cost}::float8 ${cacheRead} ${cacheWrite}, "updatedAt" = now()
      WHERE id IN (SELECT jsonb_array_elements_text(${JSON.stringify([record.sessionId, ...record.rollUpSessionIds])}::jsonb))
    ), usage AS (
      INSERT INTO "UsageRecord" (id, "workspaceId", "sessionId", "runId", "apiKeyId", "memberId", provider, model, "promptTokens", "completionTokens", cost ${cacheColumns[0]} ${cacheColumns[1]})
      VALUES (${randomUUID()}, ${record.workspaceId}, ${record.sessionId}, ${record.runId}, ${sentBy.apiKeyId}, ${sentBy.memberId}, ${record.provider}, ${record.model},
        ${usage.promptTokens}::int, ${usage.completionTokens}::int, ${usage.cost}::float8 ${cacheValues[0]} ${cacheValues[1]})
    )
    ${runUpdate(record)}`;
}

/**
 * The run no longer names the step it streamed; after its last step (endsRun) it is completed as
 * RunStore.finish completes it, unless it ended meanwhile (a cancel stored as its end).
 */
function runUpdate(record: StepRecord): Prisma.Sql {
  if (!record.endsRun)
    return Prisma.sql`UPDATE "Run" SET "streamingMessageId" = NULL WHERE id = ${record.runId} AND "streamingMessageId" = ${record.messageId}`;
  return Prisma.sql`UPDATE "Run" SET "streamingMessageId" = NULL, status = 'completed', "finishedAt" = ${new Date()}, error = NULL
    WHERE id = ${record.runId} AND status IN ('queued', 'running')`;
}
