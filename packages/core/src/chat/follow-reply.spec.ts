/** Following a chat reply against a real Redis event log: replay, live, timeout, stop. */
import { waitFor } from "@mix/testing";
import { followChatReply, type ReplyOutcome } from "./follow-reply";
import { createEventBusFixture } from "../../test/helpers/event-bus-fixture";

const bus = createEventBusFixture("followreply");
const { log, fanout } = bus;

afterAll(() => bus.close());

function collector() {
  const texts: string[] = [];
  const outcomes: ReplyOutcome[] = [];
  return { texts, outcomes, handlers: { text: (text: string) => texts.push(text), end: (outcome: ReplyOutcome) => outcomes.push(outcome) } };
}

const started = (conversationId: string, afterEventId: number) => ({ conversationId, messageId: "m1", model: "scripted-1", afterEventId });
const userMessage = { type: "user_message_created", messageId: "m1", content: "hi" };

it("replays what was logged before it started, then follows live events to the end", async () => {
  await log.append("c1", "user_message_created", userMessage);
  await log.append("c1", "content", { type: "content", content: "Hel" });
  const { texts, outcomes, handlers } = collector();
  await followChatReply(log, fanout, started("c1", 0), handlers, { timeoutMs: 5_000 });
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
  await followChatReply(log, fanout, started("c2", 0), handlers, { timeoutMs: 5_000 });
  expect(outcomes).toEqual([{ kind: "failed", error: "boom" }]);
});

it("ends as abandoned once a step whose text it handed on restarts, and goes on past one whose text it never saw", async () => {
  const restarted = (assistantMessageId: string) => ({ type: "step_restarted", error: "The worker was lost", assistantMessageId });
  await log.append("c5", "user_message_created", userMessage);
  await log.append("c5", "thinking", { type: "thinking", content: "hmm", assistantMessageId: "a1" });
  await log.append("c5", "error", restarted("a1"));
  await log.append("c5", "content", { type: "content", content: "Hel", assistantMessageId: "a2" });
  const { texts, outcomes, handlers } = collector();
  await followChatReply(log, fanout, started("c5", 0), handlers, { timeoutMs: 5_000 });
  expect(outcomes).toEqual([]);
  await log.append("c5", "error", restarted("a2"));
  await waitFor(() => outcomes.length > 0, { timeoutMs: 2_000, what: "the end" });
  expect(texts).toEqual(["Hel"]);
  expect(outcomes).toEqual([{ kind: "abandoned", error: "The worker was lost" }]);
});

it("gives up after the timeout", async () => {
  const { outcomes, handlers } = collector();
  await followChatReply(log, fanout, started("c3", 0), handlers, { timeoutMs: 100 });
  await waitFor(() => outcomes.length > 0, { timeoutMs: 2_000, what: "the timeout" });
  expect(outcomes).toEqual([{ kind: "timeout" }]);
});

it("reports nothing more once stopped", async () => {
  const stopped = collector();
  const witness = collector();
  const followed = await followChatReply(log, fanout, started("c4", 0), stopped.handlers, { timeoutMs: 5_000 });
  await followChatReply(log, fanout, started("c4", 0), witness.handlers, { timeoutMs: 5_000 });
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
