/**
 * Applies the standard `prisma/migrations` folder with Prisma's own schema engine compiled to
 * WebAssembly, so migrating needs no native engine download (these machines are offline).
 * The result is recorded in `_prisma_migrations` exactly as `prisma migrate deploy` does.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { Pool } from "pg";

export const MIGRATIONS_DIR = resolve(__dirname, "..", "prisma", "migrations");
export const SCHEMA_PATH = resolve(__dirname, "..", "prisma", "schema.prisma");

const NO_FILTERS = { externalTables: [], externalEnums: [] };

// The engine is an ES module with a WebAssembly import; load it lazily from this CommonJS file.
type SchemaEngineModule = typeof import("@prisma/schema-engine-wasm");
const loadEngineModule = () => import("@prisma/schema-engine-wasm") as Promise<SchemaEngineModule>;

type SchemaEngine = import("@prisma/schema-engine-wasm").SchemaEngine;

/** Runs `work` on an engine over a pool we own, so both are released when it is done. */
async function withEngine<T>(connectionString: string, withSchema: boolean, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  const datamodels: [string, string][] | undefined = withSchema ? [[SCHEMA_PATH, await readFile(SCHEMA_PATH, "utf8")]] : undefined;
  const pool = new Pool({ connectionString, max: 2 });
  try {
    const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
    const engine = await SchemaEngine.new({ datamodels }, () => undefined, adapter);
    try {
      return await work(engine);
    } finally {
      engine.free();
    }
  } finally {
    await pool.end();
  }
}

async function loadMigrationList(dir: string) {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: await readFile(join(dir, name, "migration.sql"), "utf8") },
      },
    })),
  );
  const lockPath = join(dir, "migration_lock.toml");
  const lockContent = await readFile(lockPath, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

/** Applies every pending migration; returns the names applied (empty when up to date). */
export async function applyMigrations(connectionString: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrationsList = await loadMigrationList(dir);
  return withEngine(connectionString, false, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return appliedMigrationNames;
  });
}

/** SQL that takes the database described by the migrations folder to the current schema. */
export async function diffMigrationsToSchema(connectionString: string, dir = MIGRATIONS_DIR): Promise<string> {
  const schema = await readFile(SCHEMA_PATH, "utf8");
  const migrationsList = await loadMigrationList(dir);
  const from = migrationsList.migrationDirectories.length === 0 ? ({ tag: "empty" } as const) : ({ tag: "migrations", ...migrationsList } as const);
  const result = await withEngine(connectionString, true, (engine) =>
    engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    }),
  );
  return result.stdout ?? "";
}
