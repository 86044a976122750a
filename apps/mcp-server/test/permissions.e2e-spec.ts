/**
 * Tool use and permissions through MCP, on the scripted model (`@tool <Name> <json>` lines make
 * it call tools): send_message reports tool calls and stops at a permission request,
 * answer_permission settles it, wait_for_reply follows the rest.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connectClient, resultText, startMcpStack, type McpStack } from "./helpers/mcp-stack";

interface Reply {
  sessionId: string;
  messageId: string;
  status: string;
  answer: string;
  toolCalls: { id: string; name: string; status: string }[];
  pendingPermission?: { permissionId: string; toolName: string; description: string; bySubagent: boolean };
  note?: string;
}

describe("tool use and permissions over MCP", () => {
  let stack: McpStack;
  let client: Client;
  let workspaceId: string;

  beforeAll(async () => {
    stack = await startMcpStack({ label: "mcp-permissions" });
    client = await connectClient(stack.instances[0]!.url, stack.key);
    workspaceId = (await stack.instances[0]!.services.apiKeys.authenticate(stack.key))!.workspaceId;
  });

  afterAll(async () => {
    await client?.close();
    await stack?.close();
  });

  const services = () => stack.instances[0]!.services;
  const events = () => stack.instances[0]!.infrastructure.events;

  const createSession = async (title: string) => {
    const result = await client.callTool({ name: "create_session", arguments: { title } });
    return (result.structuredContent as { id: string }).id;
  };

  const send = async (sessionId: string, text: string, progress: string[] = [], options: Record<string, unknown> = {}) => {
    const result = await client.callTool({ name: "send_message", arguments: { session_id: sessionId, text, timeout_seconds: 60, ...options } }, undefined, {
      onprogress: (update) => progress.push(update.message ?? ""),
      timeout: 20_000,
    });
    expect(result.isError).toBeFalsy();
    return result.structuredContent as unknown as Reply;
  };

  const waitForReply = async (sessionId: string, messageId: string, progress: string[] = []) => {
    const result = await client.callTool(
      { name: "wait_for_reply", arguments: { session_id: sessionId, message_id: messageId, timeout_seconds: 60 } },
      undefined,
      {
        onprogress: (update) => progress.push(update.message ?? ""),
        timeout: 20_000,
      },
    );
    expect(result.isError).toBeFalsy();
    return result.structuredContent as unknown as Reply;
  };

  const answer = (on: Client, args: Record<string, unknown>) => on.callTool({ name: "answer_permission", arguments: args });

  const fileNames = async (sessionId: string) => (await services().files.list(workspaceId, sessionId)).map((file) => file.name);

  it("lists answer_permission and wait_for_reply with honest annotations", async () => {
    const { tools } = await client.listTools();
    const answerTool = tools.find((tool) => tool.name === "answer_permission")!;
    expect(answerTool.annotations).toEqual({ readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false });
    expect(answerTool.inputSchema.required).toEqual(["permission_id", "decision"]);
    expect(answerTool.outputSchema?.properties).toEqual(expect.objectContaining({ permissionId: expect.anything(), decision: expect.anything() }));
    expect(tools.find((tool) => tool.name === "wait_for_reply")!.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
  });

  it("reports a tool that needs no permission in the summary and in progress", async () => {
    const sessionId = await createSession("list_directory");
    const progress: string[] = [];
    const reply = await send(sessionId, "look around\n@tool list_directory {}", progress);
    expect(reply.status).toBe("completed");
    expect(reply.toolCalls).toEqual([{ id: expect.any(String), name: "list_directory", status: "succeeded" }]);
    expect(reply.pendingPermission).toBeUndefined();
    expect(reply.answer).toContain("list_directory succeeded");
    expect(progress).toEqual(expect.arrayContaining(["[tool list_directory started]", "[tool list_directory succeeded]"]));
    expect(progress.indexOf("[tool list_directory started]")).toBeLessThan(progress.indexOf("[tool list_directory succeeded]"));
  });

  it("stops at a permission request; a grant lets the tool run and wait_for_reply follows it to the end", async () => {
    const sessionId = await createSession("Grant");
    const progress: string[] = [];
    const startedAt = Date.now();
    const paused = await send(sessionId, 'write it\n@tool Write {"file_path":"a.md","content":"granted"}', progress);
    // Returned as soon as the run asked, far before the 60 s timeout.
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(paused).toMatchObject({
      status: "awaiting_permission",
      sessionId,
      toolCalls: [{ name: "Write", status: "awaiting_permission" }],
      pendingPermission: { permissionId: expect.any(String), toolName: "Write", bySubagent: false },
    });
    const permissionId = paused.pendingPermission!.permissionId;
    expect(paused.pendingPermission!.description).toContain("a.md");
    expect(paused.note).toContain(`answer_permission with permission_id ${permissionId}`);
    expect(paused.note).toContain(`wait_for_reply with session_id ${sessionId} and message_id ${paused.messageId}`);
    expect(progress.at(-1)).toBe(`[waiting for permission ${permissionId}: ${paused.pendingPermission!.description}]`);
    expect(await fileNames(sessionId)).toEqual([]);

    const granted = await answer(client, { permission_id: permissionId, decision: "grant" });
    expect(granted.isError).toBeFalsy();
    expect(granted.structuredContent).toEqual({ permissionId, decision: "granted", always: false });

    const followed: string[] = [];
    const done = await waitForReply(sessionId, paused.messageId, followed);
    expect(done.status).toBe("completed");
    expect(done.toolCalls).toEqual([{ id: paused.toolCalls[0]!.id, name: "Write", status: "succeeded" }]);
    // The whole reply, from its start: the text before the call and the summary after it.
    expect(done.answer.startsWith(paused.answer)).toBe(true);
    expect(done.answer).toContain("Write succeeded");
    expect(followed).toEqual(expect.arrayContaining(["[tool Write started]", "[tool Write succeeded]"]));
    expect(await fileNames(sessionId)).toEqual(["a.md"]);

    // The same answer again is accepted; the opposite one is refused.
    const again = await answer(client, { permission_id: permissionId, decision: "grant" });
    expect(again.isError).toBeFalsy();
    const opposite = await answer(client, { permission_id: permissionId, decision: "deny" });
    expect(opposite.isError).toBe(true);
    expect(resultText(opposite)).toBe(`Error 409 (bad_request): Permission ${permissionId} was already granted`);
  });

  it("a denial keeps the tool from running, and another workspace cannot answer", async () => {
    const sessionId = await createSession("Deny");
    const paused = await send(sessionId, '@tool Write {"file_path":"b.md","content":"denied"}');
    expect(paused.status).toBe("awaiting_permission");
    const permissionId = paused.pendingPermission!.permissionId;

    const other = await connectClient(stack.instances[0]!.url, stack.otherKey);
    try {
      for (const decision of ["grant", "deny"]) {
        const foreign = await answer(other, { permission_id: permissionId, decision });
        expect(foreign.isError).toBe(true);
        expect(resultText(foreign)).toBe(`Error 404 (not_found): Permission ${permissionId} not found`);
      }
      // Nor follow the reply in a session it cannot see.
      const foreignWait = await other.callTool({ name: "wait_for_reply", arguments: { session_id: sessionId, message_id: paused.messageId } });
      expect(resultText(foreignWait)).toBe("Error 404 (not_found): Session not found");
    } finally {
      await other.close();
    }

    const denied = await answer(client, { permission_id: permissionId, decision: "deny" });
    expect(denied.structuredContent).toEqual({ permissionId, decision: "denied", always: false });
    const done = await waitForReply(sessionId, paused.messageId);
    expect(done.status).toBe("completed");
    expect(done.toolCalls).toEqual([{ id: expect.any(String), name: "Write", status: "failed" }]);
    expect(done.answer).toContain("Write failed");
    expect(await fileNames(sessionId)).toEqual([]);
  });

  it("stops at a permission a subagent asks for, with the Task call still running", async () => {
    const sessionId = await createSession("Subagent");
    const task = { description: "Write a note", prompt: '@tool Write {"file_path":"sub.md","content":"from a subagent"}' };
    const paused = await send(sessionId, `delegate\n@tool Task ${JSON.stringify(task)}`);
    expect(paused).toMatchObject({
      status: "awaiting_permission",
      toolCalls: [{ name: "Task", status: "running" }],
      pendingPermission: { toolName: "Write", bySubagent: true },
    });
    await answer(client, { permission_id: paused.pendingPermission!.permissionId, decision: "grant" });
    const done = await waitForReply(sessionId, paused.messageId);
    expect(done).toMatchObject({ status: "completed", toolCalls: [{ name: "Task", status: "succeeded" }] });
    expect(done.pendingPermission).toBeUndefined();
  });

  it("a grant with always lets later calls of the tool in the session run without asking", async () => {
    const sessionId = await createSession("Always");
    const paused = await send(sessionId, '@tool Write {"file_path":"c.md","content":"one"}');
    const granted = await answer(client, { permission_id: paused.pendingPermission!.permissionId, decision: "grant", always: true });
    expect(granted.structuredContent).toMatchObject({ decision: "granted", always: true });
    expect((await waitForReply(sessionId, paused.messageId)).status).toBe("completed");

    const next = await send(sessionId, '@tool Write {"file_path":"d.md","content":"two"}');
    expect(next).toMatchObject({ status: "completed", toolCalls: [{ name: "Write", status: "succeeded" }] });
    expect(await fileNames(sessionId)).toEqual(["c.md", "d.md"]);
  });

  it("reports unknown ids and contradictory arguments as tool errors", async () => {
    const unknown = await answer(client, { permission_id: "no-such-permission", decision: "grant" });
    expect(unknown.isError).toBe(true);
    expect(resultText(unknown)).toBe("Error 404 (not_found): Permission no-such-permission not found");
    const denyAlways = await answer(client, { permission_id: "no-such-permission", decision: "deny", always: true });
    expect(resultText(denyAlways)).toBe("Error 400 (validation_error): always applies only to decision 'grant'");
    const badDecision = await answer(client, { permission_id: "x", decision: "maybe" });
    expect(badDecision.isError).toBe(true);

    const sessionId = await createSession("Unknown message");
    const noMessage = await client.callTool({ name: "wait_for_reply", arguments: { session_id: sessionId, message_id: "no-such-message" } });
    expect(resultText(noMessage)).toBe("Error 404 (not_found): Message not found");
  });

  it("wait_for_reply reads a finished reply whose events expired from the stored transcript", async () => {
    const sessionId = await createSession("Expired events");
    const reply = await send(sessionId, "list\n@tool list_directory {}");
    expect(reply.status).toBe("completed");
    await events().delete(sessionId);
    expect(await events().lastId(sessionId)).toBe(0);

    const stored = await waitForReply(sessionId, reply.messageId);
    expect(stored).toEqual({ ...reply, toolCalls: [{ id: reply.toolCalls[0]!.id, name: "list_directory", status: "succeeded" }] });
  });

  it("passes plan_mode and max_steps on to the run", async () => {
    const planned = await send(await createSession("plan"), 'plan it\n@tool Write {"file_path":"p.md","content":"x"}', [], { plan_mode: true });
    // In plan mode Write is not offered, so the agent cannot even ask to use it.
    expect(planned).toMatchObject({ status: "completed", toolCalls: [] });
    expect(planned.answer).toContain("Write is not available");

    const result = await client.callTool({
      name: "send_message",
      arguments: { session_id: await createSession("steps"), text: "list\n@tool list_directory {}", max_steps: 1 },
    });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ status: "failed", note: expect.stringContaining("max_steps") });
    const bad = await client.callTool({ name: "send_message", arguments: { session_id: "any", text: "x", max_steps: 0 } });
    expect(bad.isError).toBe(true);
  });

  it("reports a run cancelled while it waited as cancelled", async () => {
    const sessionId = await createSession("cancel");
    const waiting = await send(sessionId, 'go\n@tool Bash {"command":"echo hi"}');
    expect(waiting.status).toBe("awaiting_permission");
    const cancelled = await client.callTool({ name: "cancel_run", arguments: { session_id: sessionId } });
    expect(cancelled.isError).toBeFalsy();
    const reply = await waitForReply(sessionId, waiting.messageId);
    expect(reply).toMatchObject({ status: "cancelled", toolCalls: [{ name: "Bash", status: "failed" }] });
  });
});
