/**
 * The configured MCP servers' tools, for the agent of a workspace. One connection per server
 * per process, opened on first use and kept; a server that is down is left out of the list
 * (and retried after a backoff) rather than failing the run.
 */
import type { Config } from "../config/config";
import type { Logger } from "../logging/logger";
import type { Tool } from "../tools/tool";
import { McpConnection, type McpServerTool } from "./mcp-connection";
import { McpServerCatalog, resolveMcpServerSpec, type McpServerEntry } from "./mcp-servers-file";
import { agentToolNames } from "./mcp-tool-names";
import { MCP_MAX_OUTPUT_CHARS, mcpTool, type McpToolLimits } from "./mcp-tool";

export const MCP_CALL_TIMEOUT_MS = 120_000;
export const MCP_REQUEST_TIMEOUT_MS = 15_000;
// A failure's message is shown by GET /api/mcp; a server's error page must not flood it.
const CHECK_ERROR_MAX_CHARS = 500;

/** One server's state as the background check found it. */
export type McpServerCheck =
  { connected: true; tools: { name: string; description: string }[]; checkedAt: string } | { connected: false; error: string; checkedAt: string };

export interface McpToolSourceDeps {
  config: Config;
  logger: Logger;
  /** Default: read from config.MCP_SERVERS_FILE. */
  catalog?: McpServerCatalog;
  /** Where `${VAR}`s in the file are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** A tool call's time limit (default MCP_CALL_TIMEOUT_MS). */
  callTimeoutMs?: number;
  /** The limit of connecting and of listing tools (default MCP_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
  maxOutputChars?: number;
}

export class McpToolSource {
  readonly catalog: McpServerCatalog;
  private readonly connections = new Map<string, McpConnection>();
  private readonly limits: McpToolLimits;
  private readonly logger: Logger;

  /** Throws a ConfigError for a bad file or an unset `${VAR}`, so a worker fails at startup, not at its first run. */
  constructor(deps: McpToolSourceDeps) {
    this.catalog = deps.catalog ?? McpServerCatalog.load(deps.config.MCP_SERVERS_FILE);
    this.logger = deps.logger;
    this.limits = { callTimeoutMs: deps.callTimeoutMs ?? MCP_CALL_TIMEOUT_MS, maxOutputChars: deps.maxOutputChars ?? MCP_MAX_OUTPUT_CHARS };
    const requestTimeoutMs = deps.requestTimeoutMs ?? MCP_REQUEST_TIMEOUT_MS;
    for (const entry of this.catalog.distinct()) {
      const spec = resolveMcpServerSpec(entry, deps.env);
      this.connections.set(entry.fingerprint, new McpConnection(entry, spec, { logger: deps.logger, requestTimeoutMs }));
    }
  }

  /** The workspace's MCP tools, named `<server>_<tool>`; servers that cannot be reached now contribute none. */
  async tools(workspaceId: string): Promise<Tool[]> {
    const entries = this.catalog.forWorkspace(workspaceId);
    if (entries.length === 0) return [];
    const listed = await Promise.all(entries.map((entry) => this.listTools(entry)));
    const names = agentToolNames(entries.map((entry, i) => ({ server: entry.name, tools: listed[i]!.map((tool) => tool.name) })));
    return entries.flatMap((entry, i) => listed[i]!.map((tool, j) => mcpTool(names[i]![j]!, this.connection(entry), tool, this.limits)));
  }

  /** Connects now if need be (ignoring any backoff) and asks the server for its tools afresh. */
  async check(entry: McpServerEntry): Promise<McpServerCheck> {
    const checkedAt = () => new Date().toISOString();
    try {
      const tools = await this.connection(entry).tools({ retryNow: true, fresh: true });
      return { connected: true, tools: tools.map(({ name, description }) => ({ name, description })), checkedAt: checkedAt() };
    } catch (error) {
      return { connected: false, error: (error as Error).message.slice(0, CHECK_ERROR_MAX_CHARS), checkedAt: checkedAt() };
    }
  }

  /** Closes every connection (stdio servers are stopped). */
  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((connection) => connection.close()));
  }

  private async listTools(entry: McpServerEntry): Promise<McpServerTool[]> {
    try {
      return await this.connection(entry).tools();
    } catch (error) {
      // The connection already logged the failure itself; this only says what the run lost.
      this.logger.debug({ server: entry.name, err: error }, "MCP server's tools left out");
      return [];
    }
  }

  private connection(entry: McpServerEntry): McpConnection {
    const connection = this.connections.get(entry.fingerprint);
    if (!connection) throw new Error(`MCP server ${entry.name} is not in this source's catalog`);
    return connection;
  }
}
