/**
 * A model call that fails in the middle of its stream (an OpenAI-compatible server's mid-stream
 * `error` chunk, which the adapter retries) is streamed again under a new assistantMessageId,
 * after a `step_restarted` error naming the abandoned attempt and before the `retry` error. A
 * client following the README's rules assembles exactly the stored answer, for the run and for
 * a subagent's step alike.
 */
import request from "supertest";
import { openAiTextReply, openAiTextThenError, openAiToolCallReply, streamedText, type SseEvent } from "@mix/testing";
import { converse, named, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { bearer } from "./helpers/test-stack";
import { ContractSchema, describeErrors } from "./contract/contract-schema";

const contract = new ContractSchema();
const overloaded = { message: "Overloaded", type: "overloaded_error" };
let stack: AgentStack;

beforeAll(async () => {
  stack = await startAgentStack({ label: "agent-step-restart", env: { MODEL_MAX_ATTEMPTS: "3" } });
});
afterAll(() => stack?.close());

const messagesOf = async (sessionId: string) =>
  (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body as {
    id: string;
    role: string;
    assistantResponse?: string;
  }[];
const contentIds = (events: SseEvent[], parentToolCallId?: string) => [
  ...new Set(
    named(events, "content")
      .filter((event) => event.data.parentToolCallId === parentToolCallId)
      .map((event) => event.data.assistantMessageId),
  ),
];
const errorsOf = (events: SseEvent[]) => named(events, "error").map((event) => event.data);

function expectContractValid(events: SseEvent[]) {
  const validate = contract.schema("SSEErrorEvent");
  for (const event of named(events, "error")) {
    const valid = validate({ id: event.id, event: event.event, data: event.data });
    expect({ data: event.data, errors: valid ? "" : describeErrors(validate) }).toEqual({ data: event.data, errors: "" });
  }
}

it("announces an attempt that streamed before it failed, then streams the retry under a new id", async () => {
  stack.fake.reply(openAiTextThenError("Half an ans", overloaded, { pieceChars: 4 })).reply(openAiTextReply("The whole answer.", { pieceChars: 4 }));
  const { sessionId, events } = await converse(stack, "hello");

  const [abandoned, retried, ...more] = contentIds(events);
  expect(more).toEqual([]);
  expect(errorsOf(events)).toEqual([
    { type: "step_restarted", assistantMessageId: abandoned, error: expect.stringContaining("Overloaded") },
    // The retry event is as before.
    { type: "retry", attempt: 1, maxAttempts: 3, retryAfter: expect.any(Number), error: expect.stringContaining("Overloaded") },
  ]);
  expectContractValid(events);

  const stored = (await messagesOf(sessionId)).filter((message) => message.role === "assistant");
  expect(stored.map((message) => message.id)).toEqual([retried]);
  expect(stored[0]!.assistantResponse).toBe("The whole answer.");
  expect(streamedText(events)).toBe("The whole answer.");
  expect(events.at(-1)!.data).toMatchObject({ type: "complete", content: "The whole answer.", messageId: retried });
});

it("announces nothing when the model refused before it streamed", async () => {
  stack.fake
    .reply({ kind: "json", status: 429, body: { error: { message: "Slow down", type: "rate_limit_exceeded", param: null, code: null } } })
    .reply(openAiTextReply("Fine."));
  const { events } = await converse(stack, "hello again");
  expect(errorsOf(events)).toEqual([expect.objectContaining({ type: "retry", attempt: 1 })]);
  expect(contentIds(events)).toHaveLength(1);
  expect(streamedText(events)).toBe("Fine.");
});

it("tags a subagent's abandoned attempt with its Task call, and its text assembles to what the child session stores", async () => {
  stack.fake
    .reply(openAiToolCallReply([{ id: "call_task", name: "Task", input: { description: "Look", prompt: "Look around" } }]))
    .reply(openAiTextThenError("Looking aro", overloaded, { pieceChars: 4 }))
    .reply(openAiTextReply("Found nothing.", { pieceChars: 4 }))
    .reply(openAiTextReply("The subagent found nothing."));
  const { sessionId, events } = await converse(stack, "delegate");

  const [abandoned, retried] = contentIds(events, "call_task");
  expect(errorsOf(events)).toEqual([
    { type: "step_restarted", assistantMessageId: abandoned, parentToolCallId: "call_task", error: expect.stringContaining("Overloaded") },
    expect.objectContaining({ type: "retry", attempt: 1, parentToolCallId: "call_task" }),
  ]);
  expectContractValid(events);
  expect(streamedText(events, "call_task")).toBe("Found nothing.");

  const sessions = (await request(stack.url).get("/api/sessions?includeSubagents=true").set(bearer(stack.key)).expect(200)).body as {
    id: string;
    parentSessionId?: string;
  }[];
  const child = sessions.find((session) => session.parentSessionId === sessionId)!;
  const childAnswers = (await messagesOf(child.id)).filter((message) => message.role === "assistant");
  expect(childAnswers.map((message) => [message.id, message.assistantResponse])).toEqual([[retried, "Found nothing."]]);
  const parentAnswers = (await messagesOf(sessionId)).filter((message) => message.role === "assistant").map((message) => message.assistantResponse ?? "");
  expect(streamedText(events)).toBe(parentAnswers.join(""));
  expect(parentAnswers.at(-1)).toBe("The subagent found nothing.");
});
