/** A real sandbox for tests: the configured default driver (bubblewrap) with the given settings over the defaults. */
import { loadConfig } from "../../src/config/config";
import { createLogger } from "../../src/logging/logger";
import { createSandbox } from "../../src/sandbox/create-sandbox";
import type { Sandbox } from "../../src/sandbox/sandbox";

export function testSandbox(storageRoot: string, env: Record<string, string> = {}, overrides: Parameters<typeof createSandbox>[2] = {}): Sandbox {
  // Only the sandbox's settings matter here; the database URL is never used.
  const config = loadConfig({ DATABASE_URL: "postgresql://unused@127.0.0.1:5432/unused", STORAGE_DIR: storageRoot, ...env });
  return createSandbox(config, createLogger("test-sandbox", "warn"), overrides);
}
