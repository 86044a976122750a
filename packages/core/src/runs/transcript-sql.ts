/**
 * A session's transcript up to a turn as one JSON array of { id, role, parts } (parts' data in
 * their order), oldest first: the history a run's model call starts from. Built as json, not
 * jsonb: it only goes out as text, and jsonb would build every message's binary form first (a
 * quarter of the statement's time for a 100-turn session). One text for both of
 * its readers, the first start's load (run-load.ts, inside its statement) and a resumed or later
 * run (RunStepStore.transcript), so they can never disagree on shape or order.
 */
import { Prisma } from "@mix/db";

/** `sessionId` and `upToTurn` are values, or column references of the statement it sits in. */
export function transcriptJson(sessionId: Prisma.Sql | string, upToTurn: Prisma.Sql | number): Prisma.Sql {
  return Prisma.sql`(SELECT COALESCE(json_agg(json_build_object('id', tm.id, 'role', tm.role, 'parts',
      COALESCE((SELECT json_agg(tp.data ORDER BY tp.index) FROM "Part" tp WHERE tp."messageId" = tm.id), '[]'::json))
    ORDER BY tm.turn, tm.position), '[]'::json)
  FROM "Message" tm WHERE tm."sessionId" = ${sessionId} AND tm.turn <= ${upToTurn} AND tm.role IN ('user', 'assistant'))`;
}
