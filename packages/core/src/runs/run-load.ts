/**
 * A run loaded with what executing it needs, in ONE round trip: Prisma's `include` of the same
 * tree (session, its workspace's model preferences, sandbox network and plan, the user message's text
 * parts) is a query per relation, six in a row before the run can start. The rows come back as
 * JSON and are given Prisma's types again (dates, the message's BigInt position), so the result
 * is what `include` returns; run-load.spec.ts holds the two equal, and fails when a column this
 * does not revive is added. Whether an earlier turn's run is still active comes along: the
 * scheduler's first question (run-scheduling.ts), one round trip less.
 */
import { Prisma, type PrismaClient } from "@mix/db";

export const RUN_LOAD_INCLUDE = {
  session: { include: { workspace: { select: { preferences: true, sandboxNetwork: true, plan: true } } } },
  message: { include: { parts: { where: { type: "text" }, orderBy: { index: "asc" } } } },
} as const satisfies Prisma.RunInclude;

export type LoadedRun = Prisma.RunGetPayload<{ include: typeof RUN_LOAD_INCLUDE }>;

/** The loaded run, and whether a run of an earlier turn of its session was still active when it was read. */
export type LoadedRunInTurn = LoadedRun & { earlierRunActive: boolean };

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
}

/** Postgres's JSON of a timestamp(3) column has no zone: it is UTC, as Prisma reads it. */
function dates(row: Row, names: string[]): Row {
  for (const name of names) if (typeof row[name] === "string") row[name] = new Date(`${row[name] as string}Z`);
  return row;
}

export async function loadRun(prisma: PrismaClient, runId: string): Promise<LoadedRunInTurn | null> {
  const rows = await prisma.$queryRaw<LoadRow[]>(Prisma.sql`
    SELECT to_jsonb(r) AS run, to_jsonb(s) AS session, w."sandboxNetwork"::text AS "sandboxNetwork", w.plan,
      CASE WHEN wp.id IS NULL THEN NULL ELSE to_jsonb(wp) END AS preferences, to_jsonb(m) AS message,
      COALESCE((SELECT jsonb_agg(to_jsonb(p) ORDER BY p.index) FROM "Part" p WHERE p."messageId" = m.id AND p.type = 'text'), '[]'::jsonb) AS parts,
      EXISTS (SELECT 1 FROM "Run" e JOIN "Message" em ON em.id = e.id
        WHERE e."sessionId" = r."sessionId" AND e.status IN ('queued', 'running') AND em.turn < m.turn) AS "earlierRunActive"
    FROM "Run" r
    JOIN "Session" s ON s.id = r."sessionId"
    JOIN "Workspace" w ON w.id = s."workspaceId"
    LEFT JOIN "WorkspacePreferences" wp ON wp."workspaceId" = w.id
    JOIN "Message" m ON m.id = r.id
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
  } as unknown as LoadedRunInTurn;
}
