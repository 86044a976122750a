/** Message and tool-call counts of many sessions in two queries (no N+1 on list). */
import { Prisma, type PrismaClient } from "@mix/db";
import type { SessionCounts } from "./session-view";

interface CountRow {
  sessionId: string;
  users: bigint;
  assistants: bigint;
  toolCalls: bigint;
}

interface FirstMessageRow {
  sessionId: string;
  text: string | null;
}

export async function loadSessionCounts(prisma: PrismaClient, sessionIds: string[]): Promise<Map<string, SessionCounts>> {
  const counts = new Map<string, SessionCounts>();
  if (sessionIds.length === 0) return counts;
  const ids = Prisma.join(sessionIds);
  const [rows, firsts] = await Promise.all([
    prisma.$queryRaw<CountRow[]>`
      SELECT m."sessionId",
             count(DISTINCT m.id) FILTER (WHERE m.role = 'user') AS users,
             count(DISTINCT m.id) FILTER (WHERE m.role = 'assistant') AS assistants,
             count(p.id) FILTER (WHERE p.type = 'tool_call') AS "toolCalls"
      FROM "Message" m LEFT JOIN "Part" p ON p."messageId" = m.id
      WHERE m."sessionId" IN (${ids})
      GROUP BY m."sessionId"`,
    prisma.$queryRaw<FirstMessageRow[]>`
      SELECT DISTINCT ON (m."sessionId") m."sessionId", p.data->>'text' AS text
      FROM "Message" m JOIN "Part" p ON p."messageId" = m.id AND p.type = 'text'
      WHERE m."sessionId" IN (${ids}) AND m.role = 'user'
      ORDER BY m."sessionId", m.turn, m.position, p.index`,
  ]);
  for (const id of sessionIds) counts.set(id, { userMessageCount: 0, assistantMessageCount: 0, toolCallCount: 0 });
  for (const row of rows) {
    counts.set(row.sessionId, {
      userMessageCount: Number(row.users),
      assistantMessageCount: Number(row.assistants),
      toolCallCount: Number(row.toolCalls),
    });
  }
  for (const row of firsts) {
    const entry = counts.get(row.sessionId);
    if (entry && row.text !== null) entry.firstUserMessage = row.text;
  }
  return counts;
}
