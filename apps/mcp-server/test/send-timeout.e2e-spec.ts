/**
 * Error results, send_message timeouts, and wait_for_reply on a run's log. No worker runs here,
 * so a sent message stays queued, and a test can write a run's events as a worker would.
 */
import { PermissionStore } from "@mix/core";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connectClient, startMcpStack, type McpStack } from "./helpers/mcp-stack";

describe("tool errors and send_message timeouts", () => {
  let stack: McpStack;
  let client: Client;

  beforeAll(async () => {
    stack = await startMcpStack({ label: "mcp-timeout", workers: 0 });
    client = await connectClient(stack.instances[0]!.url, stack.key);
  });

  afterAll(async () => {
    await client?.close();
    await stack?.close();
  });

  it("returns what it has, not as an error, with the ids to continue with wait_for_reply", async () => {
    const created = await client.callTool({ name: "create_session", arguments: { title: "Never answered" } });
    const sessionId = (created.structuredContent as { id: string }).id;
    const startedAt = Date.now();
    const result = await client.callTool({ name: "send_message", arguments: { session_id: sessionId, text: "anyone there?", timeout_seconds: 1 } });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
    expect(result.isError).toBeFalsy();
    const reply = result.structuredContent as { status: string; answer: string; note: string; sessionId: string; messageId: string };
    expect(reply).toMatchObject({ status: "timeout", answer: "", sessionId, toolCalls: [] });
    expect(reply.note).toContain(`wait_for_reply with session_id ${sessionId} and message_id ${reply.messageId}`);
    // Waiting again on the still-queued message times out the same way.
    const again = await client.callTool({ name: "wait_for_reply", arguments: { session_id: sessionId, message_id: reply.messageId, timeout_seconds: 1 } });
    expect(again.structuredContent).toMatchObject({ status: "timeout", answer: "", sessionId, messageId: reply.messageId });
    // The message was stored and stays queued for a worker.
    const messages = await client.callTool({ name: "get_messages", arguments: { session_id: sessionId } });
    expect(messages.structuredContent).toMatchObject({ total: 1, messages: [{ role: "user", userInput: "anyone there?" }] });
  });

  it("wait_for_reply stops at a permission still pending, not at one answered before its tool started", async () => {
    const { services, infrastructure } = stack.instances[0]!;
    const { events } = infrastructure;
    const workspaceId = (await services.apiKeys.authenticate(stack.key))!.workspaceId;
    const created = await client.callTool({ name: "create_session", arguments: { title: "Asked twice" } });
    const sessionId = (created.structuredContent as { id: string }).id;
    const sent = await client.callTool({ name: "send_message", arguments: { session_id: sessionId, text: "write twice", timeout_seconds: 1 } });
    const messageId = (sent.structuredContent as { messageId: string }).messageId;

    // The run's events as the worker writes them, up to a request answered a moment ago.
    const store = new PermissionStore(infrastructure.redis, infrastructure.keys);
    const ask = async (permissionId: string, toolCallId: string) => {
      const owner = { workspaceId, sessionId, streamSessionId: sessionId, runId: messageId, toolCallId, toolName: "Write" };
      await store.create(permissionId, owner, 60_000);
      await events.append(sessionId, "tool_use_start", { type: "tool_use_start", id: toolCallId, name: "Write" });
      await events.append(sessionId, "permission", {
        type: "permission",
        id: permissionId,
        sessionId,
        toolName: "Write",
        description: `Write ${toolCallId}.md`,
        action: "write",
      });
    };
    await events.append(sessionId, "user_message_created", { type: "user_message_created", messageId, content: "write twice" });
    await ask("permission-answered", "call_1");
    await store.settle({ id: "permission-answered", streamSessionId: sessionId }, "granted");

    const wait = () => client.callTool({ name: "wait_for_reply", arguments: { session_id: sessionId, message_id: messageId, timeout_seconds: 1 } });
    // Answered: its tool is about to start, so the wait goes on (here, to the timeout).
    expect((await wait()).structuredContent).toMatchObject({ status: "timeout", toolCalls: [{ id: "call_1", name: "Write", status: "running" }] });

    await ask("permission-pending", "call_2");
    const startedAt = Date.now();
    const paused = await wait();
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(paused.structuredContent).toMatchObject({
      status: "awaiting_permission",
      pendingPermission: { permissionId: "permission-pending", toolName: "Write", description: "Write call_2.md", bySubagent: false },
      toolCalls: [
        { id: "call_1", status: "running" },
        { id: "call_2", status: "awaiting_permission" },
      ],
    });
  });

  it("reports an unknown session as an error result, not a failed request", async () => {
    const result = await client.callTool({ name: "send_message", arguments: { session_id: "no-such-session", text: "hi" } });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: "text", text: "Error 404 (not_found): Session not found" }]);
  });

  it("refuses arguments the REST API would refuse, as error results", async () => {
    const blank = await client.callTool({ name: "create_session", arguments: { title: "   " } });
    expect(blank.isError).toBe(true);
    expect(blank.content).toEqual([{ type: "text", text: "Error 400 (validation_error): title is required" }]);
    const created = await client.callTool({ name: "create_session", arguments: { title: "Valid" } });
    const sessionId = (created.structuredContent as { id: string }).id;
    const empty = await client.callTool({ name: "send_message", arguments: { session_id: sessionId, text: "  " } });
    expect(empty.isError).toBe(true);
    expect(empty.content).toEqual([{ type: "text", text: "Error 400 (validation_error): text must not be empty" }]);
  });
});
