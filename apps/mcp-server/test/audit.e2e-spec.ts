/**
 * The MCP tools record what they change in the workspace's audit log as the REST API does:
 * delete_session and answer_permission name the connection's key, its member and the client's
 * address.
 */
import { randomUUID } from "node:crypto";
import { argumentsDigest, PermissionStore, type AuditAction, type AuditEntryData, type Principal } from "@mix/core";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connectClient, startMcpStack, type McpStack } from "./helpers/mcp-stack";

describe("audit entries of MCP tools", () => {
  let stack: McpStack;
  let client: Client;
  let principal: Principal;

  beforeAll(async () => {
    stack = await startMcpStack({ label: "mcp-audit", workers: 0 });
    client = await connectClient(stack.instances[0]!.url, stack.key);
    principal = (await stack.instances[0]!.services.apiKeys.authenticate(stack.key))!;
  });
  afterAll(async () => {
    await client?.close();
    await stack?.close();
  });

  const entries = async (action: string): Promise<AuditEntryData[]> =>
    (await stack.instances[0]!.services.audit.list(principal.workspaceId, { action: [action as AuditAction] })).entries;

  const createSession = async () => {
    const result = await client.callTool({ name: "create_session", arguments: { title: "audited" } });
    return (result.structuredContent as { id: string }).id;
  };

  it("delete_session records the session deleted, by the connection's key from its address", async () => {
    const sessionId = await createSession();
    const result = await client.callTool({ name: "delete_session", arguments: { session_id: sessionId } });
    expect(result.isError).toBeFalsy();
    const [entry] = (await entries("session.deleted")).filter((logged) => logged.target?.id === sessionId);
    expect(entry).toMatchObject({ actor: { apiKeyId: principal.apiKeyId, memberId: principal.memberId }, target: { type: "session", id: sessionId } });
    expect(entry!.actor.address).toMatch(/127\.0\.0\.1|::1/);
  });

  it("answer_permission records the grant or denial with the arguments' digest", async () => {
    const { redis, keys } = stack.instances[0]!.infrastructure;
    const store = new PermissionStore(redis, keys);
    const sessionId = await createSession();
    const input = { command: "rm -rf build" };
    const pending = async () => {
      const id = randomUUID();
      const owner = { workspaceId: principal.workspaceId, sessionId, streamSessionId: sessionId, runId: "run-1", toolCallId: randomUUID(), toolName: "Bash" };
      await store.create(id, { ...owner, argumentsDigest: argumentsDigest(input) }, 60_000);
      return id;
    };
    const granted = await pending();
    const denied = await pending();
    expect((await client.callTool({ name: "answer_permission", arguments: { permission_id: granted, decision: "grant" } })).isError).toBeFalsy();
    expect((await client.callTool({ name: "answer_permission", arguments: { permission_id: denied, decision: "deny" } })).isError).toBeFalsy();

    const grant = (await entries("permission.granted")).find((entry) => (entry.details as { permissionId: string }).permissionId === granted);
    const deny = (await entries("permission.denied")).find((entry) => (entry.details as { permissionId: string }).permissionId === denied);
    for (const entry of [grant, deny]) {
      expect(entry).toMatchObject({
        actor: { apiKeyId: principal.apiKeyId, memberId: principal.memberId },
        target: { type: "session", id: sessionId },
        details: { tool: "Bash", argumentsDigest: argumentsDigest(input) },
      });
      expect(entry!.actor.address).toMatch(/127\.0\.0\.1|::1/);
      expect(JSON.stringify(entry)).not.toContain("rm -rf");
    }
  });
});
