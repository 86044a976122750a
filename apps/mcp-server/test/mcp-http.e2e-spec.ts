/** The MCP server over Streamable HTTP, driven by the SDK's own Client against a real stack. */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connectClient, resultText, startMcpStack, type McpStack } from "./helpers/mcp-stack";
import { MCP_TOOL_NAMES } from "./helpers/tool-names";

interface SessionResult {
  id: string;
  title: string;
}

describe("MCP server over Streamable HTTP", () => {
  let stack: McpStack;
  let client: Client;

  beforeAll(async () => {
    stack = await startMcpStack({ label: "mcp-http", instances: 2 });
    client = await connectClient(stack.instances[0]!.url, stack.key);
  });

  afterAll(async () => {
    await client?.close();
    await stack?.close();
  });

  const createSession = async (on: Client, title: string) => {
    const result = await on.callTool({ name: "create_session", arguments: { title } });
    expect(result.isError).toBeFalsy();
    return result.structuredContent as unknown as SessionResult;
  };

  it("lists every tool with a title, annotations and schemas", async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect([...byName.keys()].sort()).toEqual(MCP_TOOL_NAMES);
    for (const tool of tools) {
      expect(tool.title).toEqual(expect.any(String));
      expect(tool.description!.length).toBeGreaterThan(30);
      expect(tool.annotations).toEqual(
        expect.objectContaining({ readOnlyHint: expect.any(Boolean), destructiveHint: expect.any(Boolean), idempotentHint: expect.any(Boolean) }),
      );
      expect(tool.outputSchema).toEqual(expect.objectContaining({ type: "object" }));
    }
    expect(byName.get("list_sessions")!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(byName.get("delete_session")!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byName.get("send_message")!.inputSchema.required).toEqual(expect.arrayContaining(["session_id", "text"]));
  });

  it("create_session returns the new session, which list_sessions then shows", async () => {
    const session = await createSession(client, "Created over MCP");
    expect(session).toMatchObject({ id: expect.any(String), title: "Created over MCP" });
    const listed = await client.callTool({ name: "list_sessions", arguments: {} });
    const { sessions } = listed.structuredContent as { sessions: SessionResult[] };
    expect(sessions.map((s) => s.id)).toContain(session.id);
  });

  it("send_message streams progress notifications and returns the answer", async () => {
    const session = await createSession(client, "Talk");
    const progress: { progress: number; message?: string }[] = [];
    const result = await client.callTool({ name: "send_message", arguments: { session_id: session.id, text: "hello there" } }, undefined, {
      onprogress: (update) => progress.push(update),
      timeout: 20_000,
    });
    expect(result.isError).toBeFalsy();
    const reply = result.structuredContent as { status: string; answer: string; sessionId: string; toolCalls: unknown[] };
    expect(reply).toMatchObject({ status: "completed", sessionId: session.id, toolCalls: [] });
    expect(reply.answer.length).toBeGreaterThan(0);
    // One notification per text delta (8 scripted), in order, together spelling the answer.
    expect(progress.length).toBe(8);
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(progress.map((p) => p.message).join("")).toBe(reply.answer);

    const messages = await client.callTool({ name: "get_messages", arguments: { session_id: session.id, limit: 1, offset: 1 } });
    expect(messages.structuredContent).toMatchObject({
      total: 2,
      offset: 1,
      hasMore: false,
      messages: [{ role: "assistant", assistantResponse: reply.answer }],
    });
  });

  it("serves a session transcript as a resource, listed by its template", async () => {
    const session = await createSession(client, "Transcript");
    await client.callTool({ name: "send_message", arguments: { session_id: session.id, text: "write something" } });
    const { resources } = await client.listResources();
    expect(resources).toEqual(expect.arrayContaining([expect.objectContaining({ uri: `mix://sessions/${session.id}`, name: "Transcript" })]));
    const read = await client.readResource({ uri: `mix://sessions/${session.id}` });
    const exported = JSON.parse((read.contents[0] as { text: string }).text) as { id: string; messages: { role: string }[] };
    expect(exported.id).toBe(session.id);
    expect(exported.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  });

  it("the continue_session prompt embeds the recent transcript", async () => {
    const session = await createSession(client, "To continue");
    await client.callTool({ name: "send_message", arguments: { session_id: session.id, text: "remember the word pineapple" } });
    const prompt = await client.getPrompt({ name: "continue_session", arguments: { sessionId: session.id } });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toContain("USER: remember the word pineapple");
    expect(text).toContain("ASSISTANT: ");
    expect(text).toContain(session.id);
  });

  it("refuses a bad or missing key with 401 before any MCP handling", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "create_session", arguments: { title: "nope" } } });
    const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
    const wrong = await fetch(stack.instances[0]!.url, { method: "POST", headers: { ...headers, Authorization: "Bearer mix_wrong" }, body });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await wrong.json()).toEqual({ error: { code: 401, message: "Invalid API key", type: "unauthorized" } });
    const missing = await fetch(stack.instances[0]!.url, { method: "POST", headers, body });
    expect(missing.status).toBe(401);
    await expect(connectClient(stack.instances[0]!.url, "mix_wrong")).rejects.toThrow();
    // No tool ran: no session called "nope" exists in any workspace.
    expect(await stack.instances[0]!.infrastructure.prisma.session.count({ where: { title: "nope" } })).toBe(0);
  });

  it("keeps each workspace's sessions invisible to other workspaces", async () => {
    const session = await createSession(client, "Private");
    const other = await connectClient(stack.instances[0]!.url, stack.otherKey);
    try {
      for (const name of ["get_session", "get_messages", "delete_session", "export_session"]) {
        const result = await other.callTool({ name, arguments: { session_id: session.id } });
        expect(result.isError).toBe(true);
        expect(resultText(result)).toBe("Error 404 (not_found): Session not found");
      }
      const listed = await other.callTool({ name: "list_sessions", arguments: {} });
      expect((listed.structuredContent as { sessions: SessionResult[] }).sessions).toEqual([]);
      await expect(other.readResource({ uri: `mix://sessions/${session.id}` })).rejects.toThrow(/not found/);
    } finally {
      await other.close();
    }
  });

  it("shares the load between instances: a session created on one is used on the other", async () => {
    const second = await connectClient(stack.instances[1]!.url, stack.key);
    try {
      const session = await createSession(client, "Across instances");
      const result = await second.callTool({ name: "send_message", arguments: { session_id: session.id, text: "from the second instance" } });
      expect(result.structuredContent).toMatchObject({ status: "completed", sessionId: session.id });
      const got = await second.callTool({ name: "get_session", arguments: { session_id: session.id } });
      expect(got.structuredContent).toMatchObject({ id: session.id, userMessageCount: 1, assistantMessageCount: 1 });
    } finally {
      await second.close();
    }
  });

  it("forks, rewinds, exports, cancels and deletes through the core services", async () => {
    const session = await createSession(client, "Actions");
    await client.callTool({ name: "send_message", arguments: { session_id: session.id, text: "first" } });
    await client.callTool({ name: "send_message", arguments: { session_id: session.id, text: "second" } });
    const fork = await client.callTool({ name: "fork_session", arguments: { session_id: session.id, message_index: 1, title: "Fork" } });
    expect(fork.structuredContent).toMatchObject({ title: "Fork", sessionType: "forked", parentSessionId: session.id });

    const page = await client.callTool({ name: "get_messages", arguments: { session_id: session.id } });
    const messages = (page.structuredContent as { messages: { id: string }[] }).messages;
    expect(messages).toHaveLength(4);
    const rewound = await client.callTool({ name: "rewind_session", arguments: { session_id: session.id, message_id: messages[1]!.id } });
    expect(rewound.isError).toBeFalsy();
    const exported = await client.callTool({ name: "export_session", arguments: { session_id: session.id } });
    expect((exported.structuredContent as { messages: unknown[] }).messages).toHaveLength(2);

    const cancelled = await client.callTool({ name: "cancel_run", arguments: { session_id: session.id } });
    expect(cancelled.structuredContent).toEqual({ cancelled: false });
    const models = await client.callTool({ name: "list_models", arguments: {} });
    expect((models.structuredContent as { models: { id: string }[] }).models.map((m) => m.id)).toContain("ml-auto");

    const deleted = await client.callTool({ name: "delete_session", arguments: { session_id: session.id } });
    expect(deleted.structuredContent).toEqual({ deleted: true, sessionId: session.id });
    const gone = await client.callTool({ name: "get_session", arguments: { session_id: session.id } });
    expect(gone.isError).toBe(true);
  });
});
