/**
 * A worker killed with SIGKILL in the middle of a model step: the worker that resumes the run
 * announces the step the dead one was streaming as abandoned (a `step_restarted` error naming
 * its assistantMessageId, once), and streams it again under a new id. A client that follows the
 * README's rules (deltas per id, an abandoned id dropped) ends up with exactly the stored
 * answer; a chat reply that had already handed on the abandoned text ends as abandoned.
 */
import { STEP_RESTARTED, type ApplicationServices, type Infrastructure, type LoggedEvent, type RunOutcome } from "@mix/core";
import { streamedText, waitFor } from "@mix/testing";
import { createWorkerFixture, type WorkerFixture } from "./helpers/worker-fixture";

let fixture: WorkerFixture;
let services: ApplicationServices;
let infrastructure: Infrastructure;

beforeAll(async () => {
  fixture = await createWorkerFixture("step-restart", {
    // A step takes about 3 s: long enough to be killed in the middle of.
    SCRIPTED_DELAY_MS: "30",
    SCRIPTED_CONTENT_DELTAS: "100",
    RUN_LEASE_MS: "2000",
    RUN_STALLED_CHECK_MS: "1000",
  });
  ({ services, infrastructure } = fixture);
});
afterAll(() => fixture?.close());

const startWorker = (overrides?: Record<string, string>) => fixture.startWorker(overrides);
const runStatus = (runId: string) => fixture.runStatus(runId);
const restarts = (events: LoggedEvent[]) => events.filter((event) => event.event === "error" && (event.data as { type?: string }).type === STEP_RESTARTED);
const idsOf = (events: LoggedEvent[], parentToolCallId?: string) => [
  ...new Set(
    events
      .filter((event) => event.event === "content" && (event.data as { parentToolCallId?: string }).parentToolCallId === parentToolCallId)
      .map((event) => (event.data as { assistantMessageId: string }).assistantMessageId),
  ),
];

/** Sends `text`, kills the worker running it once `midStep` holds, and waits for a second worker to finish the run. */
async function sendAndKillMidStep(text: string, midStep: (events: LoggedEvent[]) => boolean) {
  const { workspaceId } = await services.apiKeys.createWorkspace("step-restart");
  await infrastructure.prisma.workspace.update({ where: { id: workspaceId }, data: { permissionPolicy: { tools: [] } } });
  const session = await services.sessions.create(workspaceId, { title: "crash mid-step", promptMode: "default", sessionType: "main" });
  const first = startWorker();
  let second: ReturnType<typeof startWorker> | undefined;
  try {
    const afterEventId = await infrastructure.events.lastId(session.id);
    const sent = await services.messages.send(workspaceId, session.id, { text, plan_mode: false });
    // What POST /api/chat does with the run's events.
    const chat: RunOutcome[] = [];
    const followed = await services.follow.follow(
      { sessionId: session.id, messageId: sent.messageId, afterEventId },
      { text: () => undefined, end: (outcome) => chat.push(outcome) },
      { timeoutMs: 60_000, textIsFinal: true },
    );
    await waitFor(async () => midStep(await infrastructure.events.readAfter(session.id, 0, 10_000)), { timeoutMs: 20_000, what: "the step to be streaming" });
    second = startWorker();
    first.child.kill("SIGKILL");
    await first.exited;
    await waitFor(async () => (await runStatus(sent.messageId)) === "completed", { timeoutMs: 40_000, what: "the second worker to finish the run" });
    followed.stop();
    const events = await infrastructure.events.readAfter(session.id, 0, 10_000);
    return { workspaceId, sessionId: session.id, events, chat };
  } finally {
    if (first.child.exitCode === null) first.child.kill("SIGKILL");
    if (second) {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  }
}

it("announces the step a killed worker was streaming once, so the assembled text is the stored answer", async () => {
  const contentCount = (events: LoggedEvent[]) => events.filter((event) => event.event === "content").length;
  const { workspaceId, sessionId, events, chat } = await sendAndKillMidStep("Tell me a story about recovery", (logged) => contentCount(logged) >= 10);

  const [abandoned, retried, ...more] = idsOf(events);
  expect(more).toEqual([]);
  expect(restarts(events).map((event) => event.data)).toEqual([
    { type: STEP_RESTARTED, assistantMessageId: abandoned, error: expect.stringContaining("worker") },
  ]);
  // The announcement comes before the step streams again.
  const restartAt = events.indexOf(restarts(events)[0]!);
  expect(events.findIndex((event) => (event.data as { assistantMessageId?: string }).assistantMessageId === retried)).toBeGreaterThan(restartAt);

  const messages = await services.messages.list(workspaceId, sessionId);
  const assistant = messages.filter((message) => message.role === "assistant");
  expect(assistant.map((message) => message.id)).toEqual([retried]);
  expect(assistant[0]!.assistantResponse).toMatch(/^You said: Tell me a story/);
  expect(streamedText(events)).toBe(assistant[0]!.assistantResponse);
  // Without the rule, the dead worker's partial text would come first.
  expect(
    events
      .filter((event) => event.event === "content")
      .map((event) => (event.data as { content: string }).content)
      .join(""),
  ).not.toBe(assistant[0]!.assistantResponse);
  expect((await infrastructure.prisma.run.findFirstOrThrow({ where: { sessionId } })).streamingMessageId).toBeNull();
  // A plain-text chat reply had handed on the abandoned text: it ends, not with a reply that holds it.
  expect(chat).toEqual([{ kind: "abandoned", error: expect.stringContaining("worker") }]);
}, 90_000);

it("announces a subagent's abandoned step tagged with its Task call, which ends as interrupted", async () => {
  const task = JSON.stringify({ description: "Survey the folder", prompt: "Describe what you would look at" });
  const subagentContent = (events: LoggedEvent[]) =>
    events.filter((event) => event.event === "content" && (event.data as { parentToolCallId?: string }).parentToolCallId).length;
  const { workspaceId, sessionId, events } = await sendAndKillMidStep(`@tool Task ${task}`, (logged) => subagentContent(logged) >= 10);

  const taskCall = events.find((event) => event.event === "tool_use_start")!.data as { id: string };
  const [abandoned, ...more] = idsOf(events, taskCall.id);
  expect(more).toEqual([]);
  expect(restarts(events).map((event) => event.data)).toEqual([
    { type: STEP_RESTARTED, assistantMessageId: abandoned, parentToolCallId: taskCall.id, error: expect.stringContaining("interrupted") },
  ]);
  expect(await infrastructure.prisma.message.count({ where: { id: abandoned } })).toBe(0);
  // The subagent's text is dropped whole; the run's own text is what its messages store.
  expect(streamedText(events, taskCall.id)).toBe("");
  const messages = await services.messages.list(workspaceId, sessionId);
  const stored = messages.filter((message) => message.role === "assistant").map((message) => message.assistantResponse ?? "");
  expect(stored.at(-1)).toContain("Task failed");
  expect(streamedText(events)).toBe(stored.join(""));
}, 90_000);
