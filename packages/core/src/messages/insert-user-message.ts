/**
 * Stores a user message, its text part and its queued run in ONE statement: the session's turn
 * counter is bumped (row lock, so turns follow commit order), and nothing is written when the
 * session does not exist in the workspace. One round trip, atomic, and no interactive
 * transaction to wait for a pooled connection under load.
 */
import { randomUUID } from "node:crypto";
import { directSql, Prisma, type PrismaClient } from "@mix/db";
import type { PartData } from "./parts";

export interface NewUserMessage {
  workspaceId: string;
  sessionId: string;
  text: string;
  planMode: boolean;
  thinkingLevel: string | null;
  /** Most model calls of the run; null: the configured default. */
  maxSteps?: number | null;
  /** False: the run offers the model no tools (chat replies). Default true. */
  withTools?: boolean;
  idempotencyKey: string | null;
  /** What the key was used for (see idempotency.ts); none without a key. */
  idempotencyHash?: string | null;
  /** Who sent it (stored on the run, for usage per key and member); null: not known. */
  apiKeyId?: string | null;
  memberId?: string | null;
  /** The id to give the message (and its run), when the caller needs it before the insert; a new one otherwise. */
  id?: string;
  /** The knowledge sources already retrieved for the message, stored on its run (see SendOptions); null: none yet. */
  knowledgeSources?: readonly unknown[] | null;
}

/** The new message's id, or null when the session is not in the workspace. */
export async function insertUserMessage(prisma: PrismaClient, message: NewUserMessage): Promise<string | null> {
  const id = message.id ?? randomUUID();
  const part: PartData = { type: "text", text: message.text };
  const sources = message.knowledgeSources ? JSON.stringify(message.knowledgeSources) : null;
  // Sent past Prisma's query machinery (@mix/db's directSql): one per message sent.
  const rows = await directSql(prisma).query<{ id: string }>(Prisma.sql`
    WITH turn AS (
      UPDATE "Session" SET "turnCount" = "turnCount" + 1, "updatedAt" = now()
      WHERE id = ${message.sessionId} AND "workspaceId" = ${message.workspaceId}
      RETURNING "turnCount"
    ), message AS (
      INSERT INTO "Message" (id, "sessionId", turn, role, "idempotencyKey", "idempotencyHash", "updatedAt")
      SELECT ${id}, ${message.sessionId}, turn."turnCount", 'user'::"MessageRole", ${message.idempotencyKey}, ${message.idempotencyHash ?? null}, now() FROM turn
      RETURNING id
    ), part AS (
      INSERT INTO "Part" (id, "messageId", index, type, data)
      SELECT ${randomUUID()}, message.id, 0, 'text'::"PartType", ${JSON.stringify(part)}::jsonb FROM message
    )
    INSERT INTO "Run" (id, "sessionId", "planMode", "thinkingLevel", "maxSteps", "withTools", "apiKeyId", "memberId", "knowledgeSources")
    SELECT message.id, ${message.sessionId}, ${message.planMode}, ${message.thinkingLevel}, ${message.maxSteps ?? null}::int, ${message.withTools ?? true},
      ${message.apiKeyId ?? null}, ${message.memberId ?? null}, ${sources}::jsonb FROM message
    RETURNING id`);
  return rows[0]?.id ?? null;
}
