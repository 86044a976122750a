/** Error results and send_message timeouts. No worker runs here, so a sent message stays queued. */
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

  it("returns what it has, not as an error, with the session id to continue with get_messages", async () => {
    const created = await client.callTool({ name: "create_session", arguments: { title: "Never answered" } });
    const sessionId = (created.structuredContent as { id: string }).id;
    const startedAt = Date.now();
    const result = await client.callTool({ name: "send_message", arguments: { session_id: sessionId, text: "anyone there?", timeout_seconds: 1 } });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
    expect(result.isError).toBeFalsy();
    const reply = result.structuredContent as { status: string; answer: string; note: string; sessionId: string };
    expect(reply).toMatchObject({ status: "timeout", answer: "", sessionId });
    expect(reply.note).toContain(`get_messages with session_id ${sessionId}`);
    // The message was stored and stays queued for a worker.
    const messages = await client.callTool({ name: "get_messages", arguments: { session_id: sessionId } });
    expect(messages.structuredContent).toMatchObject({ total: 1, messages: [{ role: "user", userInput: "anyone there?" }] });
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
