/**
 * The key reads of api-key-records.ts in plain SQL, for the stream gateway's pg pool. Prisma
 * stores DateTime as `timestamp(3)` in UTC: times cross as epoch milliseconds, so neither the
 * session's nor the process's time zone can shift an expiry.
 */
import type { Role } from "../contracts/roles";
import type { ApiKeyRecord, ApiKeyRecords } from "./api-key-records";

/** What these reads need of a pg pool: one parameterised query at a time. */
export interface SqlQuery {
  query<R extends object>(text: string, values: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

const SELECT = `SELECT id, "workspaceId", role::text AS role, "memberId",
  (EXTRACT(EPOCH FROM "revokedAt") * 1000)::float8 AS "revokedAtMs",
  (EXTRACT(EPOCH FROM "expiresAt") * 1000)::float8 AS "expiresAtMs"
  FROM "ApiKey"`;

interface Row {
  id: string;
  workspaceId: string;
  role: Role;
  memberId: string | null;
  revokedAtMs: number | null;
  expiresAtMs: number | null;
}

const toRecord = (row: Row | undefined): ApiKeyRecord | null =>
  row
    ? {
        id: row.id,
        workspaceId: row.workspaceId,
        role: row.role,
        memberId: row.memberId,
        revokedAt: row.revokedAtMs === null ? null : new Date(row.revokedAtMs),
        expiresAt: row.expiresAtMs === null ? null : new Date(row.expiresAtMs),
      }
    : null;

export function pgApiKeyRecords(pool: SqlQuery): ApiKeyRecords {
  return {
    byHash: async (keyHash) => toRecord((await pool.query<Row>(`${SELECT} WHERE "keyHash" = $1`, [keyHash])).rows[0]),
    byId: async (id) => toRecord((await pool.query<Row>(`${SELECT} WHERE id = $1`, [id])).rows[0]),
    async touchLastUsed(id, since, now) {
      await pool.query(
        `UPDATE "ApiKey" SET "lastUsedAt" = to_timestamp($2::float8 / 1000) AT TIME ZONE 'UTC'
         WHERE id = $1 AND ("lastUsedAt" IS NULL OR "lastUsedAt" < to_timestamp($3::float8 / 1000) AT TIME ZONE 'UTC')`,
        [id, now.getTime(), since.getTime()],
      );
    },
  };
}
