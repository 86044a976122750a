/**
 * Cancel while a tool runs and while the model streams: the run stops promptly, the tool's
 * process is killed, and the transcript stays consistent (every call has a result).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import request from "supertest";
import { openAiTextReply, openAiToolCallReply, waitFor, type FakeReply } from "@mix/testing";
import { createSession, isComplete, openStream } from "./helpers/session-fixtures";
import { allowAllTools, named, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { bearer } from "./helpers/test-stack";

let stack: AgentStack;

beforeAll(async () => {
  stack = await startAgentStack({ label: "agent-cancel" });
  await allowAllTools(stack.url, stack.key);
});
afterAll(() => stack?.close());

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function sendAndCancelWhen(sessionId: string, when: (event: { event: string }) => boolean) {
  const stream = await openStream(stack.url, stack.key, sessionId);
  try {
    await request(stack.url).post(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).send({ text: "go" }).expect(202);
    await stream.waitForEvent(when, 10_000, "the moment to cancel");
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
      { id: "call_sleep", name: "Bash", input: { command: "echo $$ > pid.txt; sleep 30; echo finished > after.txt" } },
      { id: "call_next", name: "list_directory", input: {} },
    ]),
  );
  const before = stack.fake.requests.length;
  const sessionId = await createSession(stack.url, stack.key);
  const { done, events } = await sendAndCancelWhen(sessionId, (event) => event.event === "tool_execution_start");
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
  // The shell and its children were killed: the process group is gone once the kernel has
  // reaped it (a killed child stays signalable until its parent collects it).
  const pid = Number(await readFile(join(stack.storage, sessionId, "pid.txt"), "utf8"));
  await waitFor(() => !groupAlive(pid), { timeoutMs: 5_000, what: "the killed shell's process group to be gone" });
  const run = await stack.apis[0]!.api.services.prisma.run.findFirstOrThrow({ where: { sessionId } });
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
