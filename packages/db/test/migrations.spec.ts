/** The offline migrate command against a real, empty Postgres database. */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const name = `mix_migrate_${randomBytes(4).toString("hex")}`;
const migrationNames = readdirSync(join(__dirname, "..", "prisma", "migrations"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const url = Object.assign(new URL(ADMIN_URL), { pathname: `/${name}` }).toString();

function migrate(...args: string[]): string {
  return execFileSync(process.execPath, ["--disable-warning=ExperimentalWarning", join(__dirname, "..", "dist", "migrate-cli.js"), ...args], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
  });
}

async function query<T>(sql: string, connectionString = url): Promise<T[]> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

afterAll(() => query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`, ADMIN_URL));

it("creates the database, applies every migration, and records them as prisma migrate does", async () => {
  expect(migrate("--create-database")).toMatch(new RegExp(`Created database ${name}[\\s\\S]*Applied ${migrationNames.length} migration`));
  const tables = await query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
  expect(tables.map((row) => row.table_name)).toEqual([
    "ApiKey",
    "AuditEntry",
    "CreditEntry",
    "KnowledgeChunk",
    "KnowledgeDocument",
    "Member",
    "Message",
    "Part",
    "ProviderCredential",
    "Run",
    "Session",
    "UsageRecord",
    "Workspace",
    "WorkspacePreferences",
    "WorkspaceProfile",
    "_prisma_migrations",
  ]);
  const recorded = await query<{ migration_name: string; finished_at: Date | null }>(
    "SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name",
  );
  expect(recorded).toEqual(migrationNames.map((migration_name) => ({ migration_name, finished_at: expect.any(Date) })));
  expect(migrationNames[0]).toMatch(/^\d{14}_init$/);
});

it("is a no-op when the database is up to date", () => {
  expect(migrate()).toBe("Database is up to date\n");
});

it("fails with a clear message without DATABASE_URL", () => {
  const run = () =>
    execFileSync(process.execPath, [join(__dirname, "..", "dist", "migrate-cli.js")], { env: { PATH: process.env.PATH }, encoding: "utf8", stdio: "pipe" });
  expect(run).toThrow(/DATABASE_URL is not set/);
});
