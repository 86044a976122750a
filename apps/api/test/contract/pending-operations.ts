/**
 * Contract operations not built yet, each with the issue that builds it. The contract walk
 * fails when an operation here is missing from the contract, or when one not listed here is
 * not walked: remove an entry when its operation lands, and add its calls to the walk.
 */
export const PENDING_OPERATIONS: Record<string, string> = {
  "GET /api/mcp": "issue 4: MCP servers (needs the tool registry of issue 3)",
  "POST /api/permissions/{id}/deny": "issue 3: permissions",
  "POST /api/permissions/{id}/grant": "issue 3: permissions",
};
