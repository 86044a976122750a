/** Creates Prisma clients on the pg driver adapter (no native query engine needed). */
import { PrismaPg } from "@prisma/adapter-pg";
import { Pool } from "pg";
import { attachDirectSql } from "./direct-sql";
import { PrismaClient } from "./generated/client";
import { withoutPoolerMarker } from "./pool";
import { preparedStatementNames } from "./statement-names";

export interface DatabaseOptions {
  url: string;
  /** Upper bound on pooled connections per process. */
  poolSize?: number;
  /**
   * Named (server-side prepared) statements: each distinct statement is parsed, and after a few
   * runs planned, once per connection instead of on every run. Default true; off for a URL with
   * `pgbouncer=true` (a pooler in transaction mode older than PgBouncer 1.21 cannot keep them).
   */
  preparedStatements?: boolean;
  /** Told of every failed direct statement (direct-sql.ts), which Prisma's query extensions do not see. */
  onDirectError?: (error: unknown) => void;
}

export function createPrismaClient({ url, poolSize = 10, preparedStatements = true, onDirectError }: DatabaseOptions): PrismaClient {
  const target = withoutPoolerMarker(url);
  const names = preparedStatements && !target.pooler ? preparedStatementNames() : undefined;
  // The pool is made here so the direct statements (direct-sql.ts) share it.
  const pool = new Pool({ connectionString: target.url, max: poolSize });
  // An idle connection that breaks (Postgres restarted) leaves the pool; unheard, its error would end the process.
  pool.on("error", () => undefined);
  const adapter = new PrismaPg(pool, names ? { statementNameGenerator: names } : undefined);
  const client = new PrismaClient({ adapter });
  attachDirectSql(client, pool, names, onDirectError);
  // Prisma ends only a pool it connected to; this one may have served direct statements alone.
  const disconnect = client.$disconnect.bind(client);
  client.$disconnect = async () => {
    await disconnect();
    if (!pool.ended) await pool.end();
  };
  return client;
}
