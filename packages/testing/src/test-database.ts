/**
 * A database of its own for each test file, cloned from a template that is migrated once per
 * migrations version (the template's name carries a hash of the migration files). Cloning
 * takes a few tens of milliseconds; migrating every file would take far longer.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DB_PACKAGE_DIR = join(__dirname, "..", "..", "db");
const MIGRATIONS_DIR = join(DB_PACKAGE_DIR, "prisma", "migrations");
const TEMPLATE_LOCK = 727_001;

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

function migrationsHash(): string {
  const hash = createHash("sha256");
  for (const dir of readdirSync(MIGRATIONS_DIR).sort()) {
    if (dir.endsWith(".toml")) continue;
    hash.update(dir).update(readFileSync(join(MIGRATIONS_DIR, dir, "migration.sql")));
  }
  return hash.digest("hex").slice(0, 12);
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function ensureTemplate(client: Client): Promise<string> {
  const template = `mix_tpl_${migrationsHash()}`;
  await client.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK]);
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_building`;
      await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${building}"`);
      // The real migrate command, in its own process (its engine is an ES/WebAssembly module).
      execFileSync(process.execPath, ["--disable-warning=ExperimentalWarning", join(DB_PACKAGE_DIR, "dist", "migrate-cli.js")], {
        env: { ...process.env, DATABASE_URL: urlFor(building) },
        stdio: "pipe",
      });
      await client.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    }
    return template;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK]);
  }
}

export async function createTestDatabase(label = "t"): Promise<TestDatabase> {
  const name = `mix_${label
    .replace(/[^a-z0-9]/gi, "")
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(5).toString("hex")}`;
  await withAdmin(async (client) => {
    const template = await ensureTemplate(client);
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  });
  return {
    url: urlFor(name),
    name,
    drop: () => withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
