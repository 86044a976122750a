/**
 * The environment of an isolated test stack: its own database and Redis prefix, a fast and
 * small scripted model, short waits. Callers override what their file needs.
 */
import { createTestDatabase, type TestDatabase } from "./test-database";
import { testRedisEnv, testRedisPrefix } from "./test-redis";

export interface IsolatedTestEnv {
  database: TestDatabase;
  prefix: string;
  env: Record<string, string>;
}

export async function createIsolatedTestEnv(label: string, overrides: Record<string, string> = {}): Promise<IsolatedTestEnv> {
  const database = await createTestDatabase(label);
  const prefix = testRedisPrefix(label);
  const env = {
    DATABASE_URL: database.url,
    // REDIS_CLUSTER_NODES too on the cluster pass, unless the file brings a Redis of its own.
    ...(overrides.REDIS_URL ? {} : testRedisEnv()),
    REDIS_PREFIX: prefix,
    LOG_LEVEL: "warn",
    SCRIPTED_DELAY_MS: "0",
    SCRIPTED_CONTENT_DELTAS: "8",
    SCRIPTED_REASONING_DELTAS: "2",
    RUN_BUSY_RETRY_MS: "50",
    SHUTDOWN_GRACE_MS: "5000",
    ...overrides,
  };
  return { database, prefix, env };
}
