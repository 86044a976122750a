/**
 * What `GET /api/mcp` answers, and the Redis cache it is read from. The cache is one hash of
 * server checks by fingerprint, replaced whole by each background refresh and expiring when no
 * refresh has run for a few periods (no worker left), so an API instance never starts a server
 * and every instance answers the same.
 */
import type { RedisClient } from "../redis/connection";
import { z } from "zod";
import type { RedisKeys } from "../redis/keys";
import type { McpServerCheck } from "./mcp-tool-source";

export const McpServerToolSummary = z.object({
  name: z.string().describe("Tool name, as the server names it (the agent calls it `<server>_<tool>`)"),
  description: z.string().describe("Tool description"),
});

export const McpServerStatus = z.object({
  name: z.string().describe("MCP server name"),
  connected: z.boolean().describe("Whether the MCP server is currently connected"),
  status: z
    .enum(["connected", "failed", "disconnected"])
    .describe("`connected`; `failed` (the last check could not reach it, see `error`); `disconnected` (not checked yet)"),
  tools: z.array(McpServerToolSummary).nullable().describe("List of tools provided by this MCP server (null if server is not connected)"),
  transport: z.enum(["stdio", "http"]).describe("How the server is reached: a spawned process or Streamable HTTP"),
  error: z.string().optional().describe("Why the last check failed"),
  checkedAt: z.string().nullable().describe("When the server was last checked (ISO 8601), null before the first check"),
});
export type McpServerStatus = z.infer<typeof McpServerStatus>;

export const McpServersResponse = z.array(McpServerStatus);
export type McpServersResponse = z.infer<typeof McpServersResponse>;

const CachedCheck = z.union([
  z.object({ connected: z.literal(true), tools: z.array(McpServerToolSummary), checkedAt: z.string() }),
  z.object({ connected: z.literal(false), error: z.string(), checkedAt: z.string() }),
]);

export class McpStatusCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    /** How long checks outlive the last refresh: a few refresh periods. */
    private readonly ttlSeconds: number,
  ) {}

  /** The TTL for a refresh period: three periods, so one late or failed refresh changes nothing. */
  static ttlFor(refreshMs: number): number {
    return Math.ceil((3 * refreshMs) / 1000) + 30;
  }

  /** Replaces every check at once, so servers gone from the file leave with them. */
  async replace(checks: ReadonlyMap<string, McpServerCheck>): Promise<void> {
    const key = this.keys.mcpServerChecks();
    const multi = this.redis.multi().del(key);
    if (checks.size > 0) {
      multi.hset(key, Object.fromEntries([...checks].map(([fingerprint, check]) => [fingerprint, JSON.stringify(check)])));
      multi.expire(key, this.ttlSeconds);
    }
    await multi.exec();
  }

  /** The checks of these fingerprints, null where there is none (not checked yet, or unreadable). */
  async read(fingerprints: readonly string[]): Promise<(McpServerCheck | null)[]> {
    if (fingerprints.length === 0) return [];
    const values = await this.redis.hmget(this.keys.mcpServerChecks(), ...fingerprints);
    return values.map((value) => {
      if (value === null) return null;
      try {
        const parsed = CachedCheck.safeParse(JSON.parse(value));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    });
  }
}
