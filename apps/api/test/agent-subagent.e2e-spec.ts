/**
 * The Task tool: a subagent in a child session whose events reach the parent's stream tagged
 * with the Task call's id, whose permission requests reach the parent's stream too, and whose
 * tokens and cost roll up into the parent.
 */
import request from "supertest";
import { openAiTextReply, openAiToolCallReply } from "@mix/testing";
import { createSession, openStream } from "./helpers/session-fixtures";
import { isRunEnd, named, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { bearer } from "./helpers/test-stack";

let stack: AgentStack;

beforeAll(async () => {
  stack = await startAgentStack({ label: "agent-subagent" });
});
afterAll(() => stack?.close());

const usage = (promptTokens: number, completionTokens: number) => ({ usage: { promptTokens, completionTokens } });

it("runs a subagent in a child session, on the parent's stream, with costs rolled up", async () => {
  stack.fake
    .reply(openAiToolCallReply([{ id: "call_task", name: "Task", input: { description: "Count files", prompt: "Count the files here" } }], usage(100, 10)))
    .reply(openAiToolCallReply([{ id: "call_sub_bash", name: "Bash", input: { command: "ls | wc -l" } }], usage(50, 5)))
    .reply(openAiTextReply("There are 0 files.", usage(60, 6)))
    .reply(openAiTextReply("The subagent says there are 0 files.", usage(120, 12)));
  const sessionId = await createSession(stack.url, stack.key);
  const stream = await openStream(stack.url, stack.key, sessionId);
  try {
    await request(stack.url).post(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).send({ text: "delegate" }).expect(202);
    // The subagent's Bash asks, on the parent's stream, tagged with the Task call.
    const asked = await stream.waitForEvent((event) => event.event === "permission", 10_000, "the subagent's permission request");
    expect(asked.data).toMatchObject({ toolName: "Bash", parentToolCallId: "call_task" });
    expect(asked.data.sessionId).not.toBe(sessionId);
    await request(stack.url).post(`/api/permissions/${asked.data.id}/grant`).set(bearer(stack.key)).expect(200);
    await stream.waitForEvent(isRunEnd, 10_000, "the run to end");
  } finally {
    stream.close();
  }
  const events = stream.logEvents;
  const nested = events.filter((event) => event.data.parentToolCallId === "call_task");
  expect(named(nested, "tool_execution_complete")[0]!.data).toMatchObject({ toolCallId: "call_sub_bash", success: true });
  expect(
    named(nested, "content")
      .map((event) => event.data.content)
      .join(""),
  ).toBe("There are 0 files.");
  // Only the parent's run ends the stream's turn.
  expect(named(events, "complete")).toHaveLength(1);
  expect(events.at(-1)!.data).toMatchObject({ type: "complete", content: "The subagent says there are 0 files." });

  const listed = (await request(stack.url).get("/api/sessions?includeSubagents=true").set(bearer(stack.key)).expect(200)).body;
  const child = listed.find((session: { parentSessionId?: string }) => session.parentSessionId === sessionId);
  expect(child).toMatchObject({ sessionType: "subagent", parentToolCallId: "call_task", title: "Count files", toolCallCount: 1 });
  expect(child).toMatchObject({ promptTokens: 110, completionTokens: 11 });
  const hidden = (await request(stack.url).get("/api/sessions").set(bearer(stack.key)).expect(200)).body;
  expect(hidden.map((session: { id: string }) => session.id)).not.toContain(child.id);

  const parent = (await request(stack.url).get(`/api/sessions/${sessionId}`).set(bearer(stack.key)).expect(200)).body;
  expect(parent).toMatchObject({ promptTokens: 330, completionTokens: 33 });
  const parentMessages = (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
  expect(parentMessages[1].toolCalls[0]).toMatchObject({ name: "Task", isError: false, result: "There are 0 files." });

  // Deleting the parent deletes its subagents' sessions too.
  await request(stack.url).delete(`/api/sessions/${sessionId}`).set(bearer(stack.key)).expect(204);
  await request(stack.url).get(`/api/sessions/${child.id}`).set(bearer(stack.key)).expect(404);
});
