/**
 * The MCP server honours the key's role as the REST API does: a read-only key lists, gets,
 * reads and waits, and every tool that sends, changes or answers is a tool error saying it is
 * forbidden (and does nothing). Every tool the server lists has a rule in the one table.
 */
import { SYSTEM_ACTOR, type Role } from "@mix/core";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { TOOL_ROLES } from "../src/tools/tool-roles";
import { connectClient, resultText, startMcpStack, type McpStack } from "./helpers/mcp-stack";
import { MCP_TOOL_NAMES } from "./helpers/tool-names";

let stack: McpStack;
const clients: Client[] = [];
let sessionId: string;
let workspaceId: string;

beforeAll(async () => {
  stack = await startMcpStack({ label: "mcp-roles", workers: 0 });
  const services = stack.instances[0]!.services;
  workspaceId = (await services.apiKeys.authenticate(stack.key))!.workspaceId;
  sessionId = (await services.sessions.create(workspaceId, { title: "owned by the owner", promptMode: "default", sessionType: "main" })).id;
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await stack?.close();
});

async function clientWithRole(role: Role): Promise<Client> {
  const { secret } = await stack.instances[0]!.services.keysAdmin.create(workspaceId, { actor: SYSTEM_ACTOR, role: "owner" }, { name: `mcp ${role}`, role });
  const client = await connectClient(stack.instances[0]!.url, secret);
  clients.push(client);
  return client;
}

/** Arguments each tool accepts, about the owner's session (or unknown ids: a refusal comes first). */
const ARGUMENTS: Record<string, Record<string, unknown>> = {
  list_sessions: {},
  get_session: { session_id: "SESSION" },
  get_messages: { session_id: "SESSION" },
  wait_for_reply: { session_id: "SESSION", message_id: "no-such-message", timeout_seconds: 1 },
  export_session: { session_id: "SESSION" },
  list_models: {},
  create_session: { title: "by a reader" },
  delete_session: { session_id: "SESSION" },
  send_message: { session_id: "SESSION", text: "hello", timeout_seconds: 1 },
  chat: { message: "hello", timeout_seconds: 1 },
  answer_permission: { permission_id: "no-such-permission", decision: "grant" },
  answer_notification: { notification_id: "no-such-notification", response_type: "acknowledge" },
  fork_session: { session_id: "SESSION", message_index: 0 },
  rewind_session: { session_id: "SESSION", message_id: "no-such-message" },
  cancel_run: { session_id: "SESSION" },
  get_workspace_profile: {},
  update_workspace_profile: { voice: "by a reader" },
  list_knowledge_documents: {},
  search_knowledge: { query: "anything" },
  add_knowledge_document: { text: "by a reader" },
  reindex_knowledge_document: { document_id: "no-such-document" },
  delete_knowledge_document: { document_id: "no-such-document" },
};
const argumentsOf = (tool: string) => JSON.parse(JSON.stringify(ARGUMENTS[tool]).replaceAll("SESSION", sessionId)) as Record<string, unknown>;

it("has a rule for every tool it lists, and nothing more", async () => {
  const client = await clientWithRole("read_only");
  const listed = (await client.listTools()).tools.map((tool) => tool.name).sort();
  expect(listed).toEqual(MCP_TOOL_NAMES);
  expect(Object.keys(TOOL_ROLES).sort()).toEqual(listed);
  expect(Object.keys(ARGUMENTS).sort()).toEqual(listed);
});

it("lets a read-only key read, and answers every other tool with a forbidden tool error", async () => {
  const client = await clientWithRole("read_only");
  for (const [tool, role] of Object.entries(TOOL_ROLES)) {
    const result = await client.callTool({ name: tool, arguments: argumentsOf(tool) });
    const text = resultText(result);
    if (role === "read_only") {
      expect({ tool, forbidden: /forbidden/i.test(text) }).toEqual({ tool, forbidden: false });
    } else {
      expect({ tool, isError: result.isError, text }).toEqual({
        tool,
        isError: true,
        text: `Error 403 (unauthorized): Forbidden: ${tool} needs the ${role} role or above; this API key's role is read_only`,
      });
    }
  }
  // Nothing was done: the session is there, alone, with no message.
  const services = stack.instances[0]!.services;
  expect((await services.sessions.list(workspaceId, { includeSubagents: true })).map((session) => session.id)).toEqual([sessionId]);
  expect(await services.messages.list(workspaceId, sessionId)).toEqual([]);
});

it("lets a member key change sessions", async () => {
  const client = await clientWithRole("member");
  const created = await client.callTool({ name: "create_session", arguments: { title: "by a member" } });
  expect(created.isError).toBeFalsy();
  const id = (created.structuredContent as { id: string }).id;
  const deleted = await client.callTool({ name: "delete_session", arguments: { session_id: id } });
  expect(deleted.isError).toBeFalsy();
});
