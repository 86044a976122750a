/** Creates Prisma clients on the pg driver adapter (no native query engine needed). */
import { PrismaPg } from "@prisma/adapter-pg";
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
}

export function createPrismaClient({ url, poolSize = 10, preparedStatements = true }: DatabaseOptions): PrismaClient {
  const target = withoutPoolerMarker(url);
  const named = preparedStatements && !target.pooler;
  const adapter = new PrismaPg({ connectionString: target.url, max: poolSize }, named ? { statementNameGenerator: preparedStatementNames() } : undefined);
  return new PrismaClient({ adapter });
}
