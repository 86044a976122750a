/** Prisma's statements go to Postgres as named (prepared) statements, once per connection, within bounds. */
import { createPrismaClient } from "../src/client";
import { preparedStatementNames } from "../src/statement-names";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const query = (sql: string, args: unknown[] = []) => ({ sql, args, argTypes: [] }) as unknown as Parameters<ReturnType<typeof preparedStatementNames>>[0];

it("names each distinct query once, and leaves transaction control, DDL and long parameter lists unnamed", () => {
  const name = preparedStatementNames();
  const first = name(query("SELECT 1 WHERE $1 = 1", [1]));
  expect(first).toMatch(/^mix_\d+$/);
  expect(name(query("SELECT 1 WHERE $1 = 1", [2]))).toBe(first);
  expect(name(query('UPDATE "Run" SET status = $1', ["running"]))).not.toBe(first);
  expect(name(query("BEGIN"))).toBeUndefined();
  expect(name(query('CREATE TABLE "x" (id int)'))).toBeUndefined();
  expect(
    name(
      query(
        "SELECT 1 WHERE id IN ($1)",
        Array.from({ length: 40 }, (_, i) => i),
      ),
    ),
  ).toBeUndefined();
});

it("stops naming new statements past its bound, and keeps the names it gave", () => {
  const name = preparedStatementNames();
  const kept = name(query("SELECT 0"));
  for (let i = 1; i < 500; i++) name(query(`SELECT ${i}`));
  expect(name(query("SELECT 'one too many'"))).toBeUndefined();
  expect(name(query("SELECT 0"))).toBe(kept);
});

async function preparedOn(url: string): Promise<string[]> {
  // One connection: prepared statements belong to the session that prepared them.
  const prisma = createPrismaClient({ url, poolSize: 1 });
  try {
    for (const n of [1, 2, 3]) expect(await prisma.$queryRaw<{ v: number }[]>`SELECT ${n}::int + 1 AS v`).toEqual([{ v: n + 1 }]);
    const rows = await prisma.$queryRaw<{ statement: string }[]>`SELECT statement FROM pg_prepared_statements WHERE name LIKE 'mix\\_%'`;
    return rows.map((row) => row.statement);
  } finally {
    await prisma.$disconnect();
  }
}

it("prepares a query once per connection and runs it again by name", async () => {
  const statements = await preparedOn(ADMIN_URL);
  expect(statements.filter((text) => text.includes("::int + 1 AS v"))).toHaveLength(1);
});

it("prepares nothing behind a transaction pooler (pgbouncer=true), and does not pass the marker to Postgres", async () => {
  const url = new URL(ADMIN_URL);
  url.searchParams.set("pgbouncer", "true");
  expect(await preparedOn(url.toString())).toEqual([]);
});
