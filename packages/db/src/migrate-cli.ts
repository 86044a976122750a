#!/usr/bin/env node
/**
 * `mix-migrate [--create-database]`: applies pending migrations to DATABASE_URL, offline;
 * with the flag, first creates the database when it does not exist.
 */
import { ensureDatabase } from "./create-database";
import { applyMigrations } from "./migrations";

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write("mix-migrate: DATABASE_URL is not set\n");
    process.exit(2);
  }
  if (process.argv.includes("--create-database") && (await ensureDatabase(url))) {
    process.stdout.write(`Created database ${new URL(url).pathname.slice(1)}\n`);
  }
  const applied = await applyMigrations(url);
  process.stdout.write(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}\n` : "Database is up to date\n");
}

// The WebAssembly engine leaves a timer behind that holds the process for ~10 s after the
// work is done and every connection is closed, so exit explicitly.
main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    process.stderr.write(`mix-migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
