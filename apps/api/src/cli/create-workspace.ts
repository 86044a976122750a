#!/usr/bin/env node
/**
 * Creates a workspace and prints its API key (shown once; only its hash is stored).
 * Usage: node dist/cli/create-workspace.js [name]
 */
import { ConfigError, createWorkspaceWithKey, loadConfig } from "@mix/core";

async function main(): Promise<void> {
  const name = (process.argv[2] ?? "default").trim();
  if (!name || name.length > 200) throw new Error("workspace name must be 1 to 200 characters");
  const { workspaceId, apiKey } = await createWorkspaceWithKey(loadConfig(), name);
  process.stderr.write(`Created workspace "${name}" (${workspaceId}). Its API key, shown only now:\n`);
  process.stdout.write(`${apiKey}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`create-workspace failed: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
