/**
 * Permissions through the agent loop with two API instances: the request appears on one
 * instance's stream, the answer posted to the other resumes the run on the worker; a denial
 * and a timeout reach the model as the tool's result; "always" stops asking in that session.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import request from "supertest";
import { openAiTextReply, openAiToolCallReply } from "@mix/testing";
import { createSession, openStream } from "./helpers/session-fixtures";
import { converse, isRunEnd, named, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { bearer } from "./helpers/test-stack";

const bash = (id: string, command: string) => openAiToolCallReply([{ id, name: "Bash", input: { command } }]);

describe("answered from another instance", () => {
  let stack: AgentStack;
  beforeAll(async () => {
    stack = await startAgentStack({ label: "agent-perms", apiInstances: 2 });
  });
  afterAll(() => stack?.close());

  async function askAndAnswer(sessionId: string, text: string, answer: (id: string) => Promise<unknown>) {
    const [a] = stack.apis;
    const stream = await openStream(a!.url, stack.key, sessionId);
    try {
      await request(a!.url).post(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).send({ text }).expect(202);
      const asked = await stream.waitForEvent((event) => event.event === "permission", 10_000, "the permission request");
      await answer(asked.data.id as string);
      await stream.waitForEvent(isRunEnd, 10_000, "the run to end");
      return { asked, events: stream.logEvents };
    } finally {
      stream.close();
    }
  }

  it("asks before Bash runs, and a grant on instance B lets it run", async () => {
    const b = stack.apis[1]!;
    stack.fake.reply(bash("call_grant", "echo granted > granted.txt")).reply(openAiTextReply("done"));
    const sessionId = await createSession(stack.url, stack.key);
    const { asked, events } = await askAndAnswer(sessionId, "run it", (id) =>
      request(b.url).post(`/api/permissions/${id}/grant`).set(bearer(stack.key)).expect(200, { granted: true }),
    );
    expect(asked.data).toMatchObject({ type: "permission", sessionId, toolName: "Bash", params: { command: "echo granted > granted.txt" } });
    expect(named(events, "tool_execution_complete")[0]!.data).toMatchObject({ toolName: "Bash", success: true });
    expect(await readFile(join(stack.storage, sessionId, "granted.txt"), "utf8")).toBe("granted\n");
    // Answered once: a second answer to the same request is refused.
    const again = await request(b.url).post(`/api/permissions/${asked.data.id}/deny`).set(bearer(stack.key));
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
  });

  it("a denial is the tool's result, and the model is told", async () => {
    const b = stack.apis[1]!;
    stack.fake.reply(bash("call_deny", "echo no > denied.txt")).reply(openAiTextReply("understood"));
    const before = stack.fake.requests.length;
    const sessionId = await createSession(stack.url, stack.key);
    const { events } = await askAndAnswer(sessionId, "try it", (id) =>
      request(b.url).post(`/api/permissions/${id}/deny`).set(bearer(stack.key)).expect(200, { denied: true }),
    );
    expect(named(events, "tool_execution_complete")[0]!.data).toMatchObject({ success: false });
    await expect(readFile(join(stack.storage, sessionId, "denied.txt"))).rejects.toThrow();
    const told = stack.fake.requests[before + 1]!.body.messages.find((message: { role: string }) => message.role === "tool");
    expect(JSON.stringify(told.content)).toMatch(/denied/i);
  });

  it("a grant 'always for this session' stops asking for that tool in the session", async () => {
    const b = stack.apis[1]!;
    stack.fake.reply(bash("call_always_1", "echo 1 >> always.txt")).reply(openAiTextReply("one"));
    const sessionId = await createSession(stack.url, stack.key);
    await askAndAnswer(sessionId, "first", (id) =>
      request(b.url).post(`/api/permissions/${id}/grant`).set(bearer(stack.key)).send({ always: true }).expect(200),
    );
    stack.fake.reply(bash("call_always_2", "echo 2 >> always.txt")).reply(openAiTextReply("two"));
    const { events } = await converse(stack, "second", { sessionId });
    expect(named(events, "permission")).toHaveLength(0);
    expect(await readFile(join(stack.storage, sessionId, "always.txt"), "utf8")).toBe("1\n2\n");
  });

  it("refuses a call whose input is not JSON without asking anyone", async () => {
    stack.fake.reply(openAiToolCallReply([{ id: "call_bad_json", name: "Bash", input: '{"command": "ls' }])).reply(openAiTextReply("fixed"));
    const { sessionId, events } = await converse(stack, "broken call");
    expect(named(events, "permission")).toHaveLength(0);
    expect(named(events, "tool_execution_complete")[0]!.data).toMatchObject({ toolCallId: "call_bad_json", success: false });
    const messages = (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
    expect(messages[1].toolCalls[0]).toMatchObject({ isError: true, result: expect.stringContaining("not valid JSON") });
  });

  it("answers 404 for an unknown id and for another workspace's request", async () => {
    const [a, b] = stack.apis;
    await request(a!.url).post("/api/permissions/no-such-permission/grant").set(bearer(stack.key)).expect(404);
    stack.fake.reply(bash("call_other", "true")).reply(openAiTextReply("ok"));
    const sessionId = await createSession(stack.url, stack.key);
    await askAndAnswer(sessionId, "mine", async (id) => {
      const foreign = await request(b!.url).post(`/api/permissions/${id}/grant`).set(bearer(stack.otherKey)).expect(404);
      expect(foreign.body.error).toMatchObject({ code: 404 });
      await request(b!.url).post(`/api/permissions/${id}/deny`).set(bearer(stack.key)).expect(200);
    });
  });
});

describe("no answer in time", () => {
  let stack: AgentStack;
  beforeAll(async () => {
    stack = await startAgentStack({ label: "agent-perms-timeout", env: { PERMISSION_TIMEOUT_MS: "300" } });
  });
  afterAll(() => stack?.close());

  it("counts as a denial and the run goes on", async () => {
    stack.fake.reply(bash("call_late", "echo late > late.txt")).reply(openAiTextReply("moving on"));
    const { sessionId, events } = await converse(stack, "wait for me");
    expect(named(events, "permission")).toHaveLength(1);
    expect(named(events, "tool_execution_complete")[0]!.data).toMatchObject({ success: false });
    expect(events.at(-1)!.data).toMatchObject({ type: "complete", content: "moving on" });
    await expect(readFile(join(stack.storage, sessionId, "late.txt"))).rejects.toThrow();
    const messages = (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
    expect(messages[1].toolCalls[0]).toMatchObject({ isError: true, result: expect.stringMatching(/time|answer/i) });
  });
});
