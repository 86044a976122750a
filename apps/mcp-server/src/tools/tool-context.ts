/**
 * What every tool, resource and prompt receives: the core services (the same ones the REST API
 * uses) and the workspace of the API key that opened the connection. Nothing here bypasses the
 * services' workspace scoping.
 */
import type { ApiServices, Principal } from "@mix/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

export interface ToolContext {
  services: ApiServices;
  principal: Principal;
}

export type RegisterTool = (server: McpServer, context: ToolContext) => void;
