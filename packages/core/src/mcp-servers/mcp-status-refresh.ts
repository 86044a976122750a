/**
 * The background refresh behind `GET /api/mcp`: checks every configured server (connecting if
 * need be, listing its tools afresh) and replaces the cached checks. Run by the maintenance
 * worker's repeatable job every MCP_REFRESH_MS, so one worker at a time does it.
 */
import type { Logger } from "../logging/logger";
import type { McpStatusCache } from "./mcp-status";
import type { McpServerCheck, McpToolSource } from "./mcp-tool-source";

export interface McpRefreshOutcome {
  checked: number;
  connected: number;
}

export async function refreshMcpServerStatus(deps: { source: McpToolSource; cache: McpStatusCache; logger: Logger }): Promise<McpRefreshOutcome> {
  const entries = deps.source.catalog.distinct();
  const checks = await Promise.all(entries.map((entry) => deps.source.check(entry)));
  const byFingerprint = new Map<string, McpServerCheck>(entries.map((entry, i) => [entry.fingerprint, checks[i]!]));
  await deps.cache.replace(byFingerprint);
  const outcome = { checked: checks.length, connected: checks.filter((check) => check.connected).length };
  deps.logger.debug(outcome, "MCP servers checked");
  return outcome;
}
