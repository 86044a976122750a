/**
 * A session's transcript up to a turn as one jsonb array of { id, role, parts } (parts' data in
 * their order), oldest first: the history a run's model call starts from. One text for both of
 * its readers, the first start's load (run-load.ts, inside its statement) and a resumed or later
 * run (RunStepStore.transcript), so they can never disagree on shape or order.
 */
import { Prisma } from "@mix/db";

/** `sessionId` and `upToTurn` are values, or column references of the statement it sits in. */
export function transcriptJson(sessionId: Prisma.Sql | string, upToTurn: Prisma.Sql | number): Prisma.Sql {
  return Prisma.sql`(SELECT COALESCE(jsonb_agg(jsonb_build_object('id', tm.id, 'role', tm.role, 'parts',
      COALESCE((SELECT jsonb_agg(tp.data ORDER BY tp.index) FROM "Part" tp WHERE tp."messageId" = tm.id), '[]'::jsonb))
    ORDER BY tm.turn, tm.position), '[]'::jsonb)
  FROM "Message" tm WHERE tm."sessionId" = ${sessionId} AND tm.turn <= ${upToTurn} AND tm.role IN ('user', 'assistant'))`;
}
