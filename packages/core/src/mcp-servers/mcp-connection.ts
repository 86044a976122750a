/**
 * One process's client connection to one MCP server: connected on first use, its tool list
 * cached until the server says it changed, and after a failure retried no sooner than an
 * exponential backoff allows (so a broken server costs a run nothing but a log line).
 * stdio servers are spawned with only the environment given in the file plus PATH: the
 * worker's own secrets (database URL, provider keys) never reach a third-party process.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { DEFAULT_INHERITED_ENV_VARS, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, McpError, ToolListChangedNotificationSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "../logging/logger";
import type { McpServerEntry, McpServerSpec } from "./mcp-servers-file";

export const MCP_BACKOFF_BASE_MS = 1_000;
export const MCP_BACKOFF_MAX_MS = 60_000;
const STDERR_TAIL_CHARS = 500;
// A server that pages forever must not keep a refresh busy.
const MAX_TOOL_PAGES = 20;

/** A tool as its server describes it. */
export interface McpServerTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments (type "object"). */
  inputSchema: Record<string, unknown>;
  /** From annotations.readOnlyHint; a tool that does not say is assumed to change things. */
  readOnly: boolean;
}

/** The server cannot be reached now; `message` says why (the last failure while backing off). */
export class McpUnavailableError extends Error {
  override name = "McpUnavailableError";
}

export interface McpConnectionOptions {
  logger: Logger;
  /** Bounds the initialize handshake and each tools/list request. */
  requestTimeoutMs: number;
}

export class McpConnection {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private toolList: Promise<McpServerTool[]> | null = null;
  private failures = 0;
  private retryAt = 0;
  private lastError = "";
  private stderrTail = "";
  private closed = false;

  constructor(
    readonly entry: McpServerEntry,
    private readonly spec: McpServerSpec,
    private readonly options: McpConnectionOptions,
  ) {}

  get connected(): boolean {
    return this.client !== null;
  }

  /** The server's tools; `retryNow` ignores the backoff and `fresh` asks the server again (the background check). */
  async tools({ retryNow = false, fresh = false } = {}): Promise<McpServerTool[]> {
    const client = await this.connect(retryNow);
    if (fresh || !this.toolList) this.toolList = this.fetchTools(client);
    const list = this.toolList;
    try {
      return await list;
    } catch (error) {
      if (this.toolList === list) this.toolList = null;
      await this.drop(client, error);
      throw new McpUnavailableError(this.lastError);
    }
  }

  /** Calls a tool; throws for a failure to reach the server, a timeout or an abort (not for a tool's own error). */
  async callTool(name: string, args: Record<string, unknown>, options: { signal: AbortSignal; timeoutMs: number }): Promise<CallToolResult> {
    const client = await this.connect(false);
    try {
      return (await client.callTool({ name, arguments: args }, undefined, {
        signal: options.signal,
        timeout: options.timeoutMs,
        maxTotalTimeout: options.timeoutMs,
        resetTimeoutOnProgress: true,
      })) as CallToolResult;
    } catch (error) {
      // A timeout or an error the server answered leaves the connection usable; anything else does not.
      const answered = error instanceof McpError && error.code !== ErrorCode.ConnectionClosed;
      if (!answered && !options.signal.aborted) await this.drop(client, error);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => null)) ?? null;
    this.client = null;
    await client?.close().catch(() => undefined);
  }

  private connect(retryNow: boolean): Promise<Client> {
    if (this.closed) return Promise.reject(new McpUnavailableError("the MCP connection is closed"));
    if (this.client) return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    if (!retryNow && Date.now() < this.retryAt) return Promise.reject(new McpUnavailableError(this.lastError));
    this.connecting = this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const client = new Client({ name: "mix-agent-backend", version: "1.0.0" });
    const transport = this.transport();
    this.stderrTail = "";
    try {
      await client.connect(transport, { timeout: this.options.requestTimeoutMs });
    } catch (error) {
      await client.close().catch(() => undefined);
      this.failed(error);
      throw new McpUnavailableError(this.lastError);
    }
    if (this.closed) {
      await client.close().catch(() => undefined);
      throw new McpUnavailableError("the MCP connection is closed");
    }
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      if (this.client === client) this.toolList = null;
    });
    client.onclose = () => {
      if (this.client !== client) return;
      this.client = null;
      this.toolList = null;
      if (!this.closed) this.failed(new Error("the server closed the connection"));
    };
    client.onerror = (error) => this.options.logger.debug({ err: error, server: this.entry.name }, "MCP transport error");
    this.client = client;
    this.failures = 0;
    this.lastError = "";
    this.options.logger.info({ server: this.entry.name, transport: this.spec.transport }, "MCP server connected");
    return client;
  }

  private transport(): Transport {
    if (this.spec.transport === "http") {
      return new StreamableHTTPClientTransport(new URL(this.spec.url), { requestInit: { headers: this.spec.headers } });
    }
    const transport = new StdioClientTransport({
      command: this.spec.command,
      args: this.spec.args,
      env: childEnvironment(this.spec.env),
      cwd: this.spec.cwd,
      stderr: "pipe",
    });
    // Drained so a chatty server never blocks on a full pipe; the tail explains a failed start.
    transport.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
      this.options.logger.debug({ server: this.entry.name, stderr: text }, "MCP server stderr");
    });
    return transport;
  }

  private async fetchTools(client: Client): Promise<McpServerTool[]> {
    const tools: McpServerTool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const result = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.options.requestTimeoutMs });
      for (const tool of result.tools) {
        // Tools that only run as tasks need the experimental task API; the agent cannot call them.
        if (tool.execution?.taskSupport === "required") continue;
        tools.push({
          name: tool.name,
          description: tool.description ?? tool.title ?? "",
          inputSchema: tool.inputSchema as Record<string, unknown>,
          readOnly: tool.annotations?.readOnlyHint === true,
        });
      }
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return tools;
  }

  /** Forgets a connection that failed, so the next use reconnects (after the backoff). */
  private async drop(client: Client, error: unknown): Promise<void> {
    if (this.client === client) {
      this.client = null;
      this.toolList = null;
      this.failed(error);
    }
    await client.close().catch(() => undefined);
  }

  private failed(error: unknown): void {
    this.failures++;
    this.retryAt = Date.now() + Math.min(MCP_BACKOFF_BASE_MS * 2 ** (this.failures - 1), MCP_BACKOFF_MAX_MS);
    const stderr = this.stderrTail.trim().split("\n").at(-1);
    this.lastError = `${(error as Error)?.message ?? String(error)}${stderr ? ` (stderr: ${stderr})` : ""}`;
    this.options.logger.warn({ server: this.entry.name, failures: this.failures, error: this.lastError }, "MCP server unavailable");
  }
}

/**
 * PATH and the file's variables, nothing else. The SDK adds HOME, USER, SHELL... by default;
 * naming them undefined keeps them out, as Node leaves undefined entries out of a child's env.
 */
function childEnvironment(env: Record<string, string>): Record<string, string> {
  const cleared = Object.fromEntries(DEFAULT_INHERITED_ENV_VARS.map((name) => [name, undefined]));
  return { ...cleared, ...(process.env.PATH ? { PATH: process.env.PATH } : {}), ...env } as Record<string, string>;
}
