/** Statements sent past Prisma on its own pool: through its extensions, named alike, dates in UTC, failures reported. */
import { createPrismaClient } from "../src/client";
import { directSql } from "../src/direct-sql";
import { Prisma, type PrismaClient } from "../src/generated/client";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const passThrough = (prisma: PrismaClient) => prisma.$extends({ query: { $allOperations: ({ args, query }) => query(args) } }) as unknown as PrismaClient;

it("is reached through the client's $extends layers, and refuses a client made elsewhere", async () => {
  const prisma = createPrismaClient({ url: ADMIN_URL, poolSize: 1 });
  try {
    const extended = passThrough(passThrough(prisma));
    expect(
      await directSql(extended).query<{ v: number; j: { a: number[] }; b: boolean }>(
        Prisma.sql`SELECT ${41}::int + 1 AS v, '{"a":[1]}'::json AS j, ${true}::boolean AS b`,
      ),
    ).toEqual([{ v: 42, j: { a: [1] }, b: true }]);
    expect(await directSql(extended).execute(Prisma.sql`SELECT generate_series(1, ${3}::int)`)).toBe(3);
  } finally {
    await prisma.$disconnect();
  }
  expect(() => directSql({} as PrismaClient)).toThrow(/not made by createPrismaClient/);
});

it("shares the client's statement names: the same text sent either way is prepared once per connection", async () => {
  const prisma = createPrismaClient({ url: ADMIN_URL, poolSize: 1 });
  try {
    const statement = (n: number) => Prisma.sql`SELECT ${n}::int * 2 AS doubled`;
    for (const n of [1, 2]) {
      expect(await directSql(prisma).query(statement(n))).toEqual([{ doubled: 2 * n }]);
      expect(await prisma.$queryRaw(statement(n))).toEqual([{ doubled: 2 * n }]);
    }
    const prepared = await prisma.$queryRaw<{ statement: string }[]>`SELECT statement FROM pg_prepared_statements WHERE name LIKE 'mix\\_%'`;
    expect(prepared.filter((row) => row.statement.includes("::int * 2 AS doubled"))).toHaveLength(1);
  } finally {
    await prisma.$disconnect();
  }
});

it("sends a Date as UTC whatever the process's time zone, as Prisma does", async () => {
  const zone = process.env.TZ;
  process.env.TZ = "America/New_York";
  const prisma = createPrismaClient({ url: ADMIN_URL, poolSize: 1 });
  try {
    const at = new Date("2026-12-04T01:30:15.250Z");
    const [direct] = await directSql(prisma).query<{ text: string }>(Prisma.sql`SELECT (${at}::timestamp(3))::text AS text`);
    const [viaPrisma] = await prisma.$queryRaw<{ text: string }[]>(Prisma.sql`SELECT (${at}::timestamp(3))::text AS text`);
    expect(direct!.text).toBe("2026-12-04 01:30:15.25");
    expect(viaPrisma!.text).toBe(direct!.text);
  } finally {
    process.env.TZ = zone;
    await prisma.$disconnect();
  }
});

it("reports a failed statement to onDirectError and rethrows it", async () => {
  const failures: unknown[] = [];
  const prisma = createPrismaClient({ url: ADMIN_URL, poolSize: 1, onDirectError: (error) => failures.push(error) });
  try {
    await expect(directSql(prisma).query(Prisma.sql`SELECT * FROM "no such table"`)).rejects.toMatchObject({ code: "42P01" });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ code: "42P01" });
    // The connection is still good.
    expect(await directSql(prisma).query(Prisma.sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
  } finally {
    await prisma.$disconnect();
  }
});

it("names nothing behind a transaction pooler (pgbouncer=true)", async () => {
  const url = new URL(ADMIN_URL);
  url.searchParams.set("pgbouncer", "true");
  const prisma = createPrismaClient({ url: url.toString(), poolSize: 1 });
  try {
    expect(await directSql(prisma).query(Prisma.sql`SELECT ${5}::int + 1 AS v`)).toEqual([{ v: 6 }]);
    expect(await directSql(prisma).query(Prisma.sql`SELECT count(*)::int AS n FROM pg_prepared_statements`)).toEqual([{ n: 0 }]);
  } finally {
    await prisma.$disconnect();
  }
});

it("ends the pool on $disconnect, through the extensions too, whether or not Prisma itself ever connected", async () => {
  for (const usePrisma of [false, true]) {
    const prisma = createPrismaClient({ url: ADMIN_URL, poolSize: 1 });
    await directSql(prisma).query(Prisma.sql`SELECT 1 AS one`);
    if (usePrisma) await prisma.$queryRaw`SELECT 2 AS two`;
    await passThrough(prisma).$disconnect();
    await expect(directSql(prisma).query(Prisma.sql`SELECT 1 AS one`)).rejects.toThrow(/after calling end/);
  }
});
