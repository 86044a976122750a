/**
 * Names for Prisma's statements, so the pg driver sends them as named (prepared) statements:
 * Postgres then parses each distinct statement once per connection and, after its first few runs,
 * reuses a generic plan instead of planning it again on every run. Planning was most of what the
 * run path's short statements cost the server.
 *
 * One name per distinct SQL text, the same on every connection of the process. Only plain DML
 * and queries are named (a transaction's BEGIN or a script's DDL is sent as before). The names
 * are bounded: a statement whose text varies with its input (an `IN` list of N values, a
 * many-row insert) would otherwise leave one prepared statement per variant on every
 * connection, so statements with many parameters and those past the first MAX_NAMED distinct
 * texts go unnamed, planned on each run as before.
 */
import type { SqlQuery } from "@prisma/driver-adapter-utils";

/** Distinct statements named per process; the hot ones are among the first a process runs. */
const MAX_NAMED = 500;
/** More parameters than this: most likely a list whose length varies from call to call. */
const MAX_NAMED_ARGS = 32;
const NAMEABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;

/** One generator per client: Prisma's adapter and the direct statements (direct-sql.ts) share it, so a name never means two texts. */
export function preparedStatementNames(): (query: Pick<SqlQuery, "sql" | "args">) => string {
  const names = new Map<string, string>();
  // The adapter passes `undefined` on as "unnamed" (its type says string only).
  return (query) => {
    const known = names.get(query.sql);
    if (known !== undefined) return known;
    if (names.size >= MAX_NAMED || query.args.length > MAX_NAMED_ARGS || !NAMEABLE.test(query.sql)) return undefined as unknown as string;
    const name = `mix_${names.size + 1}`;
    names.set(query.sql, name);
    return name;
  };
}
