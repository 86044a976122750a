/**
 * A few hot statements sent straight to the Prisma client's own pg pool: a `$queryRaw` spends
 * about 0.1 ms of CPU in Prisma's query machinery (its interpreter, two query extensions, result
 * mapping) on top of the driver's work, which on the run path's three statements per run was
 * 7 % of a process's CPU. The pool and the statement names are the client's (client.ts), so a
 * statement is prepared once per connection whichever way it is sent.
 *
 * Results come back as pg parses them, not as Prisma maps them: text, booleans, integers and
 * json (parsed) are alike; timestamps, bigints and numerics are not, so a statement sent here
 * returns those as text or inside JSON. Dates sent as parameters go as UTC, as Prisma sends them.
 * Not for a statement inside an interactive transaction: it would run outside it.
 */
import type { Pool } from "pg";
import type { Prisma, PrismaClient } from "./generated/client";
import type { preparedStatementNames } from "./statement-names";

const DIRECT_SQL = Symbol("mix.directSql");

/** Statement names, from the generator the Prisma adapter uses (statement-names.ts); undefined: unnamed. */
export type StatementNames = ReturnType<typeof preparedStatementNames>;

export interface DirectSql {
  /** The rows the statement returns. */
  query<T>(statement: Prisma.Sql): Promise<T[]>;
  /** How many rows the statement changed. */
  execute(statement: Prisma.Sql): Promise<number>;
}

class PoolStatements implements DirectSql {
  constructor(
    private readonly pool: Pool,
    private readonly names: StatementNames | undefined,
    private readonly onError: ((error: unknown) => void) | undefined,
  ) {}

  async query<T>(statement: Prisma.Sql): Promise<T[]> {
    return (await this.send(statement)).rows as T[];
  }

  async execute(statement: Prisma.Sql): Promise<number> {
    return (await this.send(statement)).rowCount ?? 0;
  }

  private async send(statement: Prisma.Sql) {
    const text = statement.text;
    const values = statement.values.map(toParameter);
    const name = this.names?.({ sql: text, args: values });
    try {
      return await this.pool.query(name ? { name, text, values } : { text, values });
    } catch (error) {
      this.onError?.(error);
      throw error;
    }
  }
}

/** pg would send a Date in the process's time zone; the columns are UTC (Prisma's `timestamp(3)`). */
function toParameter(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  return value;
}

export function attachDirectSql(client: PrismaClient, pool: Pool, names: StatementNames | undefined, onError?: (error: unknown) => void): void {
  Object.defineProperty(client, DIRECT_SQL, { value: new PoolStatements(pool, names, onError) });
}

/** The direct statements of a client made by createPrismaClient, also through its `$extends` layers. */
export function directSql(prisma: PrismaClient): DirectSql {
  const statements = (prisma as unknown as Record<symbol, DirectSql | undefined>)[DIRECT_SQL];
  if (!statements) throw new Error("This Prisma client was not made by createPrismaClient: it has no direct statements");
  return statements;
}
