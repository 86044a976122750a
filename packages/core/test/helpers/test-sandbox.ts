/** A real sandbox for tests: the configured default driver (bubblewrap) with the given settings over the defaults. */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config/config";
import { createLogger } from "../../src/logging/logger";
import { ConfinedParser, PARSING_DIR, sandboxParserRunner } from "../../src/parsing/confined-parser";
import { createSandbox } from "../../src/sandbox/create-sandbox";
import type { Sandbox } from "../../src/sandbox/sandbox";

// Only the sandbox's settings matter here; the database URL is never used.
const sandboxConfig = (storageRoot: string, env: Record<string, string>) =>
  loadConfig({ DATABASE_URL: "postgresql://unused@127.0.0.1:5432/unused", STORAGE_DIR: storageRoot, ...env });

export function testSandbox(storageRoot: string, env: Record<string, string> = {}, overrides: Parameters<typeof createSandbox>[2] = {}): Sandbox {
  return createSandbox(sandboxConfig(storageRoot, env), createLogger("test-sandbox", "warn"), overrides);
}

/** Parsers in this process's own sandbox (what a worker runs a parser job in), scratch folders under `storageRoot`. */
export function testParser(storageRoot: string, env: Record<string, string> = {}): ConfinedParser {
  return new ConfinedParser(sandboxParserRunner(testSandbox(storageRoot, env)), path.join(storageRoot, PARSING_DIR), createLogger("test-parser", "warn"));
}

/** A storage root of its own that the sandbox user can pass through (as STORAGE_DIR must be), the parser over it, and their removal. */
export async function testParserStorage(label: string): Promise<{ root: string; parser: ConfinedParser; cleanup(): Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), `mix-${label}-`));
  await chmod(root, 0o711);
  const parser = testParser(root);
  return {
    root,
    parser,
    async cleanup() {
      await parser.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
