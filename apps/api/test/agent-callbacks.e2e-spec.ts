/**
 * Session callbacks after successful tool calls: a bash_script sees the call in its
 * environment, a send_message queues the next message, a sub_agent reviews the result; their
 * results are stored as callback results and reach the model unless excluded.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import request from "supertest";
import { openAiTextReply, openAiToolCallReply } from "@mix/testing";
import { createSession, openStream } from "./helpers/session-fixtures";
import { allowAllTools, converse, named, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { bearer } from "./helpers/test-stack";

let stack: AgentStack;

beforeAll(async () => {
  stack = await startAgentStack({ label: "agent-callbacks" });
  await allowAllTools(stack.url, stack.key);
});
afterAll(() => stack?.close());

const write = (id: string, path: string) => openAiToolCallReply([{ id, name: "Write", input: { file_path: path, content: "data" } }]);
const messagesOf = async (sessionId: string) => (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;

it("runs a bash_script callback with the call in its environment, and the model sees its output", async () => {
  const sessionId = await createSession(stack.url, stack.key, {
    callbacks: [
      {
        type: "bash_script",
        toolName: "Write",
        name: "audit",
        bashCommand: 'printf "%s|%s|%s" "$CALLBACK_TOOL_NAME" "$CALLBACK_TOOL_ID" "$CALLBACK_SESSION_ID" > cb.txt; echo "audited"',
      },
      // Runs for a different tool only.
      { type: "bash_script", toolName: "Bash", bashCommand: "echo wrong > wrong.txt" },
    ],
  });
  stack.fake.reply(write("call_cb", "a.txt")).reply(openAiTextReply("written"));
  const before = stack.fake.requests.length;
  await converse(stack, "write", { sessionId });
  expect(await readFile(join(stack.storage, sessionId, "cb.txt"), "utf8")).toBe(`Write|call_cb|${sessionId}`);
  await expect(readFile(join(stack.storage, sessionId, "wrong.txt"))).rejects.toThrow();
  const messages = await messagesOf(sessionId);
  expect(messages[1].callbackResults).toHaveLength(1);
  expect(JSON.stringify(messages[1].callbackResults[0])).toContain("audited");
  const told = stack.fake.requests[before + 1]!.body.messages.find((message: { role: string }) => message.role === "tool");
  expect(JSON.stringify(told.content)).toContain("audited");
});

it("keeps an excludeFromContext callback's output from the model", async () => {
  const sessionId = await createSession(stack.url, stack.key, {
    callbacks: [{ type: "bash_script", toolName: "*", bashCommand: "echo secret-output", excludeFromContext: true }],
  });
  stack.fake.reply(write("call_hidden", "b.txt")).reply(openAiTextReply("ok"));
  const before = stack.fake.requests.length;
  await converse(stack, "write", { sessionId });
  expect(JSON.stringify((await messagesOf(sessionId))[1].callbackResults)).toContain("secret-output");
  expect(JSON.stringify(stack.fake.requests[before + 1]!.body.messages)).not.toContain("secret-output");
});

it("queues a send_message callback's message as the session's next run", async () => {
  const sessionId = await createSession(stack.url, stack.key, {
    callbacks: [{ type: "send_message", toolName: "Write", messageContent: "now check the file" }],
  });
  stack.fake.reply(write("call_send", "c.txt")).reply(openAiTextReply("first done")).reply(openAiTextReply("checked"));
  const stream = await openStream(stack.url, stack.key, sessionId);
  try {
    await request(stack.url).post(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).send({ text: "write" }).expect(202);
    await stream.waitForCount((event) => event.event === "complete", 2, 15_000);
  } finally {
    stream.close();
  }
  expect(named(stream.logEvents, "user_message_created").map((event) => event.data.content)).toEqual(["write", "now check the file"]);
  const messages = await messagesOf(sessionId);
  expect(messages.map((message: { role: string }) => message.role)).toEqual(["user", "assistant", "assistant", "user", "assistant"]);
  expect(messages.at(-1).assistantResponse).toBe("checked");
});

it("runs a sub_agent callback and stores its answer", async () => {
  const sessionId = await createSession(stack.url, stack.key, {
    callbacks: [{ type: "sub_agent", toolName: "Write", subAgentPrompt: "Review what was written" }],
  });
  stack.fake.reply(write("call_review", "d.txt")).reply(openAiTextReply("Looks right.")).reply(openAiTextReply("reviewed"));
  const { events } = await converse(stack, "write and review", { sessionId });
  expect(
    named(events, "content")
      .filter((event) => event.data.parentToolCallId === "call_review")
      .map((event) => event.data.content)
      .join(""),
  ).toBe("Looks right.");
  expect(JSON.stringify((await messagesOf(sessionId))[1].callbackResults)).toContain("Looks right.");
  // The result names the subagent's own session.
  const [result] = (await messagesOf(sessionId))[1].callbackResults;
  const child = (await request(stack.url).get(`/api/sessions/${result.subagent_id}`).set(bearer(stack.key)).expect(200)).body;
  expect(child).toMatchObject({ sessionType: "subagent", parentSessionId: sessionId, parentToolCallId: "call_review" });
});
