/**
 * What every tool, resource and prompt receives: the core application services (the same ones
 * the REST API uses) and the workspace of the API key that opened the connection. No connection
 * or store of the infrastructure is here, so nothing bypasses the services' workspace scoping.
 */
import type { Actor, ApplicationServices, Principal } from "@mix/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

export interface ToolContext {
  services: ApplicationServices;
  principal: Principal;
  /** Who acts, for the audit log: the key, its member, and the client's address (null over stdio). */
  actor: Actor;
}

export type RegisterTool = (server: McpServer, context: ToolContext) => void;
