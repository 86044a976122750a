#!/usr/bin/env node
/**
 * Writes a new migration folder with the SQL that takes the migrations folder to the schema.
 * Usage: DATABASE_URL=... node dist/migration-diff-cli.js <name>
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { diffMigrationsToSchema, MIGRATIONS_DIR } from "./migrations";

async function main(): Promise<void> {
  const name = process.argv[2];
  const url = process.env.DATABASE_URL;
  if (!name || !/^[a-z0-9_]+$/.test(name) || !url) {
    process.stderr.write("usage: DATABASE_URL=... migration-diff <snake_case_name>\n");
    process.exit(2);
  }
  const sql = await diffMigrationsToSchema(url);
  if (!sql.trim() || sql.includes("empty migration")) {
    process.stdout.write("Schema and migrations agree; nothing to write\n");
    return;
  }
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "migration.sql"), sql);
  await writeFile(join(MIGRATIONS_DIR, "migration_lock.toml"), 'provider = "postgresql"\n');
  process.stdout.write(`Wrote ${dir}\n`);
}

// See migrate-cli.ts: the engine keeps the process alive after its work is done.
main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    process.stderr.write(`migration-diff failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
