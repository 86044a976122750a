/**
 * Cancel while a tool runs and while the model streams: the run stops promptly, the tool's
 * process is killed, and the transcript stays consistent (every call has a result).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import request from "supertest";
import { hostProcessesMatching, openAiTextReply, openAiToolCallReply, waitFor, type FakeReply } from "@mix/testing";
import { createSession, isComplete, openStream } from "./helpers/session-fixtures";
import { allowAllTools, named, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { bearer } from "./helpers/test-stack";

let stack: AgentStack;

beforeAll(async () => {
  stack = await startAgentStack({ label: "agent-cancel" });
  await allowAllTools(stack.url, stack.key);
});
afterAll(() => stack?.close());

async function sendAndCancelWhen(sessionId: string, when: (event: { event: string }) => boolean, ready: () => Promise<unknown> = async () => true) {
  const stream = await openStream(stack.url, stack.key, sessionId);
  try {
    await request(stack.url).post(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).send({ text: "go" }).expect(202);
    await stream.waitForEvent(when, 10_000, "the moment to cancel");
    await ready();
    await request(stack.url).post(`/api/sessions/${sessionId}/cancel`).set(bearer(stack.key)).expect(200, { cancelled: true });
    // Bounded: a tool that ignored the cancel would run for 30 s.
    const done = await stream.waitForEvent(isComplete, 5_000, "the cancelled run to complete");
    return { done, events: stream.logEvents };
  } finally {
    stream.close();
  }
}

it("stops a running tool, reports the call as interrupted, and asks the model nothing more", async () => {
  // No second reply is scripted: the model must not be asked again.
  stack.fake.reply(
    openAiToolCallReply([
      { id: "call_sleep", name: "Bash", input: { command: "echo started > started.txt; sleep 361; echo finished > after.txt" } },
      { id: "call_next", name: "list_directory", input: {} },
    ]),
  );
  const before = stack.fake.requests.length;
  const sessionId = await createSession(stack.url, stack.key);
  // Cancelled once the command is surely running (the event comes just before it starts).
  const started = () =>
    waitFor(
      () =>
        readFile(join(stack.storage, sessionId, "started.txt"), "utf8").then(
          () => true,
          () => false,
        ),
      { what: "the command to start" },
    );
  const { done, events } = await sendAndCancelWhen(sessionId, (event) => event.event === "tool_execution_start", started);
  expect(done.data).toMatchObject({ type: "cancelled", done: true });
  expect(named(events, "tool_execution_complete").map((event) => event.data)).toEqual([
    expect.objectContaining({ toolCallId: "call_sleep", success: false }),
    expect.objectContaining({ toolCallId: "call_next", success: false }),
  ]);
  expect(stack.fake.requests.length - before).toBe(1);

  const messages = (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
  expect(messages[1].toolCalls).toEqual([
    expect.objectContaining({ id: "call_sleep", finished: true, isError: true, result: expect.stringMatching(/^Interrupted/) }),
    expect.objectContaining({ id: "call_next", finished: true, isError: true, result: expect.stringMatching(/^Interrupted/) }),
  ]);
  // The sandbox and everything in it were killed, so the command never went on to its next step.
  await waitFor(async () => (await hostProcessesMatching("sleep 361")).length === 0, {
    timeoutMs: 5_000,
    what: "the cancelled command's processes to be gone",
  });
  await expect(readFile(join(stack.storage, sessionId, "after.txt"))).rejects.toMatchObject({ code: "ENOENT" });
  const run = await stack.apis[0]!.api.infrastructure.prisma.run.findFirstOrThrow({ where: { sessionId } });
  expect(run.status).toBe("cancelled");
});

it("stops a model stream mid-answer and keeps what had arrived", async () => {
  const held: FakeReply = { ...openAiTextReply("partial answer"), holdOpen: true } as FakeReply;
  stack.fake.reply(held);
  const sessionId = await createSession(stack.url, stack.key);
  const disconnectsBefore = stack.fake.clientDisconnects;
  const { done } = await sendAndCancelWhen(sessionId, (event) => event.event === "content");
  expect(done.data).toMatchObject({ type: "cancelled", content: "partial answer" });
  const messages = (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
  expect(messages.at(-1)).toMatchObject({ role: "assistant", assistantResponse: "partial answer" });
  // The provider's connection was closed, not left streaming.
  expect(stack.fake.clientDisconnects).toBe(disconnectsBefore + 1);
});
