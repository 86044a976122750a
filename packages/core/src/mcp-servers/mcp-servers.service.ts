/** `GET /api/mcp`: the workspace's configured servers, with the status the background refresh left in Redis. */
import type { McpServerCatalog, McpServerEntry } from "./mcp-servers-file";
import type { McpStatusCache, McpServerStatus } from "./mcp-status";
import type { McpServerCheck } from "./mcp-tool-source";

export class McpServersService {
  constructor(
    private readonly catalog: McpServerCatalog,
    private readonly cache: McpStatusCache,
  ) {}

  /** In file order (global servers, then the workspace's own); never starts or contacts a server. */
  async list(workspaceId: string): Promise<McpServerStatus[]> {
    const entries = this.catalog.forWorkspace(workspaceId);
    const checks = await this.cache.read(entries.map((entry) => entry.fingerprint));
    return entries.map((entry, i) => statusView(entry, checks[i] ?? null));
  }
}

function statusView(entry: McpServerEntry, check: McpServerCheck | null): McpServerStatus {
  const base = { name: entry.name, transport: entry.transport };
  if (!check) return { ...base, connected: false, status: "disconnected", tools: null, checkedAt: null };
  if (!check.connected) return { ...base, connected: false, status: "failed", tools: null, error: check.error, checkedAt: check.checkedAt };
  return { ...base, connected: true, status: "connected", tools: check.tools, checkedAt: check.checkedAt };
}
