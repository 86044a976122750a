/** Following a run as the chat does (text that went out is final) against a real Redis event log: replay, live, timeout, stop. */
import { waitFor } from "@mix/testing";
import { PermissionStore } from "../permissions/permission-store";
import { RunFollower } from "./run-follower";
import type { FollowHandlers, RunOutcome, RunToFollow } from "./run-outcome";
import { createEventBusFixture } from "../../test/helpers/event-bus-fixture";

const bus = createEventBusFixture("runfollower");
const { log } = bus;
let follower: RunFollower;

beforeAll(async () => {
  follower = new RunFollower({ events: log, fanout: bus.fanout, redis: bus.redis, keys: bus.keys, prisma: await bus.prisma() });
});
afterAll(() => bus.close());

function collector() {
  const texts: string[] = [];
  const outcomes: RunOutcome[] = [];
  return { texts, outcomes, handlers: { text: (text: string) => texts.push(text), end: (outcome: RunOutcome) => outcomes.push(outcome) } };
}

const started = (sessionId: string, afterEventId: number): RunToFollow => ({ sessionId, messageId: "m1", afterEventId });
/** What POST /api/chat does: its text went out, so a restart of it ends the reply. */
const followChatReply = (run: RunToFollow, handlers: FollowHandlers, options: { timeoutMs: number }) =>
  follower.follow(run, handlers, { ...options, textIsFinal: true });
const userMessage = { type: "user_message_created", messageId: "m1", content: "hi" };

it("replays what was logged before it started, then follows live events to the end", async () => {
  await log.append("c1", "user_message_created", userMessage);
  await log.append("c1", "content", { type: "content", content: "Hel" });
  const { texts, outcomes, handlers } = collector();
  await followChatReply(started("c1", 0), handlers, { timeoutMs: 5_000 });
  await log.append("c1", "content", { type: "content", content: "lo" });
  await log.append("c1", "complete", { type: "complete", done: true });
  await log.append("c1", "content", { type: "content", content: "after the end" });
  await waitFor(() => outcomes.length > 0, { timeoutMs: 2_000, what: "the end" });
  expect(texts.join("")).toBe("Hello");
  expect(outcomes).toEqual([{ kind: "complete", reason: "complete" }]);
});

it("ends during the replay when the whole run is already logged", async () => {
  await log.append("c2", "user_message_created", userMessage);
  await log.append("c2", "error", { type: "run_failed", error: "boom" });
  const { outcomes, handlers } = collector();
  await followChatReply(started("c2", 0), handlers, { timeoutMs: 5_000 });
  expect(outcomes).toEqual([{ kind: "failed", error: "boom" }]);
});

it("ends as abandoned once a step whose text it handed on restarts, and goes on past one whose text it never saw", async () => {
  const restarted = (assistantMessageId: string) => ({ type: "step_restarted", error: "The worker was lost", assistantMessageId });
  await log.append("c5", "user_message_created", userMessage);
  await log.append("c5", "thinking", { type: "thinking", content: "hmm", assistantMessageId: "a1" });
  await log.append("c5", "error", restarted("a1"));
  await log.append("c5", "content", { type: "content", content: "Hel", assistantMessageId: "a2" });
  const { texts, outcomes, handlers } = collector();
  await followChatReply(started("c5", 0), handlers, { timeoutMs: 5_000 });
  expect(outcomes).toEqual([]);
  await log.append("c5", "error", restarted("a2"));
  await waitFor(() => outcomes.length > 0, { timeoutMs: 2_000, what: "the end" });
  expect(texts).toEqual(["Hel"]);
  expect(outcomes).toEqual([{ kind: "abandoned", error: "The worker was lost" }]);
});

it("gives up after the timeout", async () => {
  const { outcomes, handlers } = collector();
  await followChatReply(started("c3", 0), handlers, { timeoutMs: 100 });
  await waitFor(() => outcomes.length > 0, { timeoutMs: 2_000, what: "the timeout" });
  expect(outcomes).toEqual([{ kind: "timeout" }]);
});

it("reports nothing more once stopped", async () => {
  const stopped = collector();
  const witness = collector();
  const followed = await followChatReply(started("c4", 0), stopped.handlers, { timeoutMs: 5_000 });
  await followChatReply(started("c4", 0), witness.handlers, { timeoutMs: 5_000 });
  await log.append("c4", "user_message_created", userMessage);
  followed.stop();
  await log.append("c4", "content", { type: "content", content: "seen by the witness only" });
  await log.append("c4", "complete", { type: "complete", done: true });
  // Live events reach every subscriber in publish order: once the witness has the end, the
  // stopped follower would have had it too.
  await waitFor(() => witness.outcomes.length > 0, { timeoutMs: 2_000, what: "the witness's end" });
  expect(witness.texts).toEqual(["seen by the witness only"]);
  expect(stopped.texts).toEqual([]);
  expect(stopped.outcomes).toEqual([]);
});

describe("following to the end, as the MCP tools do", () => {
  const progressOf = () => {
    const messages: string[] = [];
    return { messages, handlers: { text: (text: string) => messages.push(text), progress: (step: { kind: string }) => messages.push(step.kind) } };
  };

  it("keeps the reply past a restarted step and returns it with its tool calls", async () => {
    await log.append("m1", "user_message_created", userMessage);
    await log.append("m1", "content", { type: "content", content: "Dropped", assistantMessageId: "a1" });
    await log.append("m1", "error", { type: "step_restarted", error: "The worker was lost", assistantMessageId: "a1" });
    await log.append("m1", "tool_execution_complete", {
      type: "tool_execution_complete",
      toolCallId: "call_1",
      toolName: "ls",
      progress: "done",
      success: true,
    });
    await log.append("m1", "content", { type: "content", content: "Kept", assistantMessageId: "a2" });
    await log.append("m1", "complete", { type: "complete", done: true });
    const { messages, handlers } = progressOf();
    const followed = await follower.followToEnd(started("m1", 0), handlers, { timeoutMs: 5_000 });
    expect(messages).toEqual(["Dropped", "restarted", "tool_finished", "Kept"]);
    expect(followed).toEqual({
      outcome: { kind: "complete", reason: "complete" },
      text: "Kept",
      toolCalls: [{ id: "call_1", name: "ls", status: "succeeded" }],
    });
  });

  it("stops at a permission request still pending, and goes on past one answered before its tool started", async () => {
    const store = new PermissionStore(bus.redis, bus.keys);
    const ask = async (sessionId: string, permissionId: string) => {
      const owner = { workspaceId: "w", sessionId, streamSessionId: sessionId, runId: "m1", toolCallId: "", toolName: "Write" };
      await store.create(permissionId, owner, 60_000);
      await log.append(sessionId, "permission", {
        type: "permission",
        id: permissionId,
        sessionId,
        toolName: "Write",
        description: `Write ${permissionId}`,
        action: "write",
      });
    };
    await log.append("m2", "user_message_created", userMessage);
    await ask("m2", "p-answered");
    await store.settle({ id: "p-answered", streamSessionId: "m2" }, "granted");
    const outcomes: RunOutcome[] = [];
    const progress: string[] = [];
    await follower.follow(started("m2", 0), { progress: (step) => progress.push(step.kind), end: (outcome) => outcomes.push(outcome) }, { timeoutMs: 5_000 });
    expect(outcomes).toEqual([]);
    await ask("m2", "p-pending");
    await waitFor(() => outcomes.length > 0, { timeoutMs: 2_000, what: "the wait on the permission" });
    expect(outcomes).toEqual([{ kind: "awaiting_permission", permission: expect.objectContaining({ permissionId: "p-pending" }) }]);
    expect(progress).toEqual(["permission"]);
    // Followed again, the same request is read from the replay and is still pending.
    const again = await follower.followToEnd(started("m2", 0), {}, { timeoutMs: 5_000 });
    expect(again.outcome).toMatchObject({ kind: "awaiting_permission", permission: { permissionId: "p-pending" } });
  });

  it("ends as not in the log, or as stopped by the caller's signal", async () => {
    const notLogged = await follower.followToEnd(started("m3", 0), {}, { timeoutMs: 5_000, endIfNotInLog: true });
    expect(notLogged.outcome).toEqual({ kind: "not_in_log" });
    const controller = new AbortController();
    const following = follower.followToEnd(started("m3", 0), {}, { timeoutMs: 5_000, signal: controller.signal });
    controller.abort();
    expect((await following).outcome).toEqual({ kind: "stopped" });
  });
});
