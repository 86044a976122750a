/**
 * A run loaded with what executing it needs, in ONE round trip: Prisma's `include` of the same
 * tree (session, its workspace's model preferences, sandbox network and plan, the user message's text
 * parts) is a query per relation, six in a row before the run can start. The rows come back as
 * JSON and are given Prisma's types again (dates, the message's BigInt position), so the result
 * is what `include` returns; run-load.spec.ts holds the two equal, and fails when a column this
 * does not revive is added. Whether an earlier turn's run is still active comes along: the
 * scheduler's first question (run-scheduling.ts), one round trip less.
 *
 * Asked for (the processor does), a run's first start that need not wait for an earlier one
 * also gets its session's transcript up to its turn, read in the same statement: the history
 * is then on hand when the lease is, instead of one more read after it. One statement is one
 * snapshot, so the transcript holds every write of the earlier runs the same read saw ended (a
 * run stores its steps before it is marked ended). A run that must wait, is resumed or has a
 * cancel stored gets none and reads its history as before.
 *
 * What the run is grounded on comes along too (the workspace profile, whether the workspace has
 * any knowledge document, the sources a first attempt stored): RunGrounding's read, one
 * statement less per run.
 *
 * Given `startAs` (the processor holds the session's lease and the workspace's slot already), the
 * same statement marks such a first start running, its first step named `startAs`: the write
 * RunStore.markRunning would make one round trip later, on the way to the first delta. The rows
 * read are those before the mark (the run still looks queued and never started, as its start
 * expects); `startedAs` says whether it was marked. The mark's conditions are checked again on
 * the row it updates, so a cancel stored meanwhile leaves the run unmarked.
 */
import { directSql, Prisma, type PrismaClient } from "@mix/db";
import type { GroundingState } from "../knowledge/run-grounding";
import type { TranscriptMessage } from "./run-step-store";
import { transcriptJson } from "./transcript-sql";

export const RUN_LOAD_INCLUDE = {
  session: { include: { workspace: { select: { preferences: true, sandboxNetwork: true, plan: true } } } },
  message: { include: { parts: { where: { type: "text" }, orderBy: { index: "asc" } } } },
} as const satisfies Prisma.RunInclude;

export type LoadedRun = Prisma.RunGetPayload<{ include: typeof RUN_LOAD_INCLUDE }>;

/** The loaded run, and whether a run of an earlier turn of its session was still active when it was read. */
export type LoadedRunInTurn = LoadedRun & {
  earlierRunActive: boolean;
  /** The session's user and assistant messages up to the run's turn as read with it; null unless asked for and a first start that need not wait. */
  transcript: TranscriptMessage[] | null;
  grounding: GroundingState;
  /** The step id the load marked the run running with (LoadOptions.startAs); null when it did not mark it. */
  startedAs: string | null;
};

export interface LoadOptions {
  /** A first start that need not wait brings its transcript. */
  transcript?: boolean;
  /** A first start that need not wait (and has no cancel stored) is marked running, its first step named this. */
  startAs?: string;
}

type Row = Record<string, unknown>;

interface LoadRow {
  run: Row;
  session: Row;
  sandboxNetwork: string;
  plan: string;
  preferences: Row | null;
  message: Row;
  parts: Row[];
  earlierRunActive: boolean;
  transcript: TranscriptMessage[] | null;
  team: string | null;
  product: string | null;
  voice: string | null;
  facts: string | null;
  hasDocuments: boolean;
  started: boolean;
}

/** Postgres's JSON of a timestamp(3) column has no zone: it is UTC, as Prisma reads it. */
function dates(row: Row, names: string[]): Row {
  for (const name of names) if (typeof row[name] === "string") row[name] = new Date(`${row[name] as string}Z`);
  return row;
}

/** See above for what `options` add to the read. */
export async function loadRun(prisma: PrismaClient, runId: string, options: LoadOptions = {}): Promise<LoadedRunInTurn | null> {
  const startAs = options.startAs ?? null;
  // One statement text whatever the options. The mark's "need not wait" is the same question as `earlier` below, on the same snapshot.
  // Sent past Prisma's query machinery (@mix/db's directSql): the run path's hottest read.
  const rows = await directSql(prisma).query<LoadRow>(Prisma.sql`
    WITH started AS (
      UPDATE "Run" u SET status = 'running', "startedAt" = ${new Date()}, attempts = u.attempts + 1, "streamingMessageId" = ${startAs}::text
      FROM "Message" um
      WHERE u.id = ${runId} AND ${startAs}::text IS NOT NULL AND um.id = u.id
        AND u.status = 'queued' AND u."startedAt" IS NULL AND u."cancelRequestedAt" IS NULL
        AND NOT EXISTS (SELECT 1 FROM "Run" e JOIN "Message" em ON em.id = e.id
          WHERE e."sessionId" = u."sessionId" AND e.status IN ('queued', 'running') AND em.turn < um.turn)
      RETURNING u.id
    )
    SELECT EXISTS (SELECT 1 FROM started) AS started, to_json(r) AS run, to_json(s) AS session, w."sandboxNetwork"::text AS "sandboxNetwork", w.plan,
      CASE WHEN wp.id IS NULL THEN NULL ELSE to_json(wp) END AS preferences, to_json(m) AS message,
      COALESCE((SELECT json_agg(to_json(p) ORDER BY p.index) FROM "Part" p WHERE p."messageId" = m.id AND p.type = 'text'), '[]'::json) AS parts,
      earlier.active AS "earlierRunActive",
      pr.team, pr.product, pr.voice, pr.facts,
      EXISTS (SELECT 1 FROM "KnowledgeDocument" d WHERE d."workspaceId" = w.id) AS "hasDocuments",
      CASE WHEN ${options.transcript === true}::boolean AND NOT earlier.active AND r.status = 'queued' AND r."startedAt" IS NULL AND r."cancelRequestedAt" IS NULL THEN
        ${transcriptJson(Prisma.raw('r."sessionId"'), Prisma.raw("m.turn"))}
      END AS transcript
    FROM "Run" r
    JOIN "Session" s ON s.id = r."sessionId"
    JOIN "Workspace" w ON w.id = s."workspaceId"
    LEFT JOIN "WorkspacePreferences" wp ON wp."workspaceId" = w.id
    LEFT JOIN "WorkspaceProfile" pr ON pr."workspaceId" = w.id
    JOIN "Message" m ON m.id = r.id
    CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM "Run" e JOIN "Message" em ON em.id = e.id
        WHERE e."sessionId" = r."sessionId" AND e.status IN ('queued', 'running') AND em.turn < m.turn) AS active) earlier
    WHERE r.id = ${runId}`);
  const row = rows[0];
  if (!row) return null;
  const preferences = row.preferences ? dates(row.preferences, ["createdAt", "updatedAt"]) : null;
  const message = dates(row.message, ["createdAt", "updatedAt"]);
  message.position = BigInt(message.position as number);
  return {
    ...dates(row.run, ["cancelRequestedAt", "createdAt", "startedAt", "finishedAt"]),
    session: { ...dates(row.session, ["createdAt", "updatedAt"]), workspace: { preferences, sandboxNetwork: row.sandboxNetwork, plan: row.plan } },
    message: { ...message, parts: row.parts.map((part) => dates(part, ["createdAt"])) },
    earlierRunActive: row.earlierRunActive,
    transcript: row.transcript,
    grounding: {
      team: row.team,
      product: row.product,
      voice: row.voice,
      facts: row.facts,
      hasDocuments: row.hasDocuments,
      stored: (row.run.knowledgeSources ?? null) as GroundingState["stored"],
    },
    startedAs: row.started ? startAs : null,
  } as unknown as LoadedRunInTurn;
}
