/**
 * The least role each tool needs, as the REST API's routes need theirs: reading is read_only,
 * anything that sends, changes or answers is member, and what changes the workspace's grounding
 * (profile, knowledge) is admin. A call below it is a tool error naming the role
 * ("Forbidden: ..."); a tool missing from the table is refused to every key (fail closed).
 */
import { forbidden, roleAtLeast, type Principal, type Role } from "@mix/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { errorResult } from "./tool-result";

export const TOOL_ROLES: Readonly<Record<string, Role>> = {
  list_sessions: "read_only",
  get_session: "read_only",
  get_messages: "read_only",
  wait_for_reply: "read_only",
  export_session: "read_only",
  list_models: "read_only",
  create_session: "member",
  delete_session: "member",
  send_message: "member",
  chat: "member",
  answer_permission: "member",
  answer_notification: "member",
  fork_session: "member",
  rewind_session: "member",
  cancel_run: "member",
  get_workspace_profile: "read_only",
  list_knowledge_documents: "read_only",
  search_knowledge: "read_only",
  // As their REST routes: they change what every chat and session of the workspace is grounded on.
  update_workspace_profile: "admin",
  add_knowledge_document: "admin",
  reindex_knowledge_document: "admin",
  delete_knowledge_document: "admin",
};

export function toolRefusal(tool: string, role: Role): string | undefined {
  const required = TOOL_ROLES[tool];
  if (!required) return `Forbidden: ${tool} has no role rule yet, so no key may use it`;
  if (!roleAtLeast(role, required)) return `Forbidden: ${tool} needs the ${required} role or above; this API key's role is ${role}`;
  return undefined;
}

type ToolCallback = (...args: unknown[]) => unknown;

/** Makes every tool registered on `server` from now on check the connection's role before it runs. */
export function enforceToolRoles(server: McpServer, principal: Principal): void {
  const register = server.registerTool.bind(server) as (name: string, config: unknown, callback: ToolCallback) => ReturnType<McpServer["registerTool"]>;
  const registerChecked = (name: string, config: unknown, callback: ToolCallback) =>
    register(name, config, (...args: unknown[]) => {
      const refusal = toolRefusal(name, principal.role);
      return refusal ? errorResult(forbidden(refusal)) : callback(...args);
    });
  server.registerTool = registerChecked as McpServer["registerTool"];
}
