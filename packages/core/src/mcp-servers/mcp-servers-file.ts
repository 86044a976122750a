/**
 * The MCP servers file (MCP_SERVERS_FILE), in the format MCP clients such as Claude Desktop
 * and Cursor use, plus an optional per-workspace section merged over the global list:
 *
 *   { "mcpServers": { "<name>": { "command": "...", "args": [], "env": {} } | { "url": "https://...", "headers": {} } },
 *     "workspaces": { "<workspaceId>": { "mcpServers": { ... } } } }
 *
 * A workspace's entry replaces the global entry of the same name; `"disabled": true` turns a
 * server off (for that workspace when it is in its section). `${VAR}` and `${VAR:-default}` in
 * strings are read from the environment of the process that starts the servers (the worker), so
 * secrets need not sit in the file and API instances need none of them.
 * The file is read once at startup: a missing, unreadable or invalid file is a ConfigError.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError } from "../config/config";
import { describeZodError } from "../errors/zod-message";

export type McpServerSpec =
  | { transport: "stdio"; command: string; args: string[]; env: Record<string, string>; cwd?: string }
  | { transport: "http"; url: string; headers: Record<string, string> };

export interface McpServerEntry {
  /** The name in the file (the agent's tool names start with its sanitized form). */
  name: string;
  transport: McpServerSpec["transport"];
  /**
   * Identifies the entry as written (before `${VAR}` expansion, so an API instance that lacks
   * the servers' secrets computes the same one as the worker): the same server under several
   * workspaces shares one connection and one cached status.
   */
  fingerprint: string;
  /** The entry as validated; `resolveMcpServerSpec` expands its variables. */
  readonly raw: McpServerFileEntry;
}

const ServerEntrySchema = z
  .object({
    type: z.enum(["stdio", "http", "streamable-http", "sse"]).optional(),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().min(1).optional(),
    url: z.string().min(1).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    disabled: z.boolean().optional(),
  })
  .superRefine((entry, ctx) => {
    if (entry.disabled) return;
    if (entry.type === "sse") ctx.addIssue({ code: "custom", message: "the SSE transport is not supported; use Streamable HTTP (a url)" });
    else if (entry.command && entry.url) ctx.addIssue({ code: "custom", message: "has both command and url; give one" });
    else if (!entry.command && !entry.url) ctx.addIssue({ code: "custom", message: "needs a command (stdio) or a url (Streamable HTTP)" });
    else if (entry.type === "stdio" && !entry.command) ctx.addIssue({ code: "custom", message: 'type "stdio" needs a command' });
    else if (entry.type && entry.type !== "stdio" && !entry.url) ctx.addIssue({ code: "custom", message: `type "${entry.type}" needs a url` });
    else if (entry.url && !entry.url.includes("${") && !isHttpUrl(entry.url))
      ctx.addIssue({ code: "custom", message: `url must be an http(s) URL, got "${entry.url}"` });
  });

const isHttpUrl = (url: string) => /^https?:\/\//i.test(url) && URL.canParse(url);

const ServersSchema = z.record(z.string(), ServerEntrySchema).refine((servers) => !("" in servers), "server names must not be empty");

export const McpServersFileSchema = z.object({
  mcpServers: ServersSchema.default({}),
  workspaces: z.record(z.string().min(1), z.object({ mcpServers: ServersSchema.default({}) })).default({}),
});
export type McpServerFileEntry = z.infer<typeof ServerEntrySchema>;

/** The servers each workspace may use, read from the file once. */
export class McpServerCatalog {
  private constructor(
    private readonly global: ReadonlyMap<string, McpServerEntry | null>,
    private readonly perWorkspace: ReadonlyMap<string, ReadonlyMap<string, McpServerEntry | null>>,
  ) {}

  static readonly EMPTY = new McpServerCatalog(new Map(), new Map());

  /** The catalog from MCP_SERVERS_FILE, or an empty one when none is configured. */
  static load(file: string | undefined): McpServerCatalog {
    if (!file) return McpServerCatalog.EMPTY;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new ConfigError(`MCP_SERVERS_FILE: cannot read ${file}: ${(error as Error).message}`);
    }
    return McpServerCatalog.parse(text, file);
  }

  /** Parses the file's text; `source` names it in errors. */
  static parse(text: string, source?: string): McpServerCatalog {
    const fail = (problem: string) => new ConfigError(`MCP_SERVERS_FILE${source ? ` (${source})` : ""}: ${problem}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw fail(`not valid JSON: ${(error as Error).message}`);
    }
    const parsed = McpServersFileSchema.safeParse(json);
    if (!parsed.success) throw fail(describeZodError(parsed.error));
    const entries = (servers: Record<string, McpServerFileEntry>) => {
      const map = new Map<string, McpServerEntry | null>();
      for (const [name, entry] of Object.entries(servers)) {
        map.set(name, entry.disabled ? null : toEntry(name, entry));
      }
      return map;
    };
    const workspaces = new Map(Object.entries(parsed.data.workspaces).map(([id, section]) => [id, entries(section.mcpServers)]));
    return new McpServerCatalog(entries(parsed.data.mcpServers), workspaces);
  }

  /** Whether any server is configured at all (globally or for some workspace). */
  get isEmpty(): boolean {
    return this.distinct().length === 0;
  }

  /** The workspace's servers: the global ones in file order, overridden or added by its own section. */
  forWorkspace(workspaceId: string): McpServerEntry[] {
    const merged = new Map(this.global);
    for (const [name, entry] of this.perWorkspace.get(workspaceId) ?? []) merged.set(name, entry);
    return [...merged.values()].filter((entry): entry is McpServerEntry => entry !== null);
  }

  /** Every configured server once (by fingerprint), for the background refresh. */
  distinct(): McpServerEntry[] {
    const byFingerprint = new Map<string, McpServerEntry>();
    for (const map of [this.global, ...this.perWorkspace.values()]) {
      for (const entry of map.values()) if (entry && !byFingerprint.has(entry.fingerprint)) byFingerprint.set(entry.fingerprint, entry);
    }
    return [...byFingerprint.values()];
  }
}

function toEntry(name: string, raw: McpServerFileEntry): McpServerEntry {
  // The name is part of the fingerprint: two names for one command are two servers to the user.
  const fingerprint = createHash("sha256").update(stableJson({ name, raw })).digest("hex").slice(0, 32);
  return { name, transport: raw.command ? "stdio" : "http", fingerprint, raw };
}

/**
 * The spec to connect with, `${VAR}`s expanded from `env`. Throws a ConfigError naming the
 * server for an unset variable or a URL that is not http(s).
 */
export function resolveMcpServerSpec(entry: McpServerEntry, env: NodeJS.ProcessEnv = process.env): McpServerSpec {
  const { raw } = entry;
  try {
    const expand = (value: string) => expandVariables(value, env);
    const expandAll = (record: Record<string, string> = {}) => Object.fromEntries(Object.entries(record).map(([key, value]) => [key, expand(value)]));
    if (raw.command) {
      const spec: McpServerSpec = { transport: "stdio", command: expand(raw.command), args: (raw.args ?? []).map(expand), env: expandAll(raw.env) };
      if (raw.cwd) spec.cwd = expand(raw.cwd);
      return spec;
    }
    const url = expand(raw.url!);
    if (!isHttpUrl(url)) throw new Error(`url must be an http(s) URL, got "${raw.url}"`);
    return { transport: "http", url, headers: expandAll(raw.headers) };
  } catch (error) {
    throw new ConfigError(`MCP_SERVERS_FILE: server "${entry.name}": ${(error as Error).message}`);
  }
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function expandVariables(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(VARIABLE, (_match, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== "") return found;
    if (fallback !== undefined) return fallback;
    throw new Error(`environment variable ${name} is not set (write \${${name}:-default} for a default)`);
  });
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
